"""Follow-up updates: what was done about a recommendation or a commitment after its edition,
dated, reviewed by the policy team before anyone outside the team reads it."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consultation import content_version
from consultation.accounts.models import User
from consultation.db import LabelledEnum, db, enum_type, now_utc
from consultation.outcomes.models import (
    Commitment,
    CommitmentStatus,
    Recommendation,
    RecommendationStatus,
)

STATUS_VALUES = sorted({status.value for status in (*RecommendationStatus, *CommitmentStatus)})


class UpdateReview(LabelledEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"

    @classmethod
    def labels(cls):
        return {
            cls.PENDING: _l("Waiting for review"),
            cls.PUBLISHED: _l("Published"),
            cls.REJECTED: _l("Not published"),
        }


class FollowUpUpdate(db.Model):
    """One dated report on a recommendation or a commitment: a status it moves to, a progress
    self-assessment, a text and links to evidence. It changes the item only once published."""

    __tablename__ = "follow_up_updates"
    __table_args__ = (
        sa.CheckConstraint(
            "(recommendation_id IS NULL) <> (commitment_id IS NULL)", name="one_item"
        ),
        sa.CheckConstraint(
            "status IS NULL OR status IN ({})".format(", ".join(f"'{v}'" for v in STATUS_VALUES)),
            name="known_status",
        ),
        sa.CheckConstraint(
            "progress IS NULL OR (progress BETWEEN 0 AND 5 AND commitment_id IS NOT NULL)",
            name="progress_of_commitments",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    commitment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    # A value of the item's own statuses (see ``status_member``); None reports progress only.
    status: Mapped[str | None] = mapped_column(sa.String(20))
    # The item's status when this update was published, to show the step it made.
    previous_status: Mapped[str | None] = mapped_column(sa.String(20))
    progress: Mapped[int | None] = mapped_column(sa.SmallInteger)
    reported_on: Mapped[date]
    # Markdown, shown through the sanitiser, in ``language`` (None: not known)
    text: Mapped[str | None] = mapped_column(sa.Text)
    language: Mapped[str | None] = mapped_column(sa.String(8))
    evidence_links: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Or the owner's contact who wrote it through their update link
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("commitment_contacts.id", ondelete="SET NULL"), index=True
    )
    review: Mapped[UpdateReview] = mapped_column(
        enum_type(UpdateReview, "review"), default=UpdateReview.PENDING, index=True
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    recommendation: Mapped[Recommendation | None] = relationship(back_populates="updates")
    commitment: Mapped[Commitment | None] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id], lazy="joined")
    contact: Mapped["CommitmentContact | None"] = relationship(lazy="joined")

    @property
    def item(self) -> Recommendation | Commitment:
        return self.recommendation or self.commitment

    def status_member(self, value: str | None):
        """``value`` as a member of the item's statuses."""
        statuses = RecommendationStatus if self.recommendation_id else CommitmentStatus
        return statuses(value) if value else None

    @property
    def reported_status(self):
        return self.status_member(self.status)

    @property
    def status_before(self):
        return self.status_member(self.previous_status)

    @property
    def is_published(self) -> bool:
        return self.review is UpdateReview.PUBLISHED


class CommitmentContact(db.Model):
    """Someone at a commitment's owner who reports its progress, without an account, through
    a private update link."""

    __tablename__ = "commitment_contacts"
    __table_args__ = (sa.UniqueConstraint("commitment_id", "email_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    # The address folded, so that one person is not added twice in another case
    email_key: Mapped[str] = mapped_column(sa.String(254))
    # The language of the emails and of the update page
    language: Mapped[str] = mapped_column(sa.String(8))
    # The SHA-256 of the current update link's token; None until a link is sent
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    link_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    commitment: Mapped[Commitment] = relationship(back_populates="contacts")


class ReminderSent(db.Model):
    """A reminder step sent to a contact: each step is sent once, whoever runs the job, as
    the unique key refuses a second row."""

    __tablename__ = "follow_up_reminders"
    __table_args__ = (sa.UniqueConstraint("contact_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("commitment_contacts.id", ondelete="CASCADE")
    )
    # "due-2027-06-30" before that due date, or "after-3" for 3 months after the edition
    step: Mapped[str] = mapped_column(sa.String(20))
    sent_on: Mapped[date]


class DigestSent(db.Model):
    """The month's digest of a series' overdue items, sent to its organisers once."""

    __tablename__ = "follow_up_digests"
    __table_args__ = (sa.UniqueConstraint("series_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"))
    # "2027-03"
    month: Mapped[str] = mapped_column(sa.String(7))
    sent_on: Mapped[date]


class NewsSubscription(db.Model):
    """A participant who asked, when registering or from their link, for emails when the
    published follow-up of their consultation's series changes: kept apart from the
    registration, whose personal data goes sooner, for as long as the follow-up runs."""

    __tablename__ = "follow_up_subscriptions"
    __table_args__ = (sa.UniqueConstraint("series_id", "email_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"))
    # The edition they registered for: the subscription ends some time after it.
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    email_key: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(8))
    # The changes published after this moment go in the next email.
    covered_until: Mapped[datetime] = mapped_column(default=now_utc)
    last_sent_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


content_version.not_shown(
    FollowUpUpdate, CommitmentContact, ReminderSent, DigestSent, NewsSubscription
)
