from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from consultation import content_version
from consultation.db import LabelledEnum, db, enum_type, now_utc, today_utc
from consultation.organisations.models import Organisation
from consultation.organisations.uses import OrganisationUse, declare
from consultation.taxonomy.models import Theme

if TYPE_CHECKING:
    from consultation.accounts.models import User
    from consultation.agenda.models import Session
    from consultation.events.models import Event
    from consultation.follow_up.models import CommitmentContact, FollowUpUpdate


class ReviewStatus(LabelledEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"

    @classmethod
    def labels(cls):
        return {
            cls.DRAFT: _l("Draft"),
            cls.IN_REVIEW: _l("In review"),
            cls.APPROVED: _l("Approved"),
            cls.PUBLISHED: _l("Published"),
        }

    @property
    def is_public(self) -> bool:
        """Only reviewed content may leave the team."""
        return self in (ReviewStatus.APPROVED, ReviewStatus.PUBLISHED)


class Addressee(LabelledEnum):
    IOM = "iom"
    NGOS = "ngos"
    DONORS = "donors"
    STATES = "states"
    ALL_ACTORS = "all_actors"

    @classmethod
    def labels(cls):
        return {
            cls.IOM: _l("IOM"),
            cls.NGOS: _l("NGOs"),
            cls.DONORS: _l("Donors"),
            cls.STATES: _l("States"),
            cls.ALL_ACTORS: _l("All actors"),
        }


class Priority(LabelledEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @classmethod
    def labels(cls):
        return {cls.HIGH: _l("High"), cls.MEDIUM: _l("Medium"), cls.LOW: _l("Low")}


class RecommendationStatus(LabelledEnum):
    """How the addressees took a recommendation up, as its follow-up updates report it."""

    OPEN = "open"
    ACCEPTED = "accepted"
    PARTLY_IMPLEMENTED = "partly_implemented"
    IMPLEMENTED = "implemented"
    NOT_ACCEPTED = "not_accepted"
    SUPERSEDED = "superseded"

    @classmethod
    def labels(cls):
        return {
            cls.OPEN: _l("Open"),
            cls.ACCEPTED: _l("Accepted"),
            cls.PARTLY_IMPLEMENTED: _l("Partly implemented"),
            cls.IMPLEMENTED: _l("Implemented"),
            cls.NOT_ACCEPTED: _l("Not accepted"),
            cls.SUPERSEDED: _l("Superseded"),
        }

    @classmethod
    def initial(cls) -> "RecommendationStatus":
        return cls.OPEN

    @property
    def is_closed(self) -> bool:
        """Nothing more is expected: reminders stop, and the item is no longer overdue."""
        return self in (self.IMPLEMENTED, self.NOT_ACCEPTED, self.SUPERSEDED)


class CommitmentStatus(LabelledEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @classmethod
    def labels(cls):
        return {
            cls.PLANNED: _l("Planned"),
            cls.IN_PROGRESS: _l("In progress"),
            cls.DONE: _l("Done"),
            cls.DROPPED: _l("Dropped"),
        }

    @classmethod
    def initial(cls) -> "CommitmentStatus":
        return cls.PLANNED

    @property
    def is_closed(self) -> bool:
        return self in (self.DONE, self.DROPPED)


def open_statuses(statuses) -> list:
    """The statuses of an item still followed up (not closed), of RecommendationStatus or
    CommitmentStatus."""
    return [status for status in statuses if not status.is_closed]


class EventOutcome(db.Model):
    """What the whole consultation concluded, and the counters behind the stable references."""

    __tablename__ = "event_outcomes"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    # Markdown, shown through the sanitiser
    executive_summary: Mapped[str | None] = mapped_column(sa.Text)
    conclusions: Mapped[str | None] = mapped_column(sa.Text)
    next_steps: Mapped[str | None] = mapped_column(sa.Text)
    review_status: Mapped[ReviewStatus] = mapped_column(
        enum_type(ReviewStatus, "review_status"), default=ReviewStatus.DRAFT
    )
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    status_changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    status_changed_at: Mapped[datetime | None]
    # The last number given to a recommendation and to a commitment of this event. Numbers
    # are taken with one UPDATE ... RETURNING, never reused, and never follow the display
    # order, so a reference (MENA-2027-R07) stays the same whatever is moved or deleted.
    last_recommendation_number: Mapped[int] = mapped_column(default=0)
    last_commitment_number: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    event: Mapped["Event"] = relationship()
    status_changed_by: Mapped["User | None"] = relationship(lazy="joined")


class SessionOutcome(db.Model):
    """A session's summary and the status of its outcomes: key points, recommendations and
    commitments are reviewed together with it."""

    __tablename__ = "session_outcomes"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    # Markdown, shown through the sanitiser
    summary: Mapped[str | None] = mapped_column(sa.Text)
    review_status: Mapped[ReviewStatus] = mapped_column(
        enum_type(ReviewStatus, "review_status"), default=ReviewStatus.DRAFT
    )
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    status_changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    status_changed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    session: Mapped["Session"] = relationship()
    status_changed_by: Mapped["User | None"] = relationship(lazy="joined")
    key_points: Mapped[list["KeyPoint"]] = relationship(
        cascade="all, delete-orphan", order_by="KeyPoint.position", lazy="raise_on_sql"
    )
    recommendations: Mapped[list["Recommendation"]] = relationship(
        back_populates="outcome",
        cascade="all, delete-orphan",
        order_by="Recommendation.position",
        lazy="raise_on_sql",
    )
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="outcome",
        cascade="all, delete-orphan",
        order_by="Commitment.position",
        lazy="raise_on_sql",
    )


class KeyPoint(db.Model):
    __tablename__ = "key_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("session_outcomes.session_id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.Text)


recommendation_themes = sa.Table(
    "recommendation_themes",
    db.metadata,
    sa.Column(
        "recommendation_id",
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


# A recommendation that follows earlier ones up (threads across editions): "follows
# MENA-2026-R04". Both ends are recommendations of the same series.
recommendation_follows = sa.Table(
    "recommendation_follows",
    db.metadata,
    sa.Column(
        "recommendation_id",
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "follows_id",
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class ReferencedItem:
    """What recommendations and commitments share: a session, a place in its list, a text, and
    a number of the event's own behind a reference that never changes (MENA-2027-R07)."""

    # The reference's letter, and the EventOutcome counter its numbers come from
    letter: ClassVar[str]
    counter: ClassVar[str]

    @declared_attr.directive
    def __table_args__(cls):
        return (sa.UniqueConstraint("event_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("session_outcomes.session_id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    # Written once, when the item is made
    reference: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.Text)


class Recommendation(ReferencedItem, db.Model):
    __tablename__ = "recommendations"
    letter = "R"
    counter = "last_recommendation_number"

    # Values of Addressee
    addressees: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    other_addressee: Mapped[str | None] = mapped_column(sa.String(200))
    priority: Mapped[Priority] = mapped_column(
        enum_type(Priority, "priority"), default=Priority.MEDIUM
    )
    # The status of the latest published follow-up update that gave one.
    status: Mapped[RecommendationStatus] = mapped_column(
        enum_type(RecommendationStatus, "status"), default=RecommendationStatus.OPEN
    )

    outcome: Mapped[SessionOutcome] = relationship(back_populates="recommendations")
    themes: Mapped[list[Theme]] = relationship(
        secondary=recommendation_themes, order_by=Theme.position, lazy="raise_on_sql"
    )
    # The earlier recommendations this one follows up, and the later ones following it up.
    follows: Mapped[list["Recommendation"]] = relationship(
        secondary=recommendation_follows,
        primaryjoin=lambda: Recommendation.id == recommendation_follows.c.recommendation_id,
        secondaryjoin=lambda: Recommendation.id == recommendation_follows.c.follows_id,
        order_by=lambda: Recommendation.reference,
        back_populates="followed_by",
        lazy="raise_on_sql",
    )
    followed_by: Mapped[list["Recommendation"]] = relationship(
        secondary=recommendation_follows,
        primaryjoin=lambda: Recommendation.id == recommendation_follows.c.follows_id,
        secondaryjoin=lambda: Recommendation.id == recommendation_follows.c.recommendation_id,
        order_by=lambda: Recommendation.reference,
        back_populates="follows",
        lazy="raise_on_sql",
    )
    updates: Mapped[list["FollowUpUpdate"]] = relationship(
        back_populates="recommendation",
        cascade="all, delete-orphan",
        order_by="FollowUpUpdate.id",
        lazy="raise_on_sql",
    )
    statuses: ClassVar = RecommendationStatus

    @property
    def addressed_to(self) -> list[str]:
        """Translated labels of whom the recommendation addresses, the free text last."""
        labels = [str(Addressee(value).label) for value in self.addressees]
        return [*labels, self.other_addressee] if self.other_addressee else labels


class Commitment(ReferencedItem, db.Model):
    """An action point someone took on, tracked after the event."""

    __tablename__ = "commitments"
    letter = "C"
    counter = "last_commitment_number"

    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date | None]
    # The status, and the owner's self-assessment of progress (0 to 5, as the Charter for
    # Change asks), of the latest published follow-up update that gave them.
    status: Mapped[CommitmentStatus] = mapped_column(
        enum_type(CommitmentStatus, "status"), default=CommitmentStatus.PLANNED
    )
    progress: Mapped[int | None] = mapped_column(
        sa.SmallInteger, sa.CheckConstraint("progress BETWEEN 0 AND 5", name="progress_scale")
    )

    outcome: Mapped[SessionOutcome] = relationship(back_populates="commitments")
    owner: Mapped[Organisation | None] = relationship(lazy="joined")
    updates: Mapped[list["FollowUpUpdate"]] = relationship(
        back_populates="commitment",
        cascade="all, delete-orphan",
        order_by="FollowUpUpdate.id",
        lazy="raise_on_sql",
    )
    # The owner's people who report its progress through their update links
    contacts: Mapped[list["CommitmentContact"]] = relationship(
        back_populates="commitment",
        cascade="all, delete-orphan",
        order_by="CommitmentContact.name",
        lazy="raise_on_sql",
    )
    statuses: ClassVar = CommitmentStatus

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_on and self.due_on < today_utc() and not self.status.is_closed)


declare(
    OrganisationUse(
        Commitment.owner_id,
        events=lambda organisation_id: sa.select(Commitment.event_id).where(
            Commitment.owner_id == organisation_id
        ),
        describe=lambda count: ngettext(
            "the owner of %(num)d commitment", "the owner of %(num)d commitments", count
        ),
    )
)


# Outcomes have pages of their own, not kept or revalidated.
content_version.not_shown(
    EventOutcome,
    SessionOutcome,
    KeyPoint,
    Recommendation,
    Commitment,
    recommendation_themes,
    recommendation_follows,
)
