"""Participants who ask for it get an email, at most monthly, when published statuses of
their consultation's follow-up change; they opt in at registration or from their link, and
out from any such email."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from consultation.accounts.models import User
from consultation.db import db, now_utc
from consultation.events.models import Event
from consultation.follow_up import access, news, reminders, updates
from consultation.follow_up.dates import months_after
from consultation.follow_up.models import NewsSubscription
from consultation.follow_up.register import item_or_404
from consultation.outcomes.models import ReviewStatus, SessionOutcome
from consultation.privacy import retention
from consultation.privacy.services import erase_registration
from consultation.registrations.consents import ConsentRecord
from consultation.registrations.models import Registration
from tests.helpers import link_in, open_link
from tests.registering import REGISTRATION_FORM, take_registrations


def subscriptions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (row.email, row.language)
            for row in db.session.scalars(sa.select(NewsSubscription).order_by("id"))
        ]


def register(client, app, world, year=2027, news_wanted=True):
    """Registers through the form, and opens the emailed link: the address is confirmed."""
    take_registrations(app, db_event(app, world, year))
    form = {**REGISTRATION_FORM, **({"follow_up_news": "y"} if news_wanted else {})}
    response = client.submit(f"/events/mena-{year}/register", form)
    assert response.status_code == 200, response.get_data(as_text=True)
    open_link(app.test_client(), link_in(app.extensions["mail_outbox"][-1]))


@pytest.fixture(autouse=True)
def _settled(app):
    """Statuses published a moment ago count at once: the job waits for none."""
    app.config["FOLLOW_UP_NEWS_SETTLING_MINUTES"] = 0
    yield
    app.config["FOLLOW_UP_NEWS_SETTLING_MINUTES"] = 5


def db_event(app, world, year):
    with app.app_context():
        event = db.session.get(Event, world.editions[year])
        db.session.expunge(event)
        return event


def publish_status(app, world, name, status, when):
    with app.app_context():
        for outcome in db.session.scalars(sa.select(SessionOutcome)):
            outcome.review_status = ReviewStatus.PUBLISHED
        policy = db.session.get(User, world.users["policy"].id)
        item, event = item_or_404(
            "recommendations" if name.startswith("r") else "commitments", world.items[name]
        )
        update = updates.post_update(
            item, updates.UpdateDetails(when, status, "Agreed."), policy,
            access.event_access(event, policy),
        )  # fmt: skip
        db.session.commit()
        return update.id


def send(app, on: date) -> int:
    with app.app_context():
        return reminders.run_reminders(on).news


def test_opting_in_at_registration_keeps_a_subscription_and_records_the_consent(
    app, client, series_world
):
    page = client.get("/events/mena-2027/register")
    register(client, app, series_world)
    assert subscriptions(app) == [("leila@ngo.example", "en")]
    with app.app_context():
        consents = db.session.scalars(sa.select(ConsentRecord.consent)).all()
    assert "follow_up_news" in {consent.value for consent in consents}
    assert page.status_code == 200


def test_the_email_lists_published_status_changes_at_most_monthly(
    app, client, series_world, outbox
):
    register(client, app, series_world)
    today = now_utc().date()
    assert send(app, today) == 0
    publish_status(app, series_world, "r26_access", "accepted", today - timedelta(days=1))
    assert send(app, today) == 1
    message = outbox[-1]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert series_world.references["r26_access"] in text and "Accepted" in text
    # Another change soon after waits for the next month's email.
    publish_status(app, series_world, "r26_local", "implemented", today)
    assert send(app, today + timedelta(days=3)) == 0
    assert send(app, months_after(today, 1)) == 1
    text = outbox[-1].get_body(preferencelist=("plain",)).get_content()
    assert series_world.references["r26_local"] in text
    assert series_world.references["r26_access"] not in text
    news_emails = [m for m in outbox if "follow-up of" in m["Subject"]]
    assert [m["To"] for m in news_emails] == ["leila@ngo.example"] * 2


def test_one_click_in_any_email_stops_them(app, client, series_world, outbox):
    register(client, app, series_world)
    today = now_utc().date()
    publish_status(app, series_world, "r26_access", "accepted", today)
    assert send(app, today) == 1
    text = outbox[-1].get_body(preferencelist=("plain",)).get_content()
    stop = next(line for line in text.splitlines() if "/follow-up/news/stop/" in line)
    path = stop.split("consultation.test", 1)[1]
    visitor = app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200 and "Stop these emails" in page.get_data(as_text=True)
    # The link does not show the address it was sent to.
    assert "leila" not in path
    response = visitor.post(path, data={"csrf_token": visitor.csrf_token(path)})
    assert response.status_code == 302
    assert subscriptions(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(Registration.follow_up_news)) is False
    assert visitor.get(path).status_code == 404


def test_the_participant_opts_in_and_out_from_their_link(app, client, series_world, outbox):
    register(client, app, series_world, news_wanted=False)
    assert subscriptions(app) == []
    manage = open_link(app.test_client(), link_in(outbox[-1]))
    owner = app.test_client()
    open_link(owner, link_in(outbox[-1]))
    form = {**REGISTRATION_FORM, "follow_up_news": "y"}
    del form["email"], form["consent"]
    owner.post(manage, data={**form, "csrf_token": owner.csrf_token(manage)})
    assert subscriptions(app) == [("leila@ngo.example", "en")]
    del form["follow_up_news"]
    owner.post(manage, data={**form, "csrf_token": owner.csrf_token(manage)})
    assert subscriptions(app) == []


def test_erasure_and_retention_end_the_subscription(app, client, series_world):
    register(client, app, series_world)
    with app.app_context():
        erase_registration(db.session.scalar(sa.select(Registration)))
        db.session.commit()
    assert subscriptions(app) == []
    client.submit("/logout")
    other = app.test_client()
    other.submit(
        "/events/mena-2027/register",
        {**REGISTRATION_FORM, "email": "omar@ngo.example", "follow_up_news": "y"},
    )
    assert subscriptions(app) == [("omar@ngo.example", "en")]
    # Two years after the 2027 edition (13 May 2027), and not before.
    with app.app_context():
        assert retention.purge(date(2029, 5, 12)).subscriptions_deleted == 0
        assert retention.purge(date(2029, 5, 14)).subscriptions_deleted == 1
        db.session.commit()


def test_an_event_outside_a_series_does_not_offer_it(app, client, make_event):
    event = take_registrations(app, make_event(slug="standalone"))
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "follow_up_news" not in page


def test_a_forged_or_stale_link_stops_nothing(app, client):
    with app.test_request_context():
        stale = news.opt_out_token(NewsSubscription(id=99, email_key="x@ngo.example"))
    for token in ("nonsense", stale):
        assert client.get(f"/follow-up/news/stop/{token}").status_code == 404
