from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consultation.accounts.models import Role
from consultation.agenda.models import Attribution, Session, SessionKind
from consultation.db import db
from consultation.events.models import Event, TeamRole
from consultation.outcomes.models import (
    Commitment,
    KeyPoint,
    Recommendation,
    ReviewStatus,
    SessionOutcome,
)
from consultation.taxonomy.models import Series


@pytest.fixture
def event(app, make_event, themes):
    with app.app_context():
        series = Series(name="IOM–NGO Humanitarian Consultations", code="MENA")
        db.session.add(series)
        db.session.commit()
        series_id = series.id
    event = make_event(series_id=series_id)
    with app.app_context():
        stored = db.session.get(Event, event.id, options=[selectinload(Event.themes)])
        stored.themes = [db.session.merge(theme) for theme in themes[:3]]
        db.session.commit()
    return event


def add_session(app, event, title="Humanitarian access", attribution=Attribution.CHATHAM_HOUSE):
    with app.app_context():
        session = Session(
            event_id=event.id,
            title=title,
            kind=SessionKind.PANEL,
            starts_at=datetime(2027, 3, 1, 7, tzinfo=UTC),
            ends_at=datetime(2027, 3, 1, 8, tzinfo=UTC),
            attribution=attribution,
        )
        db.session.add(session)
        db.session.commit()
        return session.id


@pytest.fixture
def session_id(app, event):
    return add_session(app, event)


@pytest.fixture
def team(make_user, add_to_team, event):
    members = {}
    for role, team_role in (
        (Role.ORGANISER, TeamRole.ORGANISER),
        (Role.RAPPORTEUR, TeamRole.RAPPORTEUR),
        (Role.POLICY, TeamRole.POLICY),
    ):
        user = make_user(role)
        add_to_team(event, user, team_role)
        members[team_role.value] = user
    return members


def url(event, session_id, tail=""):
    return f"/manage/events/{event.slug}/outcomes/sessions/{session_id}{tail}"


RECOMMENDATION = {
    "text": "Negotiate regular access to detention centres with the authorities.",
    "addressees": ["iom", "states"],
    "priority": "high",
}


PREFIXES = {
    "key-points": "key-point",
    "recommendations": "recommendation",
    "commitments": "commitment",
}


def add(client, event, session_id, collection, **fields):
    prefix = PREFIXES[collection]
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    return client.submit(url(event, session_id, f"/{collection}"), data)


def items(app, model, **filters):
    with app.app_context():
        return db.session.scalars(sa.select(model).filter_by(**filters).order_by(model.id)).all()


def status_of(app, session_id):
    with app.app_context():
        return db.session.get(SessionOutcome, session_id).review_status


def test_a_rapporteur_records_and_a_policy_officer_approves(app, client, event, session_id, team):
    client.login(team["rapporteur"].email)
    page = client.get(url(event, session_id))
    assert page.status_code == 200 and "Chatham House rule" in page.get_data(as_text=True)

    assert (
        client.submit(url(event, session_id, "/summary"), {"summary": "We **agreed**."}).status_code
        == 302
    )
    assert (
        add(client, event, session_id, "key-points", text="Access is shrinking.").status_code == 302
    )
    assert add(client, event, session_id, "recommendations", **RECOMMENDATION).status_code == 302
    response = add(
        client, event, session_id, "commitments", text="Map detention sites", due_on="2027-06-30"
    )
    assert response.status_code == 302

    page = client.get(url(event, session_id)).get_data(as_text=True)
    assert "We **agreed**." in page
    assert "MENA-2027-R01" in page and "MENA-2027-C01" in page
    assert "Access is shrinking." in page

    # A rapporteur submits but cannot approve.
    assert client.submit(url(event, session_id, "/review"), {"step": "approve"}).status_code == 403
    assert client.submit(url(event, session_id, "/review"), {"step": "submit"}).status_code == 302
    assert status_of(app, session_id) is ReviewStatus.IN_REVIEW
    # Submitted outcomes are locked.
    refused = add(client, event, session_id, "key-points", text="Late addition")
    assert refused.status_code == 409
    assert "return them to draft before changing them" in refused.get_data(as_text=True)
    assert len(items(app, Recommendation)) == 1

    reviewer = app.test_client()
    reviewer.login(team["policy"].email)
    assert (
        reviewer.submit(url(event, session_id, "/review"), {"step": "approve"}).status_code == 302
    )
    assert status_of(app, session_id) is ReviewStatus.APPROVED
    assert (
        reviewer.submit(url(event, session_id, "/review"), {"step": "publish"}).status_code == 302
    )
    assert status_of(app, session_id) is ReviewStatus.PUBLISHED
    assert "<strong>agreed</strong>" in reviewer.get(url(event, session_id)).get_data(as_text=True)
    # The policy team reviews; it does not write.
    assert add(reviewer, event, session_id, "key-points", text="Policy note").status_code == 403


def test_returning_to_draft_keeps_the_reviewers_note(app, client, event, session_id, team):
    client.login(team["rapporteur"].email)
    add(client, event, session_id, "key-points", text="A first point")
    client.submit(url(event, session_id, "/review"), {"step": "submit"})
    reviewer = app.test_client()
    reviewer.login(team["organiser"].email)
    reviewer.submit(
        url(event, session_id, "/review"), {"step": "return", "note": "Shorten the points."}
    )
    assert status_of(app, session_id) is ReviewStatus.DRAFT
    assert "Shorten the points." in client.get(url(event, session_id)).get_data(as_text=True)
    assert add(client, event, session_id, "key-points", text="Now shorter").status_code == 302


def test_references_never_change_when_items_move_or_go(app, client, event, session_id, team):
    client.login(team["rapporteur"].email)
    for number in range(3):
        add(
            client, event, session_id, "recommendations", **{**RECOMMENDATION, "text": f"R{number}"}
        )
    _, second, third = items(app, Recommendation)
    client.submit(url(event, session_id, f"/recommendations/{third.id}/move"), {"direction": "up"})
    client.submit(url(event, session_id, f"/recommendations/{second.id}/delete"))
    add(client, event, session_id, "recommendations", **{**RECOMMENDATION, "text": "R3"})
    with app.app_context():
        ordered = db.session.scalars(
            sa.select(Recommendation).order_by(Recommendation.position)
        ).all()
        assert [(item.text, item.reference) for item in ordered] == [
            ("R0", "MENA-2027-R01"),
            ("R2", "MENA-2027-R03"),
            ("R3", "MENA-2027-R04"),
        ]
    # A second session of the same event continues the numbering.
    other = add_session(app, event, "Local capacity")
    add(client, event, other, "recommendations", **RECOMMENDATION)
    assert items(app, Recommendation, session_id=other)[0].reference == "MENA-2027-R05"


def test_bad_input_is_explained_field_by_field(app, client, event, session_id, team):
    client.login(team["rapporteur"].email)
    response = add(client, event, session_id, "recommendations", text="   ", priority="high")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Write the text." in page
    response = add(
        client, event, session_id, "recommendations", text="Fund local NGOs", priority="high"
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Say whom the recommendation is addressed to." in page
    assert "Fund local NGOs" in page
    response = add(client, event, session_id, "commitments", text="Train staff", due_on="next week")
    assert response.status_code == 422
    assert "Enter a date as YYYY-MM-DD." in response.get_data(as_text=True)
    response = add(client, event, session_id, "commitments", text="Train staff", owner_id="999999")
    assert response.status_code == 422
    assert items(app, Recommendation) == [] and items(app, Commitment) == []


def test_only_the_events_team_sees_or_changes_outcomes(
    app, client, event, session_id, team, make_user, make_event, add_to_team
):
    overview = f"/manage/events/{event.slug}/outcomes/"
    assert client.get(overview).status_code == 302  # to the login page
    outsider = make_user(Role.ORGANISER)
    add_to_team(make_event(), outsider)
    for user in (outsider, make_user(Role.PARTICIPANT), make_user(Role.RAPPORTEUR)):
        visitor = app.test_client()
        visitor.login(user.email)
        assert visitor.get(overview).status_code == 403
        assert visitor.get(url(event, session_id)).status_code == 403
        assert add(visitor, event, session_id, "key-points", text="Intrusion").status_code == 403
    admin = app.test_client()
    admin.login(make_user(Role.ADMIN).email)
    assert admin.get(overview).status_code == 200


def test_items_of_another_session_are_not_reachable(app, client, event, session_id, team):
    client.login(team["rapporteur"].email)
    add(client, event, session_id, "key-points", text="Mine")
    point_id = items(app, KeyPoint)[0].id
    other = add_session(app, event, "Another session")
    assert client.get(url(event, other, f"/key-points/{point_id}/edit")).status_code == 404
    assert client.submit(url(event, other, f"/key-points/{point_id}/delete")).status_code == 404


def test_the_overview_lists_sessions_with_their_counts(app, client, event, session_id, team):
    add_session(app, event, "Closed debrief", Attribution.CLOSED)
    client.login(team["rapporteur"].email)
    add(client, event, session_id, "recommendations", **RECOMMENDATION)
    page = client.get(f"/manage/events/{event.slug}/outcomes/").get_data(as_text=True)
    assert "Humanitarian access" in page and "Closed debrief" in page
    dashboard = client.get("/manage/").get_data(as_text=True)
    assert f"/manage/events/{event.slug}/outcomes/" in dashboard
