from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consultation import content_version
from consultation.accounts.models import User
from consultation.db import LabelledEnum, db, enum_type, now_utc
from consultation.events.models import Event
from consultation.multilingual import Translatable
from consultation.organisations.models import Organisation
from consultation.organisations.uses import OrganisationUse, declare
from consultation.taxonomy.models import Theme


class SessionKind(LabelledEnum):
    OPENING = "opening"
    PLENARY = "plenary"
    PANEL = "panel"
    BREAKOUT = "breakout"
    WORKING_GROUP = "working_group"
    BREAK = "break"
    CLOSING = "closing"

    @classmethod
    def labels(cls):
        return {
            cls.OPENING: _l("Opening"),
            cls.PLENARY: _l("Plenary"),
            cls.PANEL: _l("Panel"),
            cls.BREAKOUT: _l("Breakout"),
            cls.WORKING_GROUP: _l("Working group"),
            cls.BREAK: _l("Break"),
            cls.CLOSING: _l("Closing"),
        }


class Attribution(LabelledEnum):
    """What may be said of who said what in a session; the report exporter enforces it."""

    ON_RECORD = "on_record"
    CHATHAM_HOUSE = "chatham_house"
    CLOSED = "closed"

    @classmethod
    def labels(cls):
        return {
            cls.ON_RECORD: _l("On the record: speakers may be named"),
            cls.CHATHAM_HOUSE: _l("Chatham House rule: nothing is attributed"),
            cls.CLOSED: _l("Closed: outcomes stay with the organisers"),
        }


class SpeakerRole(LabelledEnum):
    SPEAKER = "speaker"
    MODERATOR = "moderator"
    PANELLIST = "panellist"
    RAPPORTEUR = "rapporteur"

    @classmethod
    def labels(cls):
        return {
            cls.SPEAKER: _l("Speaker"),
            cls.MODERATOR: _l("Moderator"),
            cls.PANELLIST: _l("Panellist"),
            cls.RAPPORTEUR: _l("Rapporteur"),
        }


session_themes = sa.Table(
    "session_themes",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Session(Translatable, db.Model):
    """An item of an event's agenda."""

    __tablename__ = "sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_sessions_event_id_starts_at", "event_id", "starts_at"),
    )
    TRANSLATED_FIELDS = ("title", "description")

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[SessionKind] = mapped_column(enum_type(SessionKind, "kind"))
    # Stored in UTC; entered and shown in the event's time zone.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    room: Mapped[str | None] = mapped_column(sa.String(120))
    # Case-folded in Python: SQL lower() leaves "É" alone on SQLite and in the C locale.
    room_key: Mapped[str | None] = mapped_column(sa.String(120))
    # Markdown, shown through the sanitiser
    description: Mapped[str | None] = mapped_column(sa.Text)
    attribution: Mapped[Attribution] = mapped_column(
        enum_type(Attribution, "attribution"), default=Attribution.CHATHAM_HOUSE
    )
    # For a closed session only: whether its title may be shown outside the team.
    title_public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    event: Mapped[Event] = relationship(back_populates="sessions")
    themes: Mapped[list[Theme]] = relationship(
        secondary=session_themes, order_by=Theme.position, lazy="raise_on_sql"
    )
    speakers: Mapped[list["SessionSpeaker"]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="SessionSpeaker.position",
        lazy="raise_on_sql",
    )

    @property
    def content_language(self) -> str:
        return self.event.content_language

    @property
    def title_kept_private(self) -> bool:
        """Outside the team (public agenda, calendars, API, agenda PDF), a closed session
        whose title its organisers did not make public is only "Closed session" at its time."""
        return self.attribution is Attribution.CLOSED and not self.title_public

    @property
    def public_speakers(self) -> list["SessionSpeaker"]:
        """Who may be named outside the team: nobody of a closed session."""
        return [] if self.attribution is Attribution.CLOSED else self.speakers

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.event.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.event.zone)

    def __repr__(self) -> str:
        return f"<Session {self.id} {self.title!r}>"


class SessionSpeaker(db.Model):
    """A person on a session: a user of the site, or an external speaker described here."""

    __tablename__ = "session_speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The person's name, also for users: the agenda keeps it if their account is erased.
    name: Mapped[str] = mapped_column(sa.String(120))
    title: Mapped[str | None] = mapped_column(sa.String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[SpeakerRole] = mapped_column(enum_type(SpeakerRole, "role"))
    position: Mapped[int] = mapped_column(default=0)

    session: Mapped[Session] = relationship(back_populates="speakers")
    user: Mapped[User | None] = relationship(lazy="joined")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def display_name(self) -> str:
        return self.user.display_name if self.user else self.name

    @property
    def organisation_name(self) -> str | None:
        if self.organisation is not None:
            return self.organisation.short_name
        return self.user.organisation_name if self.user else None


declare(
    OrganisationUse(
        SessionSpeaker.organisation_id,
        events=lambda organisation_id: (
            sa.select(Session.event_id)
            .join(SessionSpeaker, SessionSpeaker.session_id == Session.id)
            .where(SessionSpeaker.organisation_id == organisation_id)
        ),
        describe=lambda count: ngettext(
            "the organisation of %(num)d speaker", "the organisation of %(num)d speakers", count
        ),
    )
)


def _speakers_events(**speaker_is) -> sa.Select:
    return (
        sa.select(Session.event_id)
        .join(SessionSpeaker, SessionSpeaker.session_id == Session.id)
        .filter_by(**speaker_is)
    )


# What the public pages show (see content_version): sessions, their themes and speakers, and
# speakers' names and organisations.
content_version.shown(Session, on_events=lambda session: session.event_id)
content_version.shown_through(session_themes)
content_version.shown(
    SessionSpeaker,
    on_events=lambda speaker: sa.select(Session.event_id).where(Session.id == speaker.session_id),
)
content_version.shown(
    Organisation, on_events=lambda organisation: _speakers_events(organisation_id=organisation.id)
)
# A speaker's account shows by its name alone: a sign-in, a new password or another language
# must not move the agendas they speak on, or watching them would tell when.
content_version.shown(
    User,
    on_events=lambda user: _speakers_events(user_id=user.id),
    when=lambda user, changed: bool(changed & {"display_name", "organisation_name", "deleted"}),
)
