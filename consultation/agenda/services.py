"""The agenda: sessions inside the event's days, rooms never double-booked, and the people
on each session."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from consultation.accounts.models import Role, User
from consultation.agenda.models import (
    Attribution,
    Session,
    SessionKind,
    SessionSpeaker,
    SpeakerRole,
)
from consultation.db import db
from consultation.errors import ConsultationError, InvalidInput, NotFound
from consultation.events.models import Event
from consultation.multilingual import isolated
from consultation.organisations.models import Organisation, comparison_key
from consultation.taxonomy.models import Theme


@dataclass
class SessionDetails:
    """What an organiser enters for a session, in the event's local time."""

    title: str
    kind: SessionKind
    day: date
    start: time
    end: time
    room: str | None = None
    description: str | None = None
    attribution: Attribution = Attribution.CHATHAM_HOUSE
    title_public: bool = False
    theme_ids: list[int] = field(default_factory=list)


def _agenda_options():
    return (
        selectinload(Session.themes),
        selectinload(Session.speakers).options(
            joinedload(SessionSpeaker.user), joinedload(SessionSpeaker.organisation)
        ),
    )


def agenda_sessions(event: Event, theme_slug: str | None = None) -> list[Session]:
    """The event's sessions in order, with themes and speakers, in a fixed number of queries."""
    statement = (
        sa.select(Session)
        .where(Session.event_id == event.id)
        .options(*_agenda_options())
        .order_by(Session.starts_at, Session.room, Session.id)
    )
    if theme_slug:
        # A closed session whose title is kept with the team would show up as a slot on
        # its themes, telling what it is about.
        statement = statement.where(
            Session.themes.any(Theme.slug == theme_slug),
            sa.or_(Session.attribution != Attribution.CLOSED, Session.title_public),
        )
    sessions = list(db.session.scalars(statement))
    for session in sessions:
        # Every session belongs to the event already loaded: no query per session for it.
        set_committed_value(session, "event", event)
    return sessions


def agenda_by_day(event: Event, sessions: list[Session]) -> list[tuple[date, list[Session]]]:
    days: dict[date, list[Session]] = defaultdict(list)
    for session in sessions:
        days[session.local_start.date()].append(session)
    return [(day, days[day]) for day in event.days if days[day]]


def session_in_event(event: Event, session_id: int) -> Session:
    session = db.session.scalar(
        sa.select(Session)
        .where(Session.id == session_id, Session.event_id == event.id)
        .options(*_agenda_options())
    )
    if session is None:
        raise NotFound(_l("There is no such session in this event."))
    set_committed_value(session, "event", event)
    return session


def public_session(event: Event, session_id: int) -> Session:
    """A session's own public page and calendar entry: none for a closed session whose title
    is kept with the team."""
    session = session_in_event(event, session_id)
    if session.title_kept_private:
        raise NotFound(_l("There is no such session in this event."))
    return session


def local_moment(event: Event, day: date, moment: time) -> datetime | None:
    """The instant of a wall-clock time in the event's zone, or None when that time does not
    exist (skipped when the clocks go forward); zoneinfo would otherwise quietly move it."""
    local = event.local_datetime(day, moment)
    back = local.astimezone(UTC).astimezone(event.zone)
    return local if (back.date(), back.time()) == (day, moment) else None


def room_key(room: str | None) -> str | None:
    return comparison_key(room)


def _speaker_key(speaker: SessionSpeaker) -> tuple:
    """A user is one person whatever their name; an external speaker is known by name."""
    user_id = speaker.user.id if speaker.user else None
    return ("user", user_id) if user_id else ("name", comparison_key(speaker.name))


def _speaker_clash(
    event: Event,
    speakers: list[SessionSpeaker],
    starts_at: datetime,
    ends_at: datetime,
    session_id: int | None,
) -> str | None:
    """Why one of ``speakers`` cannot be on a session at that time: they are already on
    another session of the event then, as a room is taken."""
    wanted = {_speaker_key(speaker) for speaker in speakers}
    if not wanted:
        return None
    parallel = db.session.scalars(
        sa.select(Session)
        .where(
            Session.event_id == event.id,
            Session.id != (session_id or 0),
            Session.kind != SessionKind.BREAK,
            Session.starts_at < ends_at,
            Session.ends_at > starts_at,
        )
        .options(selectinload(Session.speakers))
        .order_by(Session.starts_at, Session.id)
    )
    for other in parallel:
        for speaker in other.speakers:
            if _speaker_key(speaker) in wanted:
                # gettext, not _l: the lazy string would count as safe markup (see below).
                return gettext(
                    "%(name)s is already on “%(title)s” from %(start)s to %(end)s.",
                    name=isolated(speaker.name),
                    title=isolated(other.title),
                    start=other.starts_at.astimezone(event.zone).strftime("%H:%M"),
                    end=other.ends_at.astimezone(event.zone).strftime("%H:%M"),
                )
    return None


def _check(
    event: Event, details: SessionDetails, session: Session | None
) -> tuple[datetime, datetime]:
    session_id = session.id if session else None
    errors: dict[str, list[str]] = defaultdict(list)
    if not event.start_date <= details.day <= event.end_date:
        errors["day"].append(_l("Choose one of the event's days."))
    starts_at = local_moment(event, details.day, details.start)
    ends_at = local_moment(event, details.day, details.end)
    for name, moment in (("start", starts_at), ("end", ends_at)):
        if moment is None:
            errors[name].append(
                _l("This time does not exist on that day, when the clocks go forward.")
            )
    # Compared in UTC: Python compares two times of one zone by their wall-clock reading.
    if starts_at and ends_at and ends_at.astimezone(UTC) <= starts_at.astimezone(UTC):
        errors["end"].append(_l("The session must end after it starts."))
    key = room_key(details.room)
    if key and details.kind is not SessionKind.BREAK and not errors:
        clash = db.session.scalar(
            sa.select(Session).where(
                Session.event_id == event.id,
                Session.id != (session_id or 0),
                Session.room_key == key,
                Session.kind != SessionKind.BREAK,
                Session.starts_at < ends_at,
                Session.ends_at > starts_at,
            )
        )
        if clash is not None:
            errors["room"].append(
                # gettext, not _l: a lazy string counts as safe markup (it has __html__), so
                # the room and session title it holds reached the page unescaped.
                gettext(
                    "%(room)s is already taken by “%(title)s” from %(start)s to %(end)s.",
                    room=isolated(clash.room),
                    title=isolated(clash.title),
                    start=clash.starts_at.astimezone(event.zone).strftime("%H:%M"),
                    end=clash.ends_at.astimezone(event.zone).strftime("%H:%M"),
                )
            )
    if session is not None and details.kind is not SessionKind.BREAK and not errors:
        clash = _speaker_clash(event, session.speakers, starts_at, ends_at, session_id)
        if clash:
            errors["start"].append(clash)
    if errors:
        raise InvalidInput(dict(errors))
    return starts_at, ends_at


def save_session(event: Event, session: Session | None, details: SessionDetails) -> Session:
    """Create a session (``session`` None) or change one, after checking the agenda's rules."""
    starts_at, ends_at = _check(event, details, session)
    allowed = {theme.id for theme in event.themes}
    themes = list(
        db.session.scalars(
            sa.select(Theme).where(Theme.id.in_([i for i in details.theme_ids if i in allowed]))
        )
    )
    if session is None:
        session = Session(event_id=event.id, speakers=[], themes=[])
        db.session.add(session)
    session.title = details.title.strip()
    session.kind = details.kind
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.room = (details.room or "").strip() or None
    session.room_key = room_key(session.room)
    session.description = details.description or None
    session.attribution = details.attribution
    session.title_public = details.title_public
    session.themes = themes
    db.session.flush()
    return session


def delete_session(session: Session) -> None:
    db.session.delete(session)


def add_speaker(
    session: Session,
    role: SpeakerRole,
    user: User | None = None,
    name: str | None = None,
    title: str | None = None,
    organisation: Organisation | None = None,
) -> SessionSpeaker:
    name = (name or "").strip() or None
    if user is None and name is None:
        raise ConsultationError(
            _l("Choose a user of the site, or give the name of an external speaker."),
            field="name",
        )
    if role is SpeakerRole.MODERATOR and any(
        speaker.role is SpeakerRole.MODERATOR for speaker in session.speakers
    ):
        raise ConsultationError(_l("This session already has a moderator."), field="role")
    if user is not None and any(speaker.user_id == user.id for speaker in session.speakers):
        raise ConsultationError(
            # gettext, not _l: a lazy string counts as safe markup (it has __html__), so
            # the user's name it holds reached the page unescaped.
            gettext("%(name)s is already on this session.", name=isolated(user.display_name)),
            field="user_id",
        )
    speaker = SessionSpeaker(
        user=user,
        # Kept for users too, so the agenda still names them if their account is erased.
        name=user.display_name if user else name,
        title=(title or "").strip() or None,
        organisation=organisation,
        role=role,
        position=max((other.position for other in session.speakers), default=-1) + 1,
    )
    if session.kind is not SessionKind.BREAK:
        clash = _speaker_clash(
            session.event, [speaker], session.starts_at, session.ends_at, session.id
        )
        if clash:
            raise ConsultationError(clash, field="user_id" if user else "name")
    session.speakers.append(speaker)
    db.session.flush()
    return speaker


def remove_speaker(session: Session, speaker_id: int) -> None:
    speaker = next((s for s in session.speakers if s.id == speaker_id), None)
    if speaker is None:
        raise NotFound(_l("This person is not on this session."))
    session.speakers.remove(speaker)


def speaker_candidates() -> list[User]:
    """Staff who can be picked as speakers. Participants who speak are entered as external
    speakers, which keeps the list short and the participant list out of drop-downs."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.active.is_(True), User.role != Role.PARTICIPANT)
            .order_by(User.display_name)
        )
    )
