"""The demo consultation, modelled on the first IOM–NGO regional humanitarian consultation
for the Middle East and North Africa (Istanbul). Every step finds its data by a natural key
first, so seeding twice changes nothing."""

import secrets
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from consultation.accounts import services as accounts
from consultation.accounts.models import Role, User
from consultation.db import db, now_utc
from consultation.events.models import Event, EventStatus, Region

DEMO_EMAIL_DOMAIN = "demo.consultation.example"

DEMO_ACCOUNTS = (
    (Role.ADMIN, "Amina Haddad", "Consultation secretariat"),
    (Role.ORGANISER, "Olivier Martin", "IOM Regional Office for MENA"),
    (Role.RAPPORTEUR, "Rania Khalil", "ICVA"),
    (Role.POLICY, "Peter Lindqvist", "IOM Humanitarian Policy"),
    (Role.PARTICIPANT, "Youssef Benali", "Sahel Relief Network"),
)

DEMO_EVENT_SLUG = "iom-ngo-mena-2027"


@dataclass(frozen=True)
class CreatedAccount:
    role: Role
    email: str
    password: str


def database_is_empty() -> bool:
    return all(db.session.scalar(sa.select(model.id).limit(1)) is None for model in (User, Event))


def seed_demo() -> list[CreatedAccount]:
    """Load what is missing of the demo; returns the accounts created by this call."""
    created = seed_accounts()
    seed_event()
    db.session.flush()
    return created


def demo_email(role: Role) -> str:
    return f"{role.value}@{DEMO_EMAIL_DOMAIN}"


def seed_accounts() -> list[CreatedAccount]:
    created = []
    for role, name, organisation in DEMO_ACCOUNTS:
        email = demo_email(role)
        if accounts.find_user_by_email(email) is not None:
            continue
        password = secrets.token_urlsafe(12)
        user = User(
            email=email,
            display_name=name,
            organisation_name=organisation,
            role=role,
            language="en",
            email_confirmed_at=now_utc(),
        )
        accounts.set_password(user, password)
        db.session.add(user)
        created.append(CreatedAccount(role, email, password))
    return created


def seed_event() -> Event:
    event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_EVENT_SLUG))
    if event is None:
        event = Event(
            slug=DEMO_EVENT_SLUG,
            title="IOM–NGO Regional Humanitarian Consultation — Middle East and North Africa",
            city="Istanbul",
            country="TR",
            region=Region.MIDDLE_EAST_NORTH_AFRICA,
            edition_year=2027,
            venue="Istanbul Congress Center",
            working_languages=["en", "ar", "fr"],
            start_date=date(2027, 5, 11),
            end_date=date(2027, 5, 13),
            timezone="Europe/Istanbul",
            contact_email="humanitarianpolicy@iom.int",
            status=EventStatus.PUBLISHED,
            summary=(
                "Co-organised by the International Organization for Migration (IOM) and the "
                "International Council of Voluntary Agencies (ICVA), this first regional "
                "consultation brings more than 65 representatives of international, regional, "
                "national and local NGOs together to improve humanitarian access in the Middle "
                "East and North Africa: reducing risk, strengthening local capacity and "
                "reaching hard-to-reach places such as migrant detention centres, with "
                "accountability, transparency, duty of care, conflict-sensitive programming "
                "and aid diversion on the agenda. The exchanges inform IOM's future policies."
            ),
        )
        db.session.add(event)
    return event
