from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from consultation import content_version
from consultation.db import LabelledEnum, db, enum_type, now_utc
from consultation.organisations.models import Organisation
from consultation.organisations.uses import OrganisationUse, declare
from consultation.search import search_key

if TYPE_CHECKING:
    from consultation.accounts.models import User
    from consultation.events.models import Event
from consultation.taxonomy.models import Theme


class Moderation(LabelledEnum):
    AUTOMATIC = "automatic"
    APPROVAL = "approval"

    @classmethod
    def labels(cls):
        return {
            cls.AUTOMATIC: _l("Confirm automatically while seats are left"),
            cls.APPROVAL: _l("Organisers approve each registration"),
        }


class RegistrationStatus(LabelledEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @classmethod
    def labels(cls):
        return {
            cls.PENDING: _l("Awaiting approval"),
            cls.CONFIRMED: _l("Confirmed"),
            cls.WAITLISTED: _l("On the waiting list"),
            cls.DECLINED: _l("Declined"),
            cls.CANCELLED: _l("Cancelled"),
        }


# The statuses in which a registration still runs: it can be corrected, cancelled, attended.
ACTIVE_STATUSES = frozenset(
    {RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED}
)


class Gender(LabelledEnum):
    WOMAN = "woman"
    MAN = "man"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"

    @classmethod
    def labels(cls):
        return {
            cls.WOMAN: _l("Woman"),
            cls.MAN: _l("Man"),
            cls.OTHER: _l("Another gender"),
            cls.UNDISCLOSED: _l("Prefer not to say"),
        }


# The optional questions an event may ask, in the order the form shows them.
OPTIONAL_QUESTIONS = (
    "gender",
    "theme_interests",
    "interpretation_languages",
    "accessibility_needs",
    "dietary_requirements",
    "visa_letter",
)


registration_theme_interests = sa.Table(
    "registration_theme_interests",
    db.metadata,
    sa.Column(
        "registration_id", sa.ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
    # The organisers' table filters by theme of interest; the primary key leads with the
    # registration.
    sa.Index("ix_registration_theme_interests_theme_id", "theme_id"),
)


class RegistrationSettings(db.Model):
    """How one event takes registrations. Also holds the count of confirmed seats, which
    confirmations take with one conditional UPDATE so that the event cannot be overbooked."""

    __tablename__ = "registration_settings"
    __table_args__ = (
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint(
            "capacity IS NULL OR confirmed_count <= capacity", name="not_overbooked"
        ),
        sa.CheckConstraint(
            "closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at",
            name="closes_after_opening",
        ),
    )

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    capacity: Mapped[int | None]
    confirmed_count: Mapped[int] = mapped_column(default=0)
    waitlist_enabled: Mapped[bool] = mapped_column(default=True)
    moderation: Mapped[Moderation] = mapped_column(
        enum_type(Moderation, "moderation"), default=Moderation.APPROVAL
    )
    # Names from OPTIONAL_QUESTIONS
    questions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Confirmed participants counted by gender, kept when the retention job clears the
    # answers (gender is sensitive): the statistics keep the numbers, nobody's answer.
    gender_counts: Mapped[dict | None] = mapped_column(sa.JSON)
    privacy_notice: Mapped[str | None] = mapped_column(sa.Text)
    # Goes up by one each time the notice changes; each consent records the version it saw.
    privacy_notice_version: Mapped[int] = mapped_column(default=1)
    retention_days: Mapped[int] = mapped_column(default=90)

    event: Mapped["Event"] = relationship()

    def asks(self, question: str) -> bool:
        return question in self.questions

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed_count, 0)


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        # One registration per address per event, whatever its case or spacing.
        sa.UniqueConstraint("event_id", "email_key"),
        # The organisers' table reads one event's registrations: its filters and sorts go
        # through indexes led by the event, so that no other event's rows are read. The first
        # one also gives the waiting list in order.
        sa.Index(
            "ix_registrations_event_id_status_waitlisted_at", "event_id", "status", "waitlisted_at"
        ),
        sa.Index("ix_registrations_event_id_country_of_work", "event_id", "country_of_work"),
        sa.Index("ix_registrations_event_id_organisation_id", "event_id", "organisation_id"),
        sa.Index("ix_registrations_event_id_created_at", "event_id", "created_at"),
        sa.Index("ix_registrations_event_id_full_name", "event_id", "full_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_type(RegistrationStatus, "status"), default=RegistrationStatus.PENDING
    )
    full_name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    email_key: Mapped[str] = mapped_column(sa.String(254))
    # The name and address folded for the organisers' search (consultation/search.py); kept
    # up to date by set_search_key, None once anonymised.
    search_key: Mapped[str | None] = mapped_column(sa.Text)
    # None once erased, when it was an organisation private to this registration: what
    # remains of the registration must not name it.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    job_title: Mapped[str | None] = mapped_column(sa.String(200))
    # ISO 3166-1 alpha-2; None once erased, when fewer than five of the event's participants
    # worked there (what remains must not point at them).
    country_of_work: Mapped[str | None] = mapped_column(sa.String(2))
    language: Mapped[str] = mapped_column(sa.String(5), default="en")
    # Answers to the optional questions; sensitive ones are shown only to organisers.
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender, "gender"))
    interpretation_languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    accessibility_needs: Mapped[str | None] = mapped_column(sa.Text)
    dietary_requirements: Mapped[str | None] = mapped_column(sa.Text)
    needs_visa_letter: Mapped[bool] = mapped_column(default=False)
    # Consents: processing is required and records the notice version agreed to.
    consented_at: Mapped[datetime]
    privacy_notice_version: Mapped[int]
    # Optional consents, each recorded with its time in consents.ConsentRecord: on the list
    # given to participants; named in the public outcome report (given apart, since that
    # report is public); photographed.
    listed_to_participants: Mapped[bool] = mapped_column(default=False)
    named_in_report: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    agrees_to_photography: Mapped[bool] = mapped_column(default=False)
    # Emails about the follow-up of the consultation's outcomes (see follow_up.news)
    follow_up_news: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # SHA-256 of the management link's token; the token itself is never stored.
    management_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The newest link emailed, which replaces the current one only once it is used: asking
    # for the link again (anyone can, who knows the address) never breaks the one in use.
    pending_token_hash: Mapped[str | None] = mapped_column(sa.String(64))
    # When a link of this registration was first opened, which proves the address reaches
    # the registrant: until then emails to it repeat nothing that was typed on the form.
    email_confirmed_at: Mapped[datetime | None]
    waitlisted_at: Mapped[datetime | None]
    internal_notes: Mapped[str | None] = mapped_column(sa.Text)
    # Set when the personal data was erased (on request, or by the retention job).
    anonymised_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    event: Mapped["Event"] = relationship()
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    theme_interests: Mapped[list["Theme"]] = relationship(
        secondary=registration_theme_interests, lazy="raise_on_sql"
    )
    user: Mapped["User | None"] = relationship()
    history: Mapped[list["RegistrationChange"]] = relationship(
        back_populates="registration",
        cascade="all, delete-orphan",
        order_by="RegistrationChange.created_at",
        lazy="raise_on_sql",
    )

    @validates("full_name", "email")
    def set_search_key(self, name: str, value: str) -> str:
        names = {"full_name": self.full_name, "email": self.email, name: value}
        self.search_key = search_key(names["full_name"], names["email"])
        return value

    @property
    def is_active(self) -> bool:
        """Still running: not declined, cancelled or erased."""
        return self.status in ACTIVE_STATUSES and self.anonymised_at is None

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status}>"


class RegistrationChange(db.Model):
    """One change of a registration's status: who made it, when and why."""

    __tablename__ = "registration_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[RegistrationStatus | None] = mapped_column(
        enum_type(RegistrationStatus, "from_status")
    )
    to_status: Mapped[RegistrationStatus] = mapped_column(
        enum_type(RegistrationStatus, "to_status")
    )
    # None when the participant or the system (waiting-list promotion) made the change.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    registration: Mapped[Registration] = relationship(back_populates="history")
    actor: Mapped["User | None"] = relationship(lazy="joined")


declare(
    OrganisationUse(
        Registration.organisation_id,
        events=lambda organisation_id: sa.select(Registration.event_id).where(
            Registration.organisation_id == organisation_id
        ),
        describe=lambda count: ngettext(
            "the organisation of %(num)d registration",
            "the organisation of %(num)d registrations",
            count,
        ),
    )
)


class SensitiveAccess(db.Model):
    """An administrator's break-glass look at an event's visa, accessibility, dietary and
    gender answers, which only its organisers see otherwise: why, who and until when. The
    event's organisers are shown every one."""

    __tablename__ = "sensitive_accesses"
    __table_args__ = (
        sa.Index("ix_sensitive_accesses_event_id_created_at", "event_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    # None once the administrator's account is deleted; the reason stays for the organisers.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    expires_at: Mapped[datetime]

    user: Mapped["User | None"] = relationship(lazy="joined")


# What the public pages show (see content_version): the settings, as the call for
# registration and its form; not the registrations. Of the counts of participants kept here,
# the places taken count only when the event has a capacity (the pages then show the places
# left): otherwise a version that moved with each registration would tell that someone
# registered.
_COUNTS_OF_PARTICIPANTS = frozenset(("confirmed_count", "gender_counts"))
content_version.shown(
    RegistrationSettings,
    on_events=lambda settings: settings.event_id,
    when=lambda settings, changed: (
        bool(changed - _COUNTS_OF_PARTICIPANTS) or settings.capacity is not None
    ),
    moments=lambda settings: (settings.opens_at, settings.closes_at),
)
content_version.not_shown(
    Registration, RegistrationChange, SensitiveAccess, registration_theme_interests
)
