"""How an event takes registrations: its settings, stored or by default, and when
registration is open.
"""

from datetime import datetime
from enum import StrEnum

from flask import current_app
from sqlalchemy.exc import IntegrityError

from consultation.db import db, now_utc
from consultation.errors import ConsultationError
from consultation.events.models import Event
from consultation.registrations.models import (
    Moderation,
    RegistrationSettings,
)


class Window(StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


class RegistrationClosed(ConsultationError):
    status_code = 403


def _default_settings(event: Event) -> RegistrationSettings:
    return RegistrationSettings(
        event_id=event.id,
        opens_at=None,
        closes_at=None,
        capacity=None,
        confirmed_count=0,
        waitlist_enabled=True,
        moderation=Moderation.APPROVAL,
        questions=[],
        privacy_notice=None,
        privacy_notice_version=1,
        retention_days=current_app.config["REGISTRATION_RETENTION_DAYS"],
    )


def settings_for(event: Event) -> RegistrationSettings:
    """The event's registration settings; until an organiser saves some, unsaved defaults
    (registration closed), so that reading a page never writes."""
    return db.session.get(RegistrationSettings, event.id) or _default_settings(event)


def stored_settings(event: Event) -> RegistrationSettings:
    settings = db.session.get(RegistrationSettings, event.id)
    if settings is None:
        settings = _default_settings(event)
        try:
            with db.session.begin_nested():
                db.session.add(settings)
        except IntegrityError:
            # Saved by a concurrent request a moment ago.
            settings = db.session.get(RegistrationSettings, event.id)
    return settings


def retention_days(settings: RegistrationSettings) -> int:
    """Days after the event its registrations keep their personal data: the organisers'
    choice, never longer than the installation's ``REGISTRATION_RETENTION_DAYS``."""
    return min(settings.retention_days, current_app.config["REGISTRATION_RETENTION_DAYS"])


def window(settings: RegistrationSettings, now: datetime | None = None) -> Window:
    now = now or now_utc()
    if settings.opens_at is None or now < settings.opens_at:
        return Window.NOT_OPEN
    if settings.closes_at is not None and now >= settings.closes_at:
        return Window.CLOSED
    return Window.OPEN
