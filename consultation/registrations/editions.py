"""Registration follows its event (see ``events.signals``): copied into a new edition, and
its call shown on the event's public page."""

from datetime import timedelta

from consultation.db import db
from consultation.events import signals
from consultation.events.models import Event
from consultation.registrations.configuration import window
from consultation.registrations.models import RegistrationSettings


@signals.edition_copied.connect
def copy_settings(copy: Event, source: Event, shift: timedelta) -> None:
    """A new edition takes registrations the same way, with its dates moved; nobody's seat."""
    settings = db.session.get(RegistrationSettings, source.id)
    if settings is None:
        return
    db.session.add(
        RegistrationSettings(
            event_id=copy.id,
            opens_at=settings.opens_at + shift if settings.opens_at else None,
            closes_at=settings.closes_at + shift if settings.closes_at else None,
            capacity=settings.capacity,
            confirmed_count=0,
            waitlist_enabled=settings.waitlist_enabled,
            moderation=settings.moderation,
            questions=list(settings.questions),
            privacy_notice=settings.privacy_notice,
            privacy_notice_version=settings.privacy_notice_version,
            retention_days=settings.retention_days,
        )
    )


@signals.event_page_shown.connect
def registration_call(event: Event) -> dict:
    settings = db.session.get(RegistrationSettings, event.id)
    if settings is None:
        return {"registration": None}
    return {"registration": {"settings": settings, "window": window(settings)}}
