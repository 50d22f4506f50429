"""Registrations made without the form, for tests about what happens after registering."""

from datetime import timedelta

from consultation.db import db, now_utc
from consultation.events.models import Event
from consultation.registrations import services as registrations
from consultation.registrations.models import Moderation, RegistrationSettings
from consultation.registrations.services import Answers, NewOrganisation

# What a registrant types on the form, for an event asking no optional question.
REGISTRATION_FORM = {
    "full_name": "Leila Mansour",
    "email": "leila@ngo.example",
    "organisation_id": "0",
    "new_organisation_name": "Tripoli Community Aid",
    "new_organisation_type": "local_ngo",
    "new_organisation_level": "local",
    "new_organisation_country": "LB",
    "country_of_work": "LB",
    "consent": "y",
}


def take_registrations(app, event: Event) -> Event:
    """Opens the event's registration, confirming everyone at once, with no capacity."""
    with app.app_context():
        db.session.add(
            RegistrationSettings(
                event_id=event.id,
                confirmed_count=0,
                opens_at=now_utc() - timedelta(days=1),
                moderation=Moderation.AUTOMATIC,
                privacy_notice="IOM and ICVA control your data.",
            )
        )
        db.session.commit()
    return event


def register(app, event: Event, email="leila@ngo.example", full_name="Leila Mansour") -> int:
    answers = Answers(
        full_name=full_name,
        organisation_id=None,
        new_organisation=NewOrganisation("Tripoli Community Aid", None, "local_ngo", "local", "LB"),
        job_title=None,
        country_of_work="LB",
    )
    with app.app_context():
        registration = registrations.register(db.session.get(Event, event.id), email, "en", answers)
        db.session.commit()
        return registration.id
