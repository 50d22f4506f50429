"""Who may record and who may review an event's outcomes: rapporteurs record, policy teams review, organisers do both."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from consultation.accounts.models import Role, User
from consultation.errors import NotAllowed
from consultation.events.access import TEAM_ROLE_PERMISSION, event_by_slug, team_role
from consultation.events.models import Event, TeamRole

# Access --------------------------------------------------------------------------------------


RECORDING_ROLES = (TeamRole.ORGANISER, TeamRole.RAPPORTEUR)


REVIEWING_ROLES = (TeamRole.ORGANISER, TeamRole.POLICY)


@dataclass(frozen=True)
class OutcomeAccess:
    """What one user may do with one event's outcomes."""

    can_record: bool
    can_review: bool

    @property
    def can_read(self) -> bool:
        return self.can_record or self.can_review


def outcome_access(event: Event, user: User) -> OutcomeAccess:
    if not user.is_authenticated:
        return OutcomeAccess(False, False)
    if user.role is Role.ADMIN:
        return OutcomeAccess(True, True)
    role = team_role(event, user)
    # The global role must still carry the permission: a demoted user loses the team role.
    if role is None or not user.can(TEAM_ROLE_PERMISSION[role]):
        return OutcomeAccess(False, False)
    return OutcomeAccess(role in RECORDING_ROLES, role in REVIEWING_ROLES)


def outcomes_event(slug: str, user: User, *options) -> tuple[Event, OutcomeAccess]:
    """The event and what this user may do with its outcomes; 403 for anyone off its team."""
    event = event_by_slug(slug, joinedload(Event.series), *options)
    access = outcome_access(event, user)
    if not access.can_read:
        raise NotAllowed(_l("You are not on the team of this event."))
    return event, access
