"""Many people registering at the same moment: the event is never overbooked, nobody is lost.

Each registration runs in its own thread with its own application context, hence its own
session and database connection, released together by a barrier.
"""

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consultation.db import db, now_utc
from consultation.events.models import Event
from consultation.mail import OutboxMessage
from consultation.registrations import services
from consultation.registrations.models import (
    Moderation,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
)
from consultation.registrations.services import Answers


@pytest.fixture
def crowded_event(app, make_event, make_organisation):
    event = make_event()
    organisation = make_organisation("Amel Association", "AMEL")
    with app.app_context():
        db.session.add(
            RegistrationSettings(
                event_id=event.id,
                opens_at=now_utc() - timedelta(days=1),
                capacity=50,
                confirmed_count=0,
                waitlist_enabled=True,
                moderation=Moderation.AUTOMATIC,
                questions=[],
                privacy_notice="Notice",
            )
        )
        db.session.commit()
    return event, organisation


def register_at_once(app, event, organisation, emails, before_registering=lambda: None):
    barrier = threading.Barrier(len(emails))
    errors = []

    def register(email):
        with app.app_context():
            answers = Answers(
                full_name=email.split("@")[0],
                organisation_id=organisation.id,
                new_organisation=None,
                job_title=None,
                country_of_work="JO",
            )
            # No connection is held while waiting: 200 threads would exhaust the pool.
            barrier.wait(timeout=60)
            try:
                before_registering()
                services.register(db.session.get(Event, event.id), email, "en", answers)
                db.session.commit()
            except Exception as error:
                errors.append(error)
                db.session.rollback()

    threads = [threading.Thread(target=register, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def counts(app, event):
    with app.app_context():
        by_status = dict(
            db.session.execute(
                sa.select(Registration.status, sa.func.count())
                .where(Registration.event_id == event.id)
                .group_by(Registration.status)
            ).all()
        )
        outbox = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
        seats = db.session.get(RegistrationSettings, event.id).confirmed_count
    return by_status, outbox, seats


def test_200_at_once_for_50_places_never_overbook(app, crowded_event):
    event, organisation = crowded_event
    errors = register_at_once(
        app, event, organisation, [f"person{n}@ngo.example" for n in range(200)]
    )
    by_status, outbox, seats = counts(app, event)
    assert errors == []
    assert by_status == {RegistrationStatus.CONFIRMED: 50, RegistrationStatus.WAITLISTED: 150}
    assert seats == 50
    assert outbox == 200


def test_the_test_sees_the_race_when_seats_are_counted_naively(app, crowded_event, monkeypatch):
    """The control: check-then-act seat logic overbooks under the same load, so the test
    above would catch a regression to it."""
    event, organisation = crowded_event
    with app.app_context():
        # A pool of its own, so these reads never wait for the registrations' connections
        # (and stay within the server's connection limit).
        reader = sa.create_engine(
            db.engine.url, pool_size=20, max_overflow=0, pool_timeout=60
        ).execution_options(read_only=True)
    seen = threading.local()

    def count_confirmed():
        # Count first, as a page showing "places left" would...
        with reader.connect() as connection:
            seen.confirmed = connection.scalar(
                sa.select(sa.func.count(Registration.id)).where(
                    Registration.event_id == event.id,
                    Registration.status == RegistrationStatus.CONFIRMED,
                )
            )

    def naive_take_seat(event_id):
        # ...then act on that count in a later transaction.
        time.sleep(0.005)
        return seen.confirmed < 50

    monkeypatch.setattr(services, "take_seat", naive_take_seat)
    errors = register_at_once(
        app,
        event,
        organisation,
        [f"person{n}@ngo.example" for n in range(200)],
        before_registering=count_confirmed,
    )
    reader.dispose()
    by_status, _, _ = counts(app, event)
    assert errors == []
    assert by_status[RegistrationStatus.CONFIRMED] > 50


def test_the_same_address_ten_times_at_once_makes_one_registration(app, crowded_event):
    event, organisation = crowded_event
    errors = register_at_once(app, event, organisation, ["same@ngo.example"] * 10)
    by_status, outbox, _ = counts(app, event)
    assert errors == []
    assert by_status == {RegistrationStatus.CONFIRMED: 1}
    # One confirmation, and the management link re-sent to the other nine submissions.
    assert outbox == 10
