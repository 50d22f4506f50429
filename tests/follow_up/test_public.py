"""The public "You said, we did" page: published items and published updates only, under the
attribution rules, in every interface language."""

from datetime import date

import sqlalchemy as sa

from consultation.accounts.models import User
from consultation.agenda.models import Attribution
from consultation.db import db
from consultation.events.models import Event, EventStatus
from consultation.follow_up import access, updates
from consultation.follow_up.register import item_or_404
from consultation.outcomes.models import Addressee, Priority, ReviewStatus, SessionOutcome
from tests.follow_up.fixtures import _recommendation, _session

PAGE = "/series/MENA/follow-up"


def publish_all_outcomes(app) -> None:
    with app.app_context():
        for outcome in db.session.scalars(sa.select(SessionOutcome)):
            outcome.review_status = ReviewStatus.PUBLISHED
        db.session.commit()


def test_only_published_outcomes_of_public_editions_appear(app, client, series_world):
    refs = series_world.references
    assert refs["r26_access"] not in client.get(PAGE).get_data(as_text=True)
    publish_all_outcomes(app)
    with app.app_context():
        # A closed session's items never leave the team, even published.
        event = db.session.get(Event, series_world.editions[2026])
        closed = _session(event, "Donor briefing", Attribution.CLOSED, [])
        secret = _recommendation(
            event, closed, "A closed-door idea.", [Addressee.DONORS], Priority.LOW, []
        )
        db.session.flush()
        db.session.get(SessionOutcome, closed.id).review_status = ReviewStatus.PUBLISHED
        db.session.commit()
        secret_reference = secret.reference
    page = client.get(PAGE).get_data(as_text=True)
    assert refs["r26_access"] in page and refs["r27_protocol"] in page
    assert secret_reference not in page and "A closed-door idea." not in page
    # A draft edition is the team's alone.
    with app.app_context():
        db.session.get(Event, series_world.editions[2027]).status = EventStatus.DRAFT
        db.session.commit()
    page = client.get(PAGE).get_data(as_text=True)
    assert refs["r27_protocol"] not in page and refs["r26_access"] in page
    assert client.get(PAGE + "/2027").status_code == 404


def test_owners_are_named_only_on_the_record_and_updates_only_once_published(
    app, client, series_world
):
    publish_all_outcomes(app)
    with app.app_context():
        organiser = db.session.get(User, series_world.users["organiser"].id)
        item, event = item_or_404("commitments", series_world.items["c26_overdue"])
        updates.post_update(
            item,
            updates.UpdateDetails(date(2026, 9, 1), "in_progress", "Draft wording, not checked."),
            organiser,
            access.event_access(event, organiser),
        )
        db.session.commit()
    page = client.get(PAGE).get_data(as_text=True)
    # On the record (2026): the owner is named; Chatham House (2027): never.
    assert "International Organization for Migration" in page
    assert "Amel Association" in page  # C02 of 2026, on the record
    c27 = page[page.find(series_world.references["c27_open"]) :]
    assert "Owner:" not in c27[: c27.find("</article>")]
    assert "Shared with 40 NGOs." in page
    assert "Draft wording, not checked." not in page


def test_filters_by_edition_theme_and_status(app, client, series_world):
    publish_all_outcomes(app)
    refs = series_world.references
    page = client.get(PAGE + "/2027").get_data(as_text=True)
    assert refs["r27_protocol"] in page and refs["r26_access"] not in page
    page = client.get(PAGE + f"?theme={series_world.theme_ids['local']}").get_data(as_text=True)
    assert refs["r26_local"] in page and refs["r26_access"] not in page
    page = client.get(PAGE + "?status=done").get_data(as_text=True)
    assert refs["c26_done"] in page
    assert refs["c26_overdue"] not in page and refs["r26_access"] not in page


def test_the_page_reads_right_to_left_in_arabic(app, client, series_world):
    publish_all_outcomes(app)
    client.submit("/language", {"language": "ar", "next": PAGE})
    page = client.get(PAGE).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    # Latin text keeps its own direction inside the Arabic page.
    assert 'dir="ltr">Negotiate regular access to detention centres.' in page


def test_the_event_page_leads_to_the_follow_up(app, client, series_world):
    page = client.get("/events/mena-2026").get_data(as_text=True)
    assert 'href="/series/MENA/follow-up"' in page


def test_an_unknown_series_is_not_found(client):
    assert client.get("/series/NOPE/follow-up").status_code == 404


def test_the_page_costs_as_many_statements_for_many_items_as_for_few(
    app, client, series_world, count_queries
):
    publish_all_outcomes(app)
    few = count_queries(lambda: client.get(PAGE))
    with app.app_context():
        policy = db.session.get(User, series_world.users["policy"].id)
        event = db.session.get(Event, series_world.editions[2026])
        more = _session(event, "Aid diversion", Attribution.ON_RECORD, [])
        for number in range(8):
            recommendation = _recommendation(
                event, more, f"Recommendation {number}", [Addressee.IOM], Priority.HIGH, []
            )
            db.session.flush()
            updates.post_update(
                recommendation,
                updates.UpdateDetails(date(2026, 8, 1), "accepted", f"Accepted {number}"),
                policy,
                access.event_access(event, policy),
            )
        db.session.flush()
        db.session.get(SessionOutcome, more.id).review_status = ReviewStatus.PUBLISHED
        db.session.commit()
    many = count_queries(lambda: client.get(PAGE))
    assert "Accepted 7" in client.get(PAGE).get_data(as_text=True)
    assert many == few
