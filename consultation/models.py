"""Every feature's models in one import, for Alembic, the shell and the tests."""

from consultation.accounts.models import Permission, Role, User
from consultation.agenda.models import (
    Attribution,
    Session,
    SessionKind,
    SessionSpeaker,
    SpeakerRole,
)
from consultation.audit.models import AuditAction, AuditEvent
from consultation.events.models import (
    Event,
    EventMember,
    EventPartner,
    EventStatus,
    PartnerRole,
    Region,
    TeamRole,
)
from consultation.follow_up.models import FollowUpUpdate, UpdateReview
from consultation.mail import OutboxMessage, OutboxStatus
from consultation.organisations.models import Organisation, OrganisationLevel, OrganisationType
from consultation.outcomes.models import (
    Addressee,
    Commitment,
    CommitmentStatus,
    EventOutcome,
    KeyPoint,
    Priority,
    Recommendation,
    RecommendationStatus,
    ReviewStatus,
    SessionOutcome,
)
from consultation.registrations.consents import ConsentRecord, PrivacyNotice
from consultation.registrations.exports import RegistrationExport
from consultation.registrations.models import (
    Gender,
    Moderation,
    Registration,
    RegistrationChange,
    RegistrationSettings,
    RegistrationStatus,
)
from consultation.reports.models import Audience, ExportState, ReportExport, ReportKind
from consultation.taxonomy.models import Series, Theme

__all__ = [
    "Addressee",
    "Attribution",
    "Audience",
    "AuditAction",
    "AuditEvent",
    "Commitment",
    "CommitmentStatus",
    "ConsentRecord",
    "Event",
    "EventMember",
    "EventOutcome",
    "EventPartner",
    "EventStatus",
    "ExportState",
    "FollowUpUpdate",
    "Gender",
    "KeyPoint",
    "Moderation",
    "Organisation",
    "OrganisationLevel",
    "OrganisationType",
    "OutboxMessage",
    "OutboxStatus",
    "PartnerRole",
    "Permission",
    "Priority",
    "PrivacyNotice",
    "Recommendation",
    "RecommendationStatus",
    "Region",
    "Registration",
    "RegistrationChange",
    "RegistrationExport",
    "RegistrationSettings",
    "RegistrationStatus",
    "ReportExport",
    "ReportKind",
    "ReviewStatus",
    "Role",
    "Series",
    "Session",
    "SessionKind",
    "SessionOutcome",
    "SessionSpeaker",
    "SpeakerRole",
    "TeamRole",
    "Theme",
    "UpdateReview",
    "User",
]
