"""The audit log as its page reads it: one event's entries, newest first, with their actors."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from consultation.accounts.models import User
from consultation.audit.models import AuditAction, AuditEvent
from consultation.db import db


@dataclass(frozen=True)
class LogLine:
    entry: AuditEvent
    actor: User | None

    @property
    def from_command_line(self) -> bool:
        """Run on the server's command line. Entries before its login name was recorded: a
        report exported without an account came from there (the site asks for one)."""
        return "command_line_user" in (self.entry.details or {}) or (
            self.entry.action == AuditAction.REPORT_EXPORTED and self.entry.actor_id is None
        )


def event_log(event_id: int, page: int, per_page: int = 50) -> tuple[Pagination, list[LogLine]]:
    """One page of an event's log, newest first, with the actors in one more query."""
    entries = db.paginate(
        sa.select(AuditEvent).where(AuditEvent.event_id == event_id).order_by(AuditEvent.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )
    actor_ids = {entry.actor_id for entry in entries.items if entry.actor_id}
    actors = (
        {
            user.id: user
            for user in db.session.scalars(sa.select(User).where(User.id.in_(actor_ids)))
        }
        if actor_ids
        else {}
    )
    return entries, [LogLine(entry, actors.get(entry.actor_id)) for entry in entries.items]
