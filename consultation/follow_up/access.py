"""Who may follow a series' recommendations and commitments up: its organisers write updates,
its policy team writes and publishes them. A role on any edition counts for the whole series,
since follow-up runs across editions; an event in no series is its own register."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consultation.accounts.models import Role, User
from consultation.db import db
from consultation.errors import NotAllowed, NotFound
from consultation.events.access import TEAM_ROLE_PERMISSION
from consultation.events.models import Event, EventMember, TeamRole
from consultation.taxonomy.models import Series


@dataclass(frozen=True)
class FollowUpAccess:
    can_update: bool
    can_review: bool

    @property
    def can_read(self) -> bool:
        return self.can_update or self.can_review


NO_ACCESS = FollowUpAccess(False, False)


def _access(user: User, events_condition) -> FollowUpAccess:
    if not user.is_authenticated:
        return NO_ACCESS
    if user.role is Role.ADMIN:
        return FollowUpAccess(True, True)
    roles = set(
        db.session.scalars(
            sa.select(EventMember.role)
            .join(Event, Event.id == EventMember.event_id)
            .where(EventMember.user_id == user.id, events_condition)
        )
    )
    # The global role must still carry the permission: a demoted user loses the team role.
    roles = {role for role in roles if user.can(TEAM_ROLE_PERMISSION[role])}
    return FollowUpAccess(
        can_update=bool(roles & {TeamRole.ORGANISER, TeamRole.POLICY}),
        can_review=TeamRole.POLICY in roles,
    )


def series_access(series: Series, user: User) -> FollowUpAccess:
    return _access(user, Event.series_id == series.id)


def event_access(event: Event, user: User) -> FollowUpAccess:
    """For an item of this event: its series' access, or the event's own outside a series."""
    if event.series_id is not None:
        return _access(user, Event.series_id == event.series_id)
    return _access(user, Event.id == event.id)


def require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_l("Only the organisers and the policy team of this series may do this."))


def series_by_code(code: str) -> Series:
    series = db.session.scalar(sa.select(Series).where(Series.code == code.upper()))
    if series is None:
        raise NotFound(_l("There is no series with this code."))
    return series


def followed_series(user: User) -> list[Series]:
    """The series whose register this user may open, for the menu."""
    if not user.is_authenticated:
        return []
    statement = sa.select(Series).order_by(Series.name)
    if user.role is not Role.ADMIN:
        allowed = [
            role
            for role in (TeamRole.ORGANISER, TeamRole.POLICY)
            if user.can(TEAM_ROLE_PERMISSION[role])
        ]
        statement = statement.where(
            Series.id.in_(
                sa.select(Event.series_id)
                .join(EventMember, EventMember.event_id == Event.id)
                .where(EventMember.user_id == user.id, EventMember.role.in_(allowed))
            )
        )
    return list(db.session.scalars(statement))
