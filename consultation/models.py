"""Every feature's models in one import, for Alembic, the shell and the tests."""

from consultation.accounts.models import Permission, Role, User
from consultation.agenda.models import (
    Attribution,
    Session,
    SessionKind,
    SessionSpeaker,
    SpeakerRole,
)
from consultation.events.models import (
    Event,
    EventMember,
    EventPartner,
    EventStatus,
    PartnerRole,
    Region,
    Series,
    TeamRole,
    Theme,
)
from consultation.organisations.models import Organisation, OrganisationLevel, OrganisationType

__all__ = [
    "Attribution",
    "Event",
    "EventMember",
    "EventPartner",
    "EventStatus",
    "Organisation",
    "OrganisationLevel",
    "OrganisationType",
    "PartnerRole",
    "Permission",
    "Region",
    "Role",
    "Series",
    "Session",
    "SessionKind",
    "SessionSpeaker",
    "SpeakerRole",
    "TeamRole",
    "Theme",
    "User",
]
