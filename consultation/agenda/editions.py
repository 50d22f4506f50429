"""The agenda follows its event (see ``events.signals``): copied into a new edition, kept
inside the event's dates when they change, and shown on the organisers' pages of the event."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_ngettext
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from consultation.agenda.models import Session
from consultation.agenda.services import agenda_sessions
from consultation.db import db
from consultation.errors import ConsultationError
from consultation.events import signals
from consultation.events.models import Event

_MIDNIGHT = time(0)


@signals.edition_copied.connect
def copy_sessions(copy: Event, source: Event, shift: timedelta) -> None:
    """The sessions, shifted to the new dates; not their speakers, who are people."""
    sessions = db.session.scalars(
        sa.select(Session)
        .where(Session.event_id == source.id)
        .options(selectinload(Session.themes))
        .order_by(Session.starts_at, Session.id)
    )
    for session in sessions:
        # Shifted in the event's time zone, so 09:00 stays 09:00 across a DST change.
        starts_at = _shift_local(session.starts_at, source, shift)
        db.session.add(
            Session(
                event_id=copy.id,
                title=session.title,
                kind=session.kind,
                starts_at=starts_at,
                ends_at=starts_at + (session.ends_at - session.starts_at),
                room=session.room,
                description=session.description,
                attribution=session.attribution,
                translations=session.translations,
                themes=list(session.themes),
                speakers=[],
            )
        )


def _shift_local(moment: datetime, event: Event, shift: timedelta) -> datetime:
    """The same wall-clock time ``shift`` days later, as a UTC instant (adding a duration to it
    then adds real time, not wall-clock time)."""
    local = moment.astimezone(event.zone)
    return event.local_datetime(local.date() + shift, local.time()).astimezone(UTC)


@signals.event_updated.connect
def follow_the_event(event: Event, old_zone: ZoneInfo) -> None:
    """A 09:00 session stays at 09:00 when the event moves to another time zone; new dates
    must not leave sessions outside them."""
    if event.zone != old_zone:
        for session in db.session.scalars(sa.select(Session).where(Session.event_id == event.id)):
            start = session.starts_at.astimezone(old_zone)
            duration = session.ends_at - session.starts_at
            # In UTC: adding to a zoned datetime adds wall-clock time, wrong across a DST change.
            session.starts_at = event.local_datetime(start.date(), start.time()).astimezone(UTC)
            session.ends_at = session.starts_at + duration
        db.session.flush()
    first_start = event.local_datetime(event.start_date, _MIDNIGHT)
    after_end = event.local_datetime(event.end_date + timedelta(days=1), _MIDNIGHT)
    outside = db.session.scalar(
        sa.select(sa.func.count(Session.id)).where(
            Session.event_id == event.id,
            sa.or_(Session.starts_at < first_start, Session.ends_at > after_end),
        )
    )
    if outside:
        raise ConsultationError(
            lazy_ngettext(
                "%(num)d session of the agenda would fall outside the new dates. "
                "Move or delete it first.",
                "%(num)d sessions of the agenda would fall outside the new dates. "
                "Move or delete them first.",
                outside,
            ),
            field="start_date",
        )


@signals.event_overview_shown.connect
def overview(event: Event) -> dict:
    return {"sessions": agenda_sessions(event)}


@signals.events_counted.connect
def count_sessions(events: list[Event]) -> dict:
    counts = db.session.execute(
        sa.select(Session.event_id, sa.func.count(Session.id))
        .where(Session.event_id.in_([event.id for event in events]))
        .group_by(Session.event_id)
    )
    return {"session_count": dict(counts.all())}


@signals.translatable_texts.connect
def translatable_sessions(event: Event) -> dict:
    """The sessions in agenda order."""
    sessions = list(
        db.session.scalars(
            sa.select(Session)
            .where(Session.event_id == event.id)
            .order_by(Session.starts_at, Session.room, Session.id)
        )
    )
    for session in sessions:
        set_committed_value(session, "event", event)
    return {"texts": sessions}
