"""Who may see and manage an event: its team's roles, and the event as each visitor may load it."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from consultation.accounts.models import Permission, Role, User
from consultation.db import db
from consultation.errors import NotAllowed, NotFound
from consultation.events.models import (
    Event,
    EventMember,
    EventPartner,
    TeamRole,
)

# Access --------------------------------------------------------------------------------------


def team_role(event: Event, user: User) -> TeamRole | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(EventMember.role).where(
            EventMember.event_id == event.id, EventMember.user_id == user.id
        )
    )


# The global permission a team role needs, so that a participant can never be put in charge
# of an event, and an organiser demoted by an administrator loses their events at once.
TEAM_ROLE_PERMISSION = {
    TeamRole.ORGANISER: Permission.MANAGE_EVENTS,
    TeamRole.RAPPORTEUR: Permission.RECORD_OUTCOMES,
    TeamRole.POLICY: Permission.REVIEW_OUTCOMES,
}


def can_manage(event: Event, user: User) -> bool:
    """Administrators manage every event; organisers only those whose team they are on."""
    if not user.is_authenticated or not user.can(Permission.MANAGE_EVENTS):
        return False
    return user.role is Role.ADMIN or team_role(event, user) is TeamRole.ORGANISER


def can_see(event: Event, user: User) -> bool:
    if event.is_public:
        return True
    if not user.is_authenticated:
        return False
    if user.role is Role.ADMIN:
        return True
    # Like managing it, seeing a draft takes the global permission of one's team role.
    role = team_role(event, user)
    return role is not None and user.can(TEAM_ROLE_PERMISSION[role])


# What the event pages show besides the event itself, loaded with it.
EVENT_PAGE_OPTIONS = (
    joinedload(Event.series),
    selectinload(Event.themes),
    selectinload(Event.partners).joinedload(EventPartner.organisation),
)


def event_by_slug(slug: str, *options) -> Event:
    event = db.session.scalar(
        sa.select(Event)
        .where(Event.slug == slug)
        .options(*(options or (joinedload(Event.series),)))
    )
    if event is None:
        raise NotFound(_l("There is no event at this address."))
    return event


def working_languages(slug: str) -> list[str] | None:
    """The event's working languages, for choosing the interface language of its pages."""
    return db.session.scalar(sa.select(Event.working_languages).where(Event.slug == slug))


def visible_event(slug: str, user: User, *options) -> Event:
    """The event, if this visitor may see it; a draft is a 404 for everyone outside its team."""
    event = event_by_slug(slug, *options)
    if not can_see(event, user):
        raise NotFound(_l("There is no event at this address."))
    return event


def managed_event(slug: str, user: User, *options) -> Event:
    """The event, if this user may change it: 403 for organisers of other events."""
    event = event_by_slug(slug, *options)
    if not can_manage(event, user):
        raise NotAllowed(_l("You are not an organiser of this event."))
    return event
