from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consultation import content_version
from consultation.content_version import VersionedContent
from consultation.db import LabelledEnum, db, enum_type, now_utc
from consultation.multilingual import Translatable
from consultation.organisations.models import Organisation
from consultation.organisations.uses import OrganisationUse, declare, declare_organised_events
from consultation.taxonomy.models import Series, Theme

if TYPE_CHECKING:
    from consultation.accounts.models import User
    from consultation.agenda.models import Session


class EventStatus(LabelledEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"

    @classmethod
    def labels(cls):
        return {
            cls.DRAFT: _l("Draft"),
            cls.PUBLISHED: _l("Published"),
            cls.ARCHIVED: _l("Archived"),
        }


class Region(LabelledEnum):
    """IOM's regions, used to group and filter consultations."""

    MIDDLE_EAST_NORTH_AFRICA = "mena"
    WEST_CENTRAL_AFRICA = "west-central-africa"
    EAST_HORN_AFRICA = "east-horn-africa"
    SOUTHERN_AFRICA = "southern-africa"
    ASIA_PACIFIC = "asia-pacific"
    EUROPE_CENTRAL_ASIA = "europe-central-asia"
    LATIN_AMERICA_CARIBBEAN = "latin-america-caribbean"
    NORTH_AMERICA = "north-america"
    GLOBAL = "global"

    @classmethod
    def labels(cls):
        return {
            cls.MIDDLE_EAST_NORTH_AFRICA: _l("Middle East and North Africa"),
            cls.WEST_CENTRAL_AFRICA: _l("West and Central Africa"),
            cls.EAST_HORN_AFRICA: _l("East and Horn of Africa"),
            cls.SOUTHERN_AFRICA: _l("Southern Africa"),
            cls.ASIA_PACIFIC: _l("Asia and the Pacific"),
            cls.EUROPE_CENTRAL_ASIA: _l("Europe and Central Asia"),
            cls.LATIN_AMERICA_CARIBBEAN: _l("Latin America and the Caribbean"),
            cls.NORTH_AMERICA: _l("North America"),
            cls.GLOBAL: _l("Global"),
        }


class PartnerRole(LabelledEnum):
    HOST = "host"
    CO_ORGANISER = "co_organiser"
    SPONSOR = "sponsor"

    @classmethod
    def labels(cls):
        return {
            cls.HOST: _l("Host"),
            cls.CO_ORGANISER: _l("Co-organiser"),
            cls.SPONSOR: _l("Sponsor"),
        }


class TeamRole(LabelledEnum):
    ORGANISER = "organiser"
    RAPPORTEUR = "rapporteur"
    POLICY = "policy"

    @classmethod
    def labels(cls):
        return {
            cls.ORGANISER: _l("Organiser"),
            cls.RAPPORTEUR: _l("Rapporteur"),
            cls.POLICY: _l("Policy team"),
        }


event_themes = sa.Table(
    "event_themes",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
    # The events list filters by theme; the primary key leads with the event.
    sa.Index("ix_event_themes_theme_id", "theme_id"),
)


class Event(VersionedContent, Translatable, db.Model):
    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),
        # One edition a year: two would number their outcomes alike (MENA-2027-R01).
        sa.Index("uq_events_series_id_edition_year", "series_id", "edition_year", unique=True),
    )
    TRANSLATED_FIELDS = ("title", "summary", "description")

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    # Upper-case letters and digits that start the outcome references of an event in no
    # series (RHC-2027-R07); in a series, the series' code does. Short, so that a reference
    # fits its column in the reports.
    short_code: Mapped[str | None] = mapped_column(sa.String(12))
    series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("series.id", ondelete="SET NULL"), index=True
    )
    edition_year: Mapped[int] = mapped_column(index=True)
    region: Mapped[Region] = mapped_column(enum_type(Region, "region"), index=True)
    city: Mapped[str] = mapped_column(sa.String(120))
    # ISO 3166-1 alpha-2
    country: Mapped[str] = mapped_column(sa.String(2))
    venue: Mapped[str | None] = mapped_column(sa.String(200))
    start_date: Mapped[date] = mapped_column(index=True)
    # The events list shows coming or past events
    end_date: Mapped[date] = mapped_column(index=True)
    # IANA name, e.g. Europe/Istanbul
    timezone: Mapped[str] = mapped_column(sa.String(64))
    # Codes from config.LANGUAGES, in order of preference
    working_languages: Mapped[list[str]] = mapped_column(sa.JSON, default=lambda: ["en"])
    # Markdown, shown through the sanitiser
    summary: Mapped[str | None] = mapped_column(sa.Text)
    description: Mapped[str | None] = mapped_column(sa.Text)
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    status: Mapped[EventStatus] = mapped_column(
        enum_type(EventStatus, "status"), default=EventStatus.DRAFT, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    series: Mapped[Series | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        secondary=event_themes, order_by=Theme.position, lazy="raise_on_sql"
    )
    partners: Mapped[list["EventPartner"]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="EventPartner.position",
        lazy="raise_on_sql",
    )
    team: Mapped[list["EventMember"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="raise_on_sql"
    )
    sessions: Mapped[list["Session"]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="Session.starts_at",
        lazy="raise_on_sql",
    )

    @property
    def is_public(self) -> bool:
        """Published and archived editions stay readable; drafts are for the team only."""
        return self.status is not EventStatus.DRAFT

    @property
    def content_language(self) -> str:
        """The language of the event's own texts: its first working language."""
        return self.working_languages[0] if self.working_languages else "en"

    @property
    def other_working_languages(self) -> list[str]:
        return list(self.working_languages[1:])

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def days(self) -> list[date]:
        return [
            date.fromordinal(day)
            for day in range(self.start_date.toordinal(), self.end_date.toordinal() + 1)
        ]

    def local_datetime(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone)

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventPartner(db.Model):
    __tablename__ = "event_partners"
    __table_args__ = (sa.UniqueConstraint("event_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[PartnerRole] = mapped_column(enum_type(PartnerRole, "role"))
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="partners")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class EventMember(db.Model):
    """A user's role on one event's team."""

    __tablename__ = "event_members"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[TeamRole] = mapped_column(enum_type(TeamRole, "role"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    event: Mapped[Event] = relationship(back_populates="team")
    user: Mapped["User"] = relationship(lazy="joined")


declare(
    OrganisationUse(
        EventPartner.organisation_id,
        events=lambda organisation_id: sa.select(EventPartner.event_id).where(
            EventPartner.organisation_id == organisation_id
        ),
        describe=lambda count: ngettext(
            "a partner of %(num)d event", "a partner of %(num)d events", count
        ),
        unique_within=EventPartner.event_id,
    )
)
declare_organised_events(
    lambda user_id: sa.select(EventMember.event_id).where(
        EventMember.user_id == user_id, EventMember.role == TeamRole.ORGANISER
    )
)


# What the public pages show (see content_version): the event, its partners and their
# organisations, and its themes; not its team.
content_version.shown(Event, on_events=lambda event: event.id)
content_version.shown(EventPartner, on_events=lambda partner: partner.event_id)
content_version.shown(
    Organisation,
    on_events=lambda organisation: sa.select(EventPartner.event_id).where(
        EventPartner.organisation_id == organisation.id
    ),
)
content_version.shown_through(event_themes)
content_version.not_shown(EventMember)
