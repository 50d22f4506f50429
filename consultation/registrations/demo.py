"""Fictional registrations for the demo consultation: no real person's data.

Names are drawn from Arabic, French and English first and last names; organisations are
invented, at international, regional, national and local levels across the region.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from consultation.db import db
from consultation.events.models import Event
from consultation.organisations.models import (
    Organisation,
    OrganisationLevel,
    OrganisationType,
    comparison_key,
)
from consultation.organisations.services import save_organisation
from consultation.registrations.models import (
    OPTIONAL_QUESTIONS,
    Gender,
    Moderation,
    Registration,
    RegistrationChange,
    RegistrationSettings,
    RegistrationStatus,
)

FIRST_NAMES = (
    "Amal", "Youssef", "Leila", "Karim", "Nour", "Samir", "Rania", "Omar", "Hiba", "Tarek",
    "Salma", "Walid", "Mariam", "Fadi", "Yasmine", "Hassan", "Claire", "Julien", "Sophie",
    "Mehdi", "Camille", "Nadia", "Thomas", "Emma", "James", "Sarah", "Daniel", "Aisha",
)  # fmt: skip
LAST_NAMES = (
    "Haddad", "Khoury", "Mansour", "Benali", "Saleh", "Nasser", "Aziz", "Farouk", "Hamdan",
    "Belkacem", "Dubois", "Moreau", "Lefèvre", "Garnier", "Taylor", "Wilson", "Brooks",
    "El Amrani", "Jaber", "Qasim",
)  # fmt: skip

# (name, acronym, type, level, headquarters)
DEMO_NGOS = (
    ("Mediterranean Humanitarian Alliance", "MHA", OrganisationType.INTERNATIONAL_NGO, OrganisationLevel.INTERNATIONAL, "FR"),
    ("Global Protection Partners", "GPP", OrganisationType.INTERNATIONAL_NGO, OrganisationLevel.INTERNATIONAL, "GB"),
    ("Arab Network for Relief and Development", "ANRD", OrganisationType.NGO_NETWORK, OrganisationLevel.REGIONAL, "JO"),
    ("Maghreb Civil Society Forum", "MCSF", OrganisationType.NGO_NETWORK, OrganisationLevel.REGIONAL, "TN"),
    ("Levant Community Aid", "LCA", OrganisationType.NATIONAL_NGO, OrganisationLevel.NATIONAL, "JO"),
    ("Cedar Relief Lebanon", "CRL", OrganisationType.NATIONAL_NGO, OrganisationLevel.NATIONAL, "LB"),
    ("Nile Valley Development Association", "NVDA", OrganisationType.NATIONAL_NGO, OrganisationLevel.NATIONAL, "EG"),
    ("Tigris Health Initiative", "THI", OrganisationType.NATIONAL_NGO, OrganisationLevel.NATIONAL, "IQ"),
    ("Atlas Migrants Support", "AMS", OrganisationType.NATIONAL_NGO, OrganisationLevel.NATIONAL, "MA"),
    ("Sahel Relief Network", "SRN", OrganisationType.NGO_NETWORK, OrganisationLevel.REGIONAL, "TN"),
    ("Aleppo Neighbourhood Committee", "ANC", OrganisationType.LOCAL_NGO, OrganisationLevel.LOCAL, "SY"),
    ("Misrata Women's Association", "MWA", OrganisationType.LOCAL_NGO, OrganisationLevel.LOCAL, "LY"),
    ("Taiz Youth Volunteers", "TYV", OrganisationType.LOCAL_NGO, OrganisationLevel.LOCAL, "YE"),
    ("Gaza Community Kitchens", "GCK", OrganisationType.LOCAL_NGO, OrganisationLevel.LOCAL, "PS"),
    ("Oran Solidarity", "OS", OrganisationType.LOCAL_NGO, OrganisationLevel.LOCAL, "DZ"),
    ("Khartoum Relief Collective", "KRC", OrganisationType.LOCAL_NGO, OrganisationLevel.LOCAL, "SD"),
    ("Red Crescent Volunteers Network", "RCVN", OrganisationType.RED_CROSS, OrganisationLevel.NATIONAL, "TR"),
)  # fmt: skip

DEMO_PRIVACY_NOTICE = (
    "**Who controls your data.** IOM and ICVA, co-organisers of the consultation.\n\n"
    "**Why.** To organise your participation: selection, visas, logistics and access needs.\n\n"
    "**How long.** Details about visas and accessibility are deleted 7 days after the event; "
    "the rest 90 days after it. Only the organisers see them.\n\n"
    "Questions or requests: humanitarianpolicy@iom.int"
)

# How many registrations end in each status.
DEMO_STATUSES = (
    (RegistrationStatus.CONFIRMED, 56),
    (RegistrationStatus.PENDING, 6),
    (RegistrationStatus.WAITLISTED, 4),
    (RegistrationStatus.CANCELLED, 3),
)


def seed_registrations(event: Event) -> None:
    """Open registration for the demo event and fill it, once."""
    if db.session.get(RegistrationSettings, event.id) is not None:
        return
    organisations = [_organisation(*values) for values in DEMO_NGOS]
    confirmed = dict(DEMO_STATUSES)[RegistrationStatus.CONFIRMED]
    db.session.add(
        RegistrationSettings(
            event_id=event.id,
            opens_at=datetime(2026, 10, 1, 6, 0, tzinfo=UTC),
            closes_at=datetime(2027, 4, 30, 21, 0, tzinfo=UTC),
            capacity=confirmed,
            confirmed_count=confirmed,
            waitlist_enabled=True,
            moderation=Moderation.APPROVAL,
            questions=list(OPTIONAL_QUESTIONS),
            privacy_notice=DEMO_PRIVACY_NOTICE,
            privacy_notice_version=1,
            retention_days=90,
        )
    )
    statuses = [status for status, count in DEMO_STATUSES for _ in range(count)]
    registered_at = datetime(2026, 10, 2, 8, 0, tzinfo=UTC)
    genders = (Gender.WOMAN, Gender.MAN, Gender.WOMAN, Gender.MAN, Gender.UNDISCLOSED)
    for number, status in enumerate(statuses):
        first = FIRST_NAMES[number % len(FIRST_NAMES)]
        last = LAST_NAMES[(number * 7) % len(LAST_NAMES)]
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


def _organisation(name, acronym, kind, level, country) -> Organisation:
    existing = db.session.scalar(
        sa.select(Organisation).where(Organisation.acronym_key == comparison_key(acronym))
    )
    return existing or save_organisation(None, name, acronym, kind, level, country, None)
