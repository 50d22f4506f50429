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
from consultation.mail import OutboxMessage, OutboxStatus
from consultation.organisations.models import Organisation, OrganisationLevel, OrganisationType
from consultation.registrations.exports import RegistrationExport
from consultation.registrations.models import (
    Gender,
    Moderation,
    Registration,
    RegistrationChange,
    RegistrationSettings,
    RegistrationStatus,
)

__all__ = [
    "Attribution",
    "Event",
    "EventMember",
    "EventPartner",
    "EventStatus",
    "Gender",
    "Moderation",
    "Organisation",
    "OrganisationLevel",
    "OrganisationType",
    "OutboxMessage",
    "OutboxStatus",
    "PartnerRole",
    "Permission",
    "Region",
    "Registration",
    "RegistrationChange",
    "RegistrationExport",
    "RegistrationSettings",
    "RegistrationStatus",
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
