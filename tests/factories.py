"""Builders of domain objects and of what users send, shared by the tests: registration settings
and forms, registrations, reports and queued emails."""

from datetime import time, timedelta

import sqlalchemy as sa

from consultation import mail
from consultation.agenda import services as agenda
from consultation.agenda.models import Session, SessionKind
from consultation.db import db, now_utc
from consultation.mail import OutboxMessage
from consultation.organisations.models import Organisation, OrganisationLevel, OrganisationType
from consultation.outcomes import services as outcomes
from consultation.outcomes.models import (
    Addressee,
    Priority,
)
from consultation.registrations.models import (
    Registration,
    RegistrationSettings,
    RegistrationStatus,
)


def configure(app, event, **values):
    with app.app_context():
        settings = db.session.get(RegistrationSettings, event.id) or RegistrationSettings(
            event_id=event.id, confirmed_count=0
        )
        defaults = {
            "opens_at": now_utc() - timedelta(days=1),
            "closes_at": now_utc() + timedelta(days=30),
            "waitlist_enabled": True,
            "questions": ["gender", "accessibility_needs", "visa_letter"],
            "privacy_notice": "IOM and ICVA control your data; it is deleted 90 days after the event.",
        }
        for name, value in {**defaults, **values}.items():
            setattr(settings, name, value)
        db.session.add(settings)
        db.session.commit()


def form(email: str, **changes) -> dict:
    return {
        "full_name": "Leila Mansour",
        "email": email,
        "organisation_id": "0",
        "new_organisation_name": "Tripoli Community Aid",
        "new_organisation_type": "local_ngo",
        "new_organisation_level": "local",
        "new_organisation_country": "LB",
        "job_title": "Protection officer",
        "country_of_work": "LB",
        "gender": "woman",
        "accessibility_needs": "Step-free access",
        "consent": "y",
        **changes,
    }


def registrations(app, event):
    with app.app_context():
        return db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id)
            .order_by(Registration.id)
        ).all()


def register(app, event, *emails, **changes):
    visitor = app.test_client()
    for email in emails:
        assert (
            visitor.submit(f"/events/{event.slug}/register", form(email, **changes)).status_code
            == 200
        )


def recommendation(text: str, priority: Priority = Priority.MEDIUM):
    return outcomes.RecommendationDetails(text, [Addressee.IOM], None, priority, [])


def add_organisation(name, kind=OrganisationType.NATIONAL_NGO, level=OrganisationLevel.NATIONAL):
    organisation = Organisation(
        name=name, name_key=name.casefold(), type=kind, level=level, country="JO"
    )
    db.session.add(organisation)
    return organisation


def add_registration(event, number, organisation, consent, country="JO"):
    db.session.add(
        Registration(
            event_id=event.id,
            status=RegistrationStatus.CONFIRMED,
            full_name=f"Participant {number:03d}",
            email=f"participant{number}@ngo.example",
            email_key=f"participant{number}@ngo.example",
            organisation=organisation,
            country_of_work=country,
            consented_at=now_utc(),
            privacy_notice_version=1,
            listed_to_participants=consent,
            named_in_report=consent,
            accessibility_needs="Wheelchair access" if number == 1 else None,
            management_token_hash=f"{number:064d}",
        )
    )


def queue_email(app, recipient="hana@example.org"):
    with app.test_request_context():
        mail.send_email(
            recipient,
            "Choose your password",
            "accounts/activation",
            "en",
            user=Recipient(),
            invited_by=None,
            activation_url="http://consultation.test/activate/abc",
            max_age_days=7,
        )
        db.session.commit()


def outbox_rows(app):
    with app.app_context():
        return db.session.scalars(sa.select(OutboxMessage)).all()


class Recipient:
    display_name = "Hana Yousef"
    language = "en"


def add_session(event, title: str, start: int, hours: int = 1, day=None, **details) -> Session:
    """A session of the event from ``start`` o'clock (a panel on its first day unless told
    otherwise), saved through the agenda's rules; call in an app context."""
    return agenda.save_session(
        event,
        None,
        agenda.SessionDetails(
            title=title,
            kind=details.pop("kind", SessionKind.PANEL),
            day=day or event.start_date,
            start=time(start),
            end=time(start + hours),
            **details,
        ),
    )
