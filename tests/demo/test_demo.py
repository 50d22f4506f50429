import re

import sqlalchemy as sa

from consultation.accounts.models import Role, User
from consultation.agenda.models import Attribution, Session, SessionKind
from consultation.db import db
from consultation.demo import DEMO_EVENT_SLUG
from consultation.demo.data import load
from consultation.events.models import Event
from consultation.organisations.models import Organisation, OrganisationLevel
from consultation.outcomes.models import (
    Commitment,
    CommitmentStatus,
    EventOutcome,
    KeyPoint,
    Priority,
    Recommendation,
    ReviewStatus,
    SessionOutcome,
)
from consultation.registrations.models import Registration, RegistrationSettings, RegistrationStatus


def table_snapshot(app):
    with app.app_context():
        users = db.session.execute(
            sa.select(User.email, User.role, User.password_hash).order_by(User.email)
        ).all()
        events = db.session.execute(sa.select(Event.slug, Event.title)).all()
    return users, events


def test_seed_loads_one_account_per_role_and_the_demo_event(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    users, events = table_snapshot(app)
    assert sorted(role for _, role, _ in users) == sorted(Role)
    assert all(
        title.startswith("IOM–NGO Regional Humanitarian Consultation") for _, title in events
    )

    page = client.get("/").get_data(as_text=True)
    assert "Middle East and North Africa" in page
    event_page = client.get(f"/events/{DEMO_EVENT_SLUG}").get_data(as_text=True)
    assert "Istanbul" in event_page
    assert "humanitarianpolicy@iom.int" in event_page


def test_seed_prints_passwords_that_work_in_development(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULTATION_ENV", "development")
    output = app.test_cli_runner().invoke(args=["demo", "seed"]).output
    line = next(line for line in output.splitlines() if line.strip().startswith("organiser"))
    _, email, password = line.split()
    client.login(email, password)


def test_seed_refuses_to_touch_a_production_installation(app, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULTATION_ENV", "production")
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 1
    assert "production" in result.output
    assert table_snapshot(app) == ([], [])


def test_seeding_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "seed"])
    before = table_snapshot(app)
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert table_snapshot(app) == before


def test_if_empty_leaves_a_database_with_data_alone(app, make_user):
    make_user()
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--if-empty"])
    assert "not loaded" in result.output
    users, events = table_snapshot(app)
    assert len(users) == 1 and events == []


def test_the_demo_has_65_fictional_registrations_at_every_level(app):
    app.test_cli_runner().invoke(args=["demo", "seed"])
    with app.app_context():
        rows = db.session.execute(
            sa.select(Registration.status, Organisation.level, Registration.email).join(
                Organisation
            )
        ).all()
    assert len(rows) >= 65
    assert {status for status, _, _ in rows} == {
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.PENDING,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.CANCELLED,
    }
    assert {level for _, level, _ in rows} == set(OrganisationLevel)
    assert all(email.endswith("@example.org") for _, _, email in rows)


def outcome_snapshot(app):
    with app.app_context():
        event_id = db.session.scalar(sa.select(Event.id).where(Event.slug == DEMO_EVENT_SLUG))
        return {
            model.__name__: db.session.execute(
                sa.select(*model.__table__.columns).order_by(*model.__table__.primary_key)
            ).all()
            for model in (SessionOutcome, KeyPoint, Recommendation, Commitment, EventOutcome)
        }, event_id


def test_the_demo_has_reviewed_outcomes_for_every_session(app):
    app.test_cli_runner().invoke(args=["demo", "seed"])
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_EVENT_SLUG))
        sessions = db.session.scalars(
            sa.select(Session).where(
                Session.event_id == event.id, Session.kind != SessionKind.BREAK
            )
        ).all()
        outcomes = {
            outcome.session_id: outcome
            for outcome in db.session.scalars(
                sa.select(SessionOutcome).where(SessionOutcome.event_id == event.id)
            )
        }
        recommendations = db.session.scalars(
            sa.select(Recommendation).where(Recommendation.event_id == event.id)
        ).all()
        commitments = db.session.scalars(
            sa.select(Commitment).where(Commitment.event_id == event.id)
        ).all()
        conclusions = db.session.get(EventOutcome, event.id)
        key_points = db.session.execute(sa.select(KeyPoint.session_id, KeyPoint.text)).all()

        assert {session.id for session in sessions} == set(outcomes)
        assert all(outcome.summary for outcome in outcomes.values())
        for session in sessions:
            assert 2 <= sum(1 for id_, _ in key_points if id_ == session.id) <= 4
        statuses = [outcome.review_status for outcome in outcomes.values()]
        assert sum(status.is_public for status in statuses) > len(statuses) / 2
        assert ReviewStatus.PUBLISHED in statuses and ReviewStatus.APPROVED in statuses
        assert ReviewStatus.DRAFT in statuses and ReviewStatus.IN_REVIEW in statuses

        assert 25 <= len(recommendations) <= 40
        assert 8 <= len(commitments) <= 14
        references = sorted(item.reference for item in recommendations)
        assert references[0] == "MENA-2027-R01"
        assert all(re.fullmatch(r"MENA-2027-R\d{2}", ref) for ref in references)
        assert len(set(references)) == len(references)
        assert all(re.fullmatch(r"MENA-2027-C\d{2}", item.reference) for item in commitments)
        assert all(
            item.owner_id is not None and item.due_on > event.end_date for item in commitments
        )
        assert {item.status for item in commitments} >= {
            CommitmentStatus.PLANNED,
            CommitmentStatus.IN_PROGRESS,
            CommitmentStatus.DONE,
        }
        assert {item.priority for item in recommendations} == set(Priority)
        assert any(item.other_addressee for item in recommendations)

        assert conclusions.review_status is ReviewStatus.APPROVED
        assert conclusions.executive_summary and conclusions.conclusions
        assert conclusions.next_steps


def test_chatham_house_outcomes_name_no_person_and_no_organisation(app):
    app.test_cli_runner().invoke(args=["demo", "seed"])
    organisations = [*load("organisations")["organisations"], *load("registrations")["ngos"]]
    names = {account["name"] for account in load("accounts")["accounts"]}
    names |= {
        person["name"]
        for session in load("agenda")["sessions"]
        for person in session.get("people", ())
    }
    names |= {organisation["name"] for organisation in organisations}
    acronyms = {organisation["acronym"] for organisation in organisations}
    with app.app_context():
        rule = sa.select(Session.id).where(Session.attribution == Attribution.CHATHAM_HOUSE)
        texts = [
            *db.session.scalars(
                sa.select(SessionOutcome.summary).where(SessionOutcome.session_id.in_(rule))
            ),
            *db.session.scalars(sa.select(KeyPoint.text).where(KeyPoint.session_id.in_(rule))),
            *db.session.scalars(
                sa.select(Recommendation.text).where(Recommendation.session_id.in_(rule))
            ),
            *db.session.scalars(sa.select(Commitment.text).where(Commitment.session_id.in_(rule))),
        ]
    assert len(texts) > 30
    for text in texts:
        assert not [name for name in names if name.lower() in text.lower()], text
        assert not [a for a in acronyms if re.search(rf"\b{re.escape(a)}\b", text)], text


def test_seeding_twice_does_not_duplicate_outcomes(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "seed"])
    before = outcome_snapshot(app)
    assert before[0]["Recommendation"]
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert outcome_snapshot(app) == before


def test_the_demo_event_and_every_session_are_translated_into_arabic_and_french(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_EVENT_SLUG))
        assert event.working_languages == ["en", "ar", "fr"]
        for language in ("ar", "fr"):
            for field in Event.TRANSLATED_FIELDS:
                assert event.translation(language, field), (language, field)
        sessions = db.session.scalars(sa.select(Session).where(Session.event_id == event.id)).all()
        assert len(sessions) == len(load("agenda")["sessions"])
        for session in sessions:
            assert session.translation("ar", "title"), session.title
            assert session.translation("fr", "title"), session.title
        arabic_title = event.translation("ar", "title")
        [french_session_title] = [
            session["translations"]["fr"]
            for session in load("agenda")["sessions"]
            if session["title"] == "Humanitarian access in the region today"
        ]

    event_page = client.get(f"/events/{DEMO_EVENT_SLUG}", headers={"Accept-Language": "ar"})
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", event_page.get_data(as_text=True), re.S)
    assert heading and heading.group(1).strip() == arabic_title
    agenda = client.get(f"/events/{DEMO_EVENT_SLUG}/agenda", headers={"Accept-Language": "fr"})
    assert french_session_title in agenda.get_data(as_text=True)


def test_the_demo_translations_match_the_agenda_and_keep_the_markdown_structure(app):
    assert all(
        set(session["translations"]) == {"ar", "fr"} for session in load("agenda")["sessions"]
    )
    app.test_cli_runner().invoke(args=["demo", "seed"])
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_EVENT_SLUG))
        for language, texts in load("event")["translations"].items():
            assert set(texts) == set(Event.TRANSLATED_FIELDS)
            for field in ("summary", "description"):
                original, translated = getattr(event, field), texts[field]
                assert markdown_shape(translated) == markdown_shape(original), (language, field)


def markdown_shape(text: str) -> list[str]:
    """The kind of each block and list item of a Markdown text: "p" or "-"."""
    return [line[:1] if line.startswith("- ") else "p" for line in text.split("\n") if line]


def test_the_demo_event_is_full_with_a_waiting_list_as_registering_leaves_one(app, client):
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_EVENT_SLUG))
        settings = db.session.get(RegistrationSettings, event.id)
        statuses = db.session.scalars(
            sa.select(Registration.status).where(Registration.event_id == event.id)
        ).all()
    confirmed = statuses.count(RegistrationStatus.CONFIRMED)
    assert settings.confirmed_count == confirmed == settings.capacity
    assert RegistrationStatus.WAITLISTED in statuses
    # The organisers review each registration: a visitor is told there is no place left.
    page = client.get(f"/events/{DEMO_EVENT_SLUG}/register").get_data(as_text=True)
    assert "All places are taken." in page
