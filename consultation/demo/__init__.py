"""The demo consultation, modelled on the first IOM–NGO regional humanitarian consultation
for the Middle East and North Africa (Istanbul). Its content is data (``data/*.toml``); the
loaders of this package put it in through the services. Every step finds its data by a
natural key first, so seeding twice changes nothing."""

import sqlalchemy as sa

from consultation.accounts import services as accounts
from consultation.accounts.models import Role, User
from consultation.db import db
from consultation.demo.event import (
    DEMO_EVENT_SLUG,
    create_demo_event,
    seed_agenda,
    seed_organisations,
)
from consultation.demo.outcomes import seed_outcomes
from consultation.demo.registrations import seed_registrations
from consultation.demo.users import CreatedAccount, demo_email, seed_accounts
from consultation.events.models import Event
from consultation.taxonomy.seed import seed_themes

__all__ = ["DEMO_EVENT_SLUG", "CreatedAccount", "database_is_empty", "seed_demo"]


def database_is_empty() -> bool:
    return all(db.session.scalar(sa.select(model.id).limit(1)) is None for model in (User, Event))


def seed_demo() -> list[CreatedAccount]:
    """Load what is missing of the demo; returns the accounts created by this call."""
    created = seed_accounts()
    seed_themes()
    organisations = seed_organisations()
    if db.session.scalar(sa.select(Event.id).where(Event.slug == DEMO_EVENT_SLUG)) is None:
        event = create_demo_event(organisations)
        db.session.flush()
        seed_agenda(event, organisations)
        seed_registrations(event)
    seed_outcomes(
        db.session.scalar(sa.select(Event).where(Event.slug == DEMO_EVENT_SLUG)),
        organisations,
        rapporteur=accounts.find_user_by_email(demo_email(Role.RAPPORTEUR)),
        reviewer=accounts.find_user_by_email(demo_email(Role.POLICY)),
    )
    db.session.flush()
    return created
