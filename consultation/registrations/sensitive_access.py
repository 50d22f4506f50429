"""Who sees sensitive answers (visa, accessibility, diet, gender): the event's organisers.
An administrator who is not one of them sees them only after breaking the glass: giving a
reason, which is logged and shown to the event's organisers, for a limited time."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from consultation.accounts.models import Permission, Role, User
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.db import db, now_utc
from consultation.errors import ConsultationError, NotAllowed
from consultation.events.models import Event, EventMember, TeamRole
from consultation.registrations.models import SensitiveAccess

# The export columns that hold sensitive answers.
SENSITIVE_COLUMNS = frozenset({"accessibility_needs", "dietary_requirements", "needs_visa_letter"})
SHOWN_ACCESSES = 10


def _organises(event: Event, user: User) -> bool:
    return user.can(Permission.MANAGE_EVENTS) and (
        db.session.scalar(
            sa.select(EventMember.id).where(
                EventMember.event_id == event.id,
                EventMember.user_id == user.id,
                EventMember.role == TeamRole.ORGANISER,
            )
        )
        is not None
    )


def sees_sensitive(event: Event, user: User) -> bool:
    if _organises(event, user):
        return True
    if user.role is not Role.ADMIN:
        return False
    return (
        db.session.scalar(
            sa.select(SensitiveAccess.id).where(
                SensitiveAccess.event_id == event.id,
                SensitiveAccess.user_id == user.id,
                SensitiveAccess.expires_at > now_utc(),
            )
        )
        is not None
    )


def break_glass(event: Event, user: User, reason: str) -> SensitiveAccess:
    """Opens the event's sensitive answers to this administrator for
    ``BREAK_GLASS_MINUTES``."""
    if user.role is not Role.ADMIN or _organises(event, user):
        raise NotAllowed(_l("Only an administrator outside the event's team breaks the glass."))
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise ConsultationError(
            _l("Say why you need the answers, in a sentence the organisers will read."),
            field="reason",
        )
    minutes = current_app.config["BREAK_GLASS_MINUTES"]
    access = SensitiveAccess(
        event_id=event.id,
        user_id=user.id,
        reason=reason,
        expires_at=now_utc() + timedelta(minutes=minutes),
    )
    db.session.add(access)
    db.session.flush()
    audit.record(
        AuditAction.SENSITIVE_ACCESS_OPENED,
        event_id=event.id,
        subject=f"user:{user.id}",
        actor=user,
        minutes=minutes,
    )
    return access


def recent_accesses(event: Event) -> list[SensitiveAccess]:
    return list(
        db.session.scalars(
            sa.select(SensitiveAccess)
            .where(SensitiveAccess.event_id == event.id)
            .order_by(SensitiveAccess.created_at.desc(), SensitiveAccess.id.desc())
            .limit(SHOWN_ACCESSES)
        )
    )


def check_columns(event: Event, user: User, columns: list[str]) -> None:
    if SENSITIVE_COLUMNS & set(columns) and not sees_sensitive(event, user):
        raise ConsultationError(
            _l(
                "Visa, accessibility and dietary answers are for the event's organisers: "
                "break the glass on a registration's page first."
            ),
            field="columns",
        )
