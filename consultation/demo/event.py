"""The demo event: its organisations, series, partners, team and agenda (``event.toml``,
``organisations.toml``, ``agenda.toml``)."""

from datetime import time, timedelta

import sqlalchemy as sa

from consultation.accounts import services as accounts
from consultation.accounts.models import Role
from consultation.agenda.models import Attribution, SessionKind, SpeakerRole
from consultation.agenda.services import SessionDetails, add_speaker, save_session
from consultation.db import db
from consultation.demo.data import load
from consultation.demo.users import demo_email
from consultation.events.models import (
    Event,
    EventMember,
    EventPartner,
    EventStatus,
    PartnerRole,
    Region,
    TeamRole,
)
from consultation.organisations.models import (
    Organisation,
    OrganisationLevel,
    OrganisationType,
    comparison_key,
)
from consultation.organisations.services import save_organisation
from consultation.taxonomy.models import Series, Theme
from consultation.taxonomy.services import create_series

DEMO_EVENT_SLUG = load("event")["slug"]
# The event's fields taken as they are from event.toml.
EVENT_FIELDS = (
    "slug", "title", "city", "country", "edition_year", "venue", "start_date", "end_date",
    "timezone", "working_languages", "contact_email", "summary", "description",
)  # fmt: skip
# Each demo account with a role on the event's team.
TEAM = {
    Role.ORGANISER: TeamRole.ORGANISER,
    Role.RAPPORTEUR: TeamRole.RAPPORTEUR,
    Role.POLICY: TeamRole.POLICY,
}


def seed_organisations() -> dict[str, Organisation]:
    by_acronym = {}
    for entry in load("organisations")["organisations"]:
        organisation = db.session.scalar(
            sa.select(Organisation).where(
                Organisation.acronym_key == comparison_key(entry["acronym"])
            )
        )
        if organisation is None:
            organisation = save_organisation(
                None,
                entry["name"],
                entry["acronym"],
                OrganisationType(entry["type"]),
                OrganisationLevel(entry["level"]),
                entry["country"],
                entry.get("website"),
            )
        by_acronym[entry["acronym"]] = organisation
    return by_acronym


def seed_series() -> Series:
    wanted = load("event")["series"]
    series = db.session.scalar(sa.select(Series).where(Series.code == wanted["code"]))
    return series or create_series(
        wanted["name"],
        wanted["code"],
        wanted["description"],
        # The demo organiser adds next year's edition to it.
        owner=accounts.find_user_by_email(demo_email(Role.ORGANISER)),
    )


def create_demo_event(organisations: dict[str, Organisation], edition: str = "") -> Event:
    """The edition described by ``{edition}event.toml``: the 2027 one, or "2026/"."""
    data = load(f"{edition}event")
    event = Event(
        series=seed_series(),
        region=Region(data["region"]),
        status=EventStatus(data.get("status", EventStatus.PUBLISHED)),
        themes=list(db.session.scalars(sa.select(Theme).order_by(Theme.position))),
        partners=[
            EventPartner(
                organisation=organisations[partner["organisation"]],
                role=PartnerRole(partner["role"]),
                position=position,
            )
            for position, partner in enumerate(data["partners"])
        ],
        team=[
            EventMember(user=accounts.find_user_by_email(demo_email(role)), role=team_role)
            for role, team_role in TEAM.items()
        ],
        **{name: data[name] for name in EVENT_FIELDS},
    )
    for language, texts in data["translations"].items():
        event.set_translations(language, texts)
    db.session.add(event)
    return event


def seed_agenda(event: Event, organisations: dict[str, Organisation], edition: str = "") -> None:
    """The agenda of the edition, with its titles translated."""
    themes = {theme.slug: theme for theme in event.themes}
    for entry in load(f"{edition}agenda")["sessions"]:
        session = save_session(
            event,
            None,
            SessionDetails(
                title=entry["title"],
                kind=SessionKind(entry["kind"]),
                day=event.start_date + timedelta(days=entry["day"] - 1),
                start=time.fromisoformat(entry["start"]),
                end=time.fromisoformat(entry["end"]),
                room=entry["room"],
                attribution=Attribution(entry.get("attribution", Attribution.ON_RECORD)),
                theme_ids=[themes[slug].id for slug in entry["themes"]],
            ),
        )
        for language, translated_title in entry["translations"].items():
            session.set_translations(language, {"title": translated_title})
        for person in entry.get("people", ()):
            add_speaker(
                session,
                SpeakerRole(person["role"]),
                name=person["name"],
                title=person["title"],
                organisation=organisations[person["organisation"]],
            )
