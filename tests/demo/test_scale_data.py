"""benchmarks/scale_data.py: synthetic consultations in bulk, held to the rules the application
relies on (seats counted, one address per event, a rooms timetable without clashes...)."""

import re
from itertools import pairwise
from zoneinfo import ZoneInfo

import click
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import aliased

from benchmarks.scale_data import add_scale_data
from consultation.accounts.models import User
from consultation.agenda.models import Session, SessionKind
from consultation.db import db
from consultation.events.models import Event, EventMember, EventStatus
from consultation.organisations.models import Organisation
from consultation.outcomes.models import Commitment, EventOutcome, Recommendation
from consultation.registrations.models import (
    Registration,
    RegistrationChange,
    RegistrationSettings,
    RegistrationStatus,
)

SMALL = {"events": 3, "registrations": 200, "sessions": 30, "seed": 1}


def scale(app, **changes: int) -> str:
    return add_scale_data(app, **{**SMALL, **changes})


@pytest.fixture
def output(app) -> str:
    return scale(app)


def rows(statement):
    return db.session.execute(statement).all()


def test_it_adds_what_was_asked_and_says_so(app, output):
    assert "Run 1 added" in output
    assert "registrations: 200" in output
    with app.app_context():
        slugs = db.session.scalars(sa.select(Event.slug)).all()
        assert len(slugs) == 3
        assert all(slug.startswith("scale-1-") for slug in slugs)
        assert db.session.scalar(sa.select(sa.func.count(Session.id))) == 30
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 200
        statuses = set(db.session.scalars(sa.select(Registration.status).distinct()))
        years = set(db.session.scalars(sa.select(Event.edition_year)))
    assert RegistrationStatus.CONFIRMED in statuses
    assert len(statuses) >= 3
    assert min(years) == 2015


def test_confirmed_seats_and_waiting_lists_match_the_registrations(app, output):
    with app.app_context():
        confirmed = dict(
            rows(
                sa.select(Registration.event_id, sa.func.count())
                .where(Registration.status == RegistrationStatus.CONFIRMED)
                .group_by(Registration.event_id)
            )
        )
        waiting = set(
            db.session.scalars(
                sa.select(Registration.event_id).where(
                    Registration.status == RegistrationStatus.WAITLISTED
                )
            )
        )
        settings = db.session.scalars(sa.select(RegistrationSettings)).all()
        unordered = db.session.scalar(
            sa.select(sa.func.count()).where(
                Registration.status == RegistrationStatus.WAITLISTED,
                Registration.waitlisted_at.is_(None),
            )
        )
    assert len(settings) == 3
    for each in settings:
        assert each.confirmed_count == confirmed.get(each.event_id, 0)
        if each.event_id in waiting:
            # Nobody waits while seats are free.
            assert each.waitlist_enabled
            assert each.capacity == each.confirmed_count
    assert unordered == 0


def test_addresses_are_unique_per_event_and_token_hashes_everywhere(app, output):
    with app.app_context():
        duplicates = rows(
            sa.select(Registration.event_id, Registration.email_key)
            .group_by(Registration.event_id, Registration.email_key)
            .having(sa.func.count() > 1)
        )
        hashes = db.session.scalars(sa.select(Registration.management_token_hash)).all()
        addresses = rows(sa.select(Registration.email, Registration.email_key))
        names = db.session.scalars(sa.select(Registration.full_name)).all()
    assert duplicates == []
    assert len(set(hashes)) == len(hashes) == 200
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in hashes)
    assert all(key == email.lower() and key.endswith("@example.org") for email, key in addresses)
    assert all(re.fullmatch(r"Participant \d+", name) for name in names)


def test_each_registration_has_the_history_the_services_record(app, output):
    with app.app_context():
        registrations = {
            registration.id: registration
            for registration in db.session.scalars(sa.select(Registration))
        }
        history = {}
        for change in db.session.scalars(
            sa.select(RegistrationChange).order_by(
                RegistrationChange.created_at, RegistrationChange.id
            )
        ):
            history.setdefault(change.registration_id, []).append(change)
    assert history.keys() == registrations.keys()
    for registration_id, changes in history.items():
        registration = registrations[registration_id]
        assert changes[0].from_status is None
        assert changes[0].to_status is RegistrationStatus.PENDING
        assert changes[0].created_at == registration.created_at
        assert changes[-1].to_status is registration.status
        assert changes[-1].created_at == registration.updated_at
        for before, after in pairwise(changes):
            assert after.from_status is before.to_status


def test_sessions_fall_on_the_event_days_without_room_clashes(app, output):
    with app.app_context():
        sessions = rows(
            sa.select(
                Session.starts_at,
                Session.ends_at,
                Event.start_date,
                Event.end_date,
                Event.timezone,
            ).join(Event, Event.id == Session.event_id)
        )
        other = aliased(Session)
        clashes = db.session.scalar(
            sa.select(sa.func.count()).where(
                Session.event_id == other.event_id,
                Session.id < other.id,
                Session.room_key == other.room_key,
                Session.starts_at < other.ends_at,
                other.starts_at < Session.ends_at,
            )
        )
    assert len(sessions) == 30
    for starts_at, ends_at, start_date, end_date, timezone in sessions:
        zone = ZoneInfo(timezone)
        assert starts_at < ends_at
        assert start_date <= starts_at.astimezone(zone).date() <= end_date
        assert ends_at.astimezone(zone).date() == starts_at.astimezone(zone).date()
    assert clashes == 0


def test_outcome_references_follow_the_event_counters(app, output):
    with app.app_context():
        for outcome in db.session.scalars(sa.select(EventOutcome)):
            for model, counter in (
                (Recommendation, outcome.last_recommendation_number),
                (Commitment, outcome.last_commitment_number),
            ):
                numbers = db.session.scalars(
                    sa.select(model.number).where(model.event_id == outcome.event_id)
                ).all()
                assert sorted(numbers) == list(range(1, counter + 1))


def test_the_pages_of_a_generated_event_answer(app, client, output):
    password = re.search(r"password (\S+)", output).group(1)
    with app.app_context():
        slug, organiser = db.session.execute(
            sa.select(Event.slug, User.email)
            .join(EventMember, EventMember.event_id == Event.id)
            .join(User, User.id == EventMember.user_id)
            .join(Registration, Registration.event_id == Event.id)
            .group_by(Event.id, Event.slug, User.email)
            .order_by(sa.func.count(Registration.id).desc())
            .limit(1)
        ).one()
        session_title = db.session.scalar(
            sa.select(Session.title)
            .join(Event, Event.id == Session.event_id)
            .where(Event.slug == slug, Session.kind != SessionKind.BREAK)
            .limit(1)
        )
    assert client.get(f"/events/{slug}").status_code == 200
    agenda = client.get(f"/events/{slug}/agenda")
    assert agenda.status_code == 200
    assert session_title in agenda.get_data(as_text=True)
    client.login(organiser, password)
    table = client.get(f"/manage/events/{slug}/registrations")
    assert table.status_code == 200
    assert "Participant " in table.get_data(as_text=True)


def test_a_second_run_adds_the_same_events_beside_the_first(app, output):
    second = scale(app)
    assert "Run 2 added" in second
    with app.app_context():
        runs = {slug.split("-")[1] for slug in db.session.scalars(sa.select(Event.slug))}
        by_run = [
            rows(
                sa.select(Event.title, Event.start_date, Event.region, Event.status)
                .where(Event.slug.like(f"scale-{run}-%"))
                .order_by(Event.slug)
            )
            for run in (1, 2)
        ]
        names = [
            db.session.scalars(
                sa.select(Registration.full_name)
                .join(Event, Event.id == Registration.event_id)
                .where(Event.slug.like(f"scale-{run}-%"))
                .order_by(Event.slug, Registration.created_at)
            ).all()
            for run in (1, 2)
        ]
        organisations = db.session.scalar(sa.select(sa.func.count(Organisation.id)))
    assert runs == {"1", "2"}
    assert by_run[0] == by_run[1]
    assert names[0] == names[1]
    # The pool of organisations is shared, not made again.
    assert organisations == 300


def test_another_seed_gives_other_events(app, output):
    scale(app, seed=2)
    with app.app_context():
        by_run = [
            rows(
                sa.select(Event.start_date, Event.city)
                .where(Event.slug.like(f"scale-{run}-%"))
                .order_by(Event.slug)
            )
            for run in (1, 2)
        ]
    assert by_run[0] != by_run[1]


def test_a_larger_run_spreads_registrations_unevenly_among_returning_people(app):
    scale(app, events=40, registrations=2000, sessions=400)
    with app.app_context():
        per_event = db.session.scalars(
            sa.select(sa.func.count()).select_from(Registration).group_by(Registration.event_id)
        ).all()
        returning = db.session.scalar(
            sa.select(sa.func.count()).select_from(
                sa.select(Registration.email_key)
                .group_by(Registration.email_key)
                .having(sa.func.count() > 1)
                .subquery()
            )
        )
        in_drafts = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(Event.status == EventStatus.DRAFT)
        )
    assert sum(per_event) == 2000
    assert max(per_event) > 3 * min(per_event)
    assert returning > 0
    assert in_drafts == 0


def test_it_refuses_a_production_installation(app, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULTATION_ENV", "production")
    with pytest.raises(click.ClickException, match="production"):
        scale(app)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0
