from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consultation import content_version
from consultation.db import LabelledEnum, db, enum_type, now_utc

if TYPE_CHECKING:
    from consultation.accounts.models import User
    from consultation.events.models import Event


# Background jobs are stopped after 30 minutes; a queued export older than this never ends.
JOB_DEADLINE = timedelta(minutes=40)


class ReportKind(LabelledEnum):
    OUTCOME = "outcome"
    SUMMARY = "summary"
    AGENDA = "agenda"
    PARTICIPANTS = "participants"
    PROGRESS = "progress"
    # Every edition of the series up to this one
    SERIES_PROGRESS = "series_progress"

    @classmethod
    def labels(cls):
        return {
            cls.OUTCOME: _l("Outcome report"),
            cls.SUMMARY: _l("Executive summary"),
            cls.AGENDA: _l("Agenda"),
            cls.PARTICIPANTS: _l("List of participants"),
            cls.PROGRESS: _l("Progress report"),
            cls.SERIES_PROGRESS: _l("Progress report of the series"),
        }


class Audience(LabelledEnum):
    PUBLIC = "public"
    INTERNAL = "internal"

    @classmethod
    def labels(cls):
        return {
            cls.PUBLIC: _l("Public: reviewed content only, for circulation"),
            cls.INTERNAL: _l("Internal: drafts and closed sessions included, for the team"),
        }

    @property
    def short_label(self) -> str:
        """The audience in one word, for lists of exports."""
        return _l("public") if self is Audience.PUBLIC else _l("internal")


class ExportState(LabelledEnum):
    QUEUED = "queued"
    READY = "ready"
    FAILED = "failed"

    @classmethod
    def labels(cls):
        return {
            cls.QUEUED: _l("Being prepared"),
            cls.READY: _l("Ready"),
            cls.FAILED: _l("Failed"),
        }


class ReportExport(db.Model):
    """One PDF generated from an event: who asked for it, when, and the SHA-256 of the file,
    which is also its name in the report store."""

    __tablename__ = "report_exports"
    __table_args__ = (sa.Index("ix_report_exports_event_id_created_at", "event_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    # None for anonymous visitors (the public agenda) and the command line without --as.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The login name of whoever ran ``flask reports render`` on the server.
    command_line_user: Mapped[str | None] = mapped_column(sa.String(64))
    kind: Mapped[ReportKind] = mapped_column(enum_type(ReportKind, "kind"))
    audience: Mapped[Audience] = mapped_column(enum_type(Audience, "audience"))
    language: Mapped[str] = mapped_column(sa.String(5))
    state: Mapped[ExportState] = mapped_column(
        enum_type(ExportState, "state"), default=ExportState.QUEUED
    )
    # SHA-256 of the HTML the PDF was made from: an identical one reuses the stored PDF.
    source_sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    page_count: Mapped[int | None]
    size_bytes: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    finished_at: Mapped[datetime | None]
    # Downloads of the public agenda served from this export's PDF: counted, not recorded
    # one by one, since anyone may download it.
    download_count: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped["Event"] = relationship()
    user: Mapped["User | None"] = relationship(lazy="joined")

    @property
    def from_command_line(self) -> bool:
        """Made by ``flask reports render``. Before its login name was kept, only the command
        line made reports other than the agenda without an account (the site asks for one)."""
        return self.command_line_user is not None or (
            self.user_id is None and self.kind is not ReportKind.AGENDA
        )

    @property
    def abandoned(self) -> bool:
        """Still queued long after any job would have ended (a worker restarted, say)."""
        return self.state is ExportState.QUEUED and now_utc() - self.created_at > JOB_DEADLINE


content_version.not_shown(ReportExport)
