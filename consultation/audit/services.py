"""The audit trail: who did what, when, on which event, from which address.

Entries are chained by SHA-256: each hash covers the entry's fields and the previous hash.
``verify`` walks the chain; a changed, inserted or deleted entry breaks it.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import event as orm_event

from consultation.accounts.models import User
from consultation.audit.models import AuditAction, AuditEvent
from consultation.db import db, now_utc

GENESIS = "0" * 64
# Any constant: the key of the PostgreSQL advisory lock that orders writers of the chain.
CHAIN_LOCK = 0x61756469


def _digest(entry: AuditEvent) -> str:
    fields = {
        "created_at": entry.created_at.isoformat(),
        "action": entry.action,
        "actor_id": entry.actor_id,
        "event_id": entry.event_id,
        "subject": entry.subject,
        "details": entry.details or {},
        "ip_address": entry.ip_address,
        "previous_hash": entry.previous_hash,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _last_hash() -> str:
    if db.session.get_bind().dialect.name == "postgresql":
        # Two writers reading the same last hash would fork the chain; the lock is held
        # until the transaction ends. SQLite allows one writer at a time anyway.
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    last = db.session.scalar(
        sa.select(AuditEvent.entry_hash).order_by(AuditEvent.id.desc()).limit(1)
    )
    return last or GENESIS


def record(
    action: AuditAction,
    *,
    event_id: int | None = None,
    subject: str | None = None,
    actor: User | None = None,
    **details,
) -> AuditEvent:
    """Adds an entry in the caller's transaction; the actor and address default to the
    current request's. ``details`` must hold no personal data (ids and codes only, and the
    server's login name for what is run on its command line), and each key needs its words
    in ``audit.labels.DETAILS``."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    entry = AuditEvent(
        created_at=now_utc().replace(microsecond=0),
        action=action.value,
        actor_id=actor.id if actor is not None else None,
        event_id=event_id,
        subject=subject,
        details=details,
        ip_address=_address(actor),
        previous_hash=_last_hash(),
    )
    entry.entry_hash = _digest(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


def _address(actor: User | None) -> str | None:
    """Where the request came from. Staff keep their address in the log, for accountability;
    a participant's (no account, or a participant's account) is kept as a keyed hash, "h:"
    and 16 hex digits: the same address gives the same pseudonym, so abuse can still be
    followed, but no erasure needs to change a sealed entry to forget where someone was."""
    address = request.remote_addr if has_request_context() else None
    if address is None or (actor is not None and actor.is_staff):
        return address
    key = current_app.config["SECRET_KEY"].encode()
    return "h:" + hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Verification:
    checked: int
    first_broken_id: int | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify(batch_size: int = 1000) -> Verification:
    """Recomputes every hash in order, in batches so memory stays flat."""
    previous, checked, after_id = GENESIS, 0, 0
    while True:
        batch = list(
            db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.id > after_id)
                .order_by(AuditEvent.id)
                .limit(batch_size)
            )
        )
        if not batch:
            return Verification(checked, None)
        for entry in batch:
            if entry.previous_hash != previous or _digest(entry) != entry.entry_hash:
                return Verification(checked, entry.id)
            previous, checked, after_id = entry.entry_hash, checked + 1, entry.id
        db.session.expunge_all()


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


@orm_event.listens_for(AuditEvent, "before_update")
@orm_event.listens_for(AuditEvent, "before_delete")
def _refuse_changes(mapper, connection, target) -> None:
    raise RuntimeError("The audit log is append-only.")
