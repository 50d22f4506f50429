"""Fictional registrations for the demo consultation: no real person's data.

Names are drawn from Arabic, French and English first and last names; organisations are
invented, at international, regional, national and local levels across the region.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from consultation.db import db
from consultation.demo.data import load
from consultation.events.models import Event
from consultation.organisations.models import (
    Organisation,
    OrganisationLevel,
    OrganisationType,
    comparison_key,
)
from consultation.organisations.services import save_organisation
from consultation.registrations import seats
from consultation.registrations.models import (
    OPTIONAL_QUESTIONS,
    Gender,
    Moderation,
    Registration,
    RegistrationChange,
    RegistrationSettings,
    RegistrationStatus,
)


def seed_registrations(event: Event) -> None:
    """Open registration for the demo event and fill it, once."""
    if db.session.get(RegistrationSettings, event.id) is not None:
        return
    data = load("registrations")
    organisations = [_organisation(values) for values in data["ngos"]]
    counts = {RegistrationStatus(status): count for status, count in data["statuses"].items()}
    db.session.add(
        RegistrationSettings(
            event_id=event.id,
            opens_at=datetime(2026, 10, 1, 6, 0, tzinfo=UTC),
            closes_at=datetime(2027, 4, 30, 21, 0, tzinfo=UTC),
            # Full: the demo shows a waiting list.
            capacity=counts[RegistrationStatus.CONFIRMED],
            waitlist_enabled=True,
            moderation=Moderation.APPROVAL,
            questions=list(OPTIONAL_QUESTIONS),
            privacy_notice=data["privacy_notice"],
            privacy_notice_version=1,
            retention_days=90,
        )
    )
    statuses = [status for status, count in counts.items() for _ in range(count)]
    registered_at = datetime(2026, 10, 2, 8, 0, tzinfo=UTC)
    genders = (Gender.WOMAN, Gender.MAN, Gender.WOMAN, Gender.MAN, Gender.UNDISCLOSED)
    for number, status in enumerate(statuses):
        first = data["first_names"][number % len(data["first_names"])]
        last = data["last_names"][(number * 7) % len(data["last_names"])]
        organisation = organisations[number % len(organisations)]
        email = (
            f"{comparison_key(first)}.{comparison_key(last).replace(' ', '')}{number}@example.org"
        )
        when = registered_at + timedelta(hours=7 * number)
        registration = Registration(
            event_id=event.id,
            status=status,
            full_name=f"{first} {last}",
            email=email,
            email_key=email,
            organisation=organisation,
            job_title=("Programme manager", "Protection officer", "Field coordinator", "Director")[
                number % 4
            ],
            country_of_work=organisation.country,
            language=("ar", "fr", "en")[number % 3],
            gender=genders[number % len(genders)],
            interpretation_languages=["ar"] if number % 3 == 0 else [],
            needs_visa_letter=number % 4 == 0,
            consented_at=when,
            privacy_notice_version=1,
            listed_to_participants=number % 5 != 0,
            agrees_to_photography=number % 3 != 0,
            # Nobody holds the demo's management links: the token is thrown away.
            management_token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
            waitlisted_at=when if status is RegistrationStatus.WAITLISTED else None,
            created_at=when,
            history=[RegistrationChange(to_status=RegistrationStatus.PENDING, created_at=when)],
            theme_interests=list(event.themes[number % 3 :: 4]),
        )
        if status is not RegistrationStatus.PENDING:
            registration.history.append(
                RegistrationChange(
                    from_status=RegistrationStatus.PENDING,
                    to_status=status,
                    created_at=when + timedelta(days=2),
                )
            )
        db.session.add(registration)
    db.session.flush()
    seats.recount_seats()


def _organisation(values: dict) -> Organisation:
    existing = db.session.scalar(
        sa.select(Organisation).where(Organisation.acronym_key == comparison_key(values["acronym"]))
    )
    return existing or save_organisation(
        None,
        values["name"],
        values["acronym"],
        OrganisationType(values["type"]),
        OrganisationLevel(values["level"]),
        values["country"],
        None,
    )
