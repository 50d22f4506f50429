from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from consultation import content_version
from consultation.db import LabelledEnum, db, now_utc


class AuditAction(LabelledEnum):
    SIGNED_IN = "signed_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGNED_OUT = "signed_out"
    ROLE_CHANGED = "role_changed"
    ACCOUNT_ACTIVATED = "account_activated"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ACCOUNT_DELETED = "account_deleted"
    REGISTRATION_STATUS_CHANGED = "registration_status_changed"
    REGISTRATIONS_EXPORTED = "registrations_exported"
    REPORT_EXPORTED = "report_exported"
    REPORT_DOWNLOADED = "report_downloaded"
    REGISTRATION_SETTINGS_CHANGED = "registration_settings_changed"
    PRIVACY_NOTICE_CHANGED = "privacy_notice_changed"
    SENSITIVE_ANSWERS_VIEWED = "sensitive_answers_viewed"
    SENSITIVE_ACCESS_OPENED = "sensitive_access_opened"
    CONSENT_CHANGED = "consent_changed"
    REGISTRATION_ERASED = "registration_erased"
    RETENTION_PURGE = "retention_purge"
    ORGANISATION_APPROVED = "organisation_approved"
    ORGANISATION_KEPT_PRIVATE = "organisation_kept_private"
    ORGANISATION_MERGED = "organisation_merged"
    ORGANISATION_REMOVED = "organisation_removed"
    FOLLOW_UP_EXPORTED = "follow_up_exported"

    @classmethod
    def labels(cls):
        return {
            cls.SIGNED_IN: _l("Signed in"),
            cls.SIGN_IN_FAILED: _l("Failed sign-in"),
            cls.SIGNED_OUT: _l("Signed out"),
            cls.ROLE_CHANGED: _l("Role changed"),
            cls.ACCOUNT_ACTIVATED: _l("Account activated"),
            cls.ACCOUNT_DEACTIVATED: _l("Account deactivated"),
            cls.ACCOUNT_DELETED: _l("Account deleted"),
            cls.REGISTRATION_STATUS_CHANGED: _l("Registration status changed"),
            cls.REGISTRATIONS_EXPORTED: _l("Registrations exported"),
            cls.REPORT_EXPORTED: _l("Report exported"),
            cls.REPORT_DOWNLOADED: _l("Report downloaded"),
            cls.REGISTRATION_SETTINGS_CHANGED: _l("Registration settings changed"),
            cls.PRIVACY_NOTICE_CHANGED: _l("Privacy notice changed"),
            cls.SENSITIVE_ANSWERS_VIEWED: _l(
                "Gender, visa, accessibility or dietary answers viewed"
            ),
            cls.SENSITIVE_ACCESS_OPENED: _l("Sensitive answers opened by an administrator"),
            cls.CONSENT_CHANGED: _l("Consent given or withdrawn"),
            cls.REGISTRATION_ERASED: _l("Participant's data erased"),
            cls.RETENTION_PURGE: _l("Old personal data erased on schedule"),
            cls.ORGANISATION_APPROVED: _l("Organisation approved into the directory"),
            cls.ORGANISATION_KEPT_PRIVATE: _l("Organisation kept private"),
            cls.ORGANISATION_MERGED: _l("Organisation merged into another"),
            cls.ORGANISATION_REMOVED: _l("Organisation removed from the directory"),
            cls.FOLLOW_UP_EXPORTED: _l("Follow-up register exported"),
        }


class AuditEvent(db.Model):
    """One entry of the append-only log. ``entry_hash`` is the entry's seal: a keyed MAC of
    the entry, its id and the seal of the one before it (see ``audit.services``), so changing
    or removing any entry breaks every seal after it.

    The columns hold ids, never names or email addresses: the log outlives the erasure of
    the people in it. No foreign keys either, for the same reason.
    """

    __tablename__ = "audit_events"
    # An event's log is read newest first, a page at a time.
    __table_args__ = (sa.Index("ix_audit_events_event_id_id", "event_id", "id"),)

    # Given by ``audit.record``, one more than the last: never from a sequence.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    action: Mapped[str] = mapped_column(sa.String(40))
    actor_id: Mapped[int | None]
    event_id: Mapped[int | None]
    # What was acted on, e.g. "registration:42" or "user:7".
    subject: Mapped[str | None] = mapped_column(sa.String(80))
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    previous_hash: Mapped[str] = mapped_column(sa.String(64))
    entry_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    @property
    def action_label(self) -> str:
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action


content_version.not_shown(AuditEvent)
