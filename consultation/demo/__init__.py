"""The demo consultation, modelled on the first IOM–NGO regional humanitarian consultation
for the Middle East and North Africa (Istanbul). Its content is data (``data/*.toml``); the
loaders of this package put it in through the services. Every step finds its data by a
natural key first, so seeding twice changes nothing."""

import sqlalchemy as sa

from consultation.accounts import services as accounts
from consultation.accounts.models import Role, User
from consultation.db import db
from consultation.demo.data import load
from consultation.demo.event import (
    DEMO_EVENT_SLUG,
    create_demo_event,
    seed_agenda,
    seed_organisations,
)
from consultation.demo.follow_up import seed_follow_up
from consultation.demo.outcomes import seed_outcomes
from consultation.demo.registrations import seed_registrations
from consultation.demo.users import CreatedAccount, demo_email, seed_accounts
from consultation.events.models import Event
from consultation.taxonomy.seed import seed_themes

__all__ = ["DEMO_EVENT_SLUG", "CreatedAccount", "database_is_empty", "seed_demo"]


def database_is_empty() -> bool:
    return all(db.session.scalar(sa.select(model.id).limit(1)) is None for model in (User, Event))


# The editions of the demo series, the earlier first: the later one follows its items up. Each
# is described by the files of its folder in data/ ("" for the 2027 edition's, at the top).
PREVIOUS_EDITION, CURRENT_EDITION = "2026/", ""


def _edition(slug: str) -> Event | None:
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def seed_demo() -> list[CreatedAccount]:
    """Load what is missing of the demo; returns the accounts created by this call."""
    created = seed_accounts()
    seed_themes()
    organisations = seed_organisations()
    team = {
        role.value: accounts.find_user_by_email(demo_email(role))
        for role in (Role.ORGANISER, Role.RAPPORTEUR, Role.POLICY)
    }
    for edition in (PREVIOUS_EDITION, CURRENT_EDITION):
        slug = load(f"{edition}event")["slug"]
        if _edition(slug) is None:
            event = create_demo_event(organisations, edition)
            db.session.flush()
            seed_agenda(event, organisations, edition)
            # The previous edition's registrations are long erased, as its retention asked.
            if edition == CURRENT_EDITION:
                seed_registrations(event)
        event = _edition(slug)
        seed_outcomes(event, organisations, team["rapporteur"], team["policy"], edition)
        if edition == PREVIOUS_EDITION:
            seed_follow_up(event, team, edition)
    db.session.flush()
    return created
