"""iCalendar (RFC 5545) exports of an event's agenda and of one session."""

from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
from flask import current_app
from flask_babel import gettext

from consultation.agenda.models import Attribution, Session
from consultation.db import now_utc
from consultation.events.models import Event
from consultation.mail import external_url


def _uid(kind: str, record_id: int) -> str:
    # Stable across exports, so calendars update the entry instead of duplicating it.
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "consultation"
    return f"{kind}-{record_id}@{host}"


def _add_text(component, name: str, subject: Event | Session, field: str) -> None:
    """The text in the visitor's language, or the original, tagged with its language."""
    text = subject.text(field)
    if text:
        component.add(name, text.text, parameters={"language": text.language})


def _session_entry(event: Event, session: Session) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", _uid("session", session.id))
    entry.add("dtstamp", now_utc())
    entry.add("dtstart", session.local_start)
    entry.add("dtend", session.local_end)
    entry.add("last-modified", session.updated_at)
    if session.title_kept_private:
        # A time slot, nothing more: its room could tell what it is about.
        entry.add("summary", gettext("Closed session"))
        entry.add("location", ", ".join(part for part in (event.venue, event.city) if part))
        return entry
    _add_text(entry, "summary", session, "title")
    location = ", ".join(part for part in (session.room, event.venue, event.city) if part)
    entry.add("location", location)
    entry.add("url", external_url("agenda.session_page", slug=event.slug, session_id=session.id))
    if session.attribution is not Attribution.CLOSED:
        _add_text(entry, "description", session, "description")
    return entry


def calendar_for(event: Event, sessions: list[Session]) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Consultation//Agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", event.text("title").text)
    calendar.add("x-wr-timezone", event.timezone)
    if sessions:
        for session in sessions:
            calendar.add_component(_session_entry(event, session))
    else:
        entry = icalendar.Event()
        entry.add("uid", _uid("event", event.id))
        entry.add("dtstamp", now_utc())
        _add_text(entry, "summary", event, "title")
        entry.add("dtstart", event.start_date)
        entry.add("dtend", event.end_date + timedelta(days=1))
        entry.add("location", ", ".join(part for part in (event.venue, event.city) if part))
        entry.add("url", external_url("events.event_page", slug=event.slug))
        calendar.add_component(entry)
    calendar.add_missing_timezones(
        first_date=event.start_date - timedelta(days=366),
        last_date=event.end_date + timedelta(days=366),
    )
    return calendar.to_ical()
