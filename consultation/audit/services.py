"""The audit trail: who did what, when, on which event, from which address.

Entries are chained by an HMAC-SHA-256 keyed with ``AUDIT_KEY``, which is kept outside the
database: each seal covers the entry's fields, its id and the previous seal, and ids follow
one another without gaps. Someone who can write to the database but lacks the key can
neither change an entry, nor remove one, nor seal a chain of their own. Removing the newest
entries, or all of them, leaves an intact chain: ``anchor`` writes the head (id, count, seal)
to a file outside the database every day, and ``verify`` holds the chain to the latest one.
"""

import hashlib
import hmac
import json
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event as orm_event

from consultation import jobs
from consultation.audit.models import AuditAction, AuditEvent
from consultation.db import db, now_utc

if TYPE_CHECKING:
    # Only a type: accounts records its own actions here, so the trail sits below it.
    from consultation.accounts.models import User

log = logging.getLogger(__name__)

GENESIS = "0" * 64
# Any constant: the key of the PostgreSQL advisory lock that orders writers of the chain.
CHAIN_LOCK = 0x61756469
ANCHOR_JOB_ID = "audit-anchor"


def seal(entry: AuditEvent, key: bytes) -> str:
    fields = {
        "id": entry.id,
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
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def _key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode()


def _head() -> tuple[int, str]:
    """The newest entry's id and seal, taken under the chain's lock."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Two writers reading the same head would fork the chain; the lock is held until
        # the transaction ends. SQLite allows one writer at a time anyway.
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    last = db.session.execute(
        sa.select(AuditEvent.id, AuditEvent.entry_hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return (last.id, last.entry_hash) if last else (0, GENESIS)


#: The address of the request being answered, set by the application for each request; none
#: on the command line and in jobs.
request_address: ContextVar[str | None] = ContextVar("request_address", default=None)


def record(
    action: AuditAction,
    *,
    actor: "User | None",
    event_id: int | None = None,
    subject: str | None = None,
    **details,
) -> AuditEvent:
    """Adds an entry in the caller's transaction. ``actor``: the account that did it, None for
    a visitor, a participant through their link, the command line or a job. ``details`` must
    hold no personal data (ids and codes only, and the server's login name for what is run
    on its command line), and each key needs its words in ``audit_log.labels.DETAILS``."""
    last_id, last_seal = _head()
    entry = AuditEvent(
        # Numbered here, not by a sequence that skips the ids of rolled-back transactions:
        # a gap is then always a removed entry.
        id=last_id + 1,
        created_at=now_utc().replace(microsecond=0),
        action=action.value,
        actor_id=actor.id if actor is not None else None,
        event_id=event_id,
        subject=subject,
        details=details,
        ip_address=_address(actor),
        previous_hash=last_seal,
    )
    entry.entry_hash = seal(entry, _key())
    db.session.add(entry)
    db.session.flush()
    return entry


def _address(actor: "User | None") -> str | None:
    """Where the request came from. Staff keep their address in the log, for accountability;
    a participant's (no account, or a participant's account) is kept as a keyed hash, "h:"
    and 16 hex digits: the same address gives the same pseudonym, so abuse can still be
    followed, but no erasure needs to change a sealed entry to forget where someone was."""
    address = request_address.get()
    if address is None or (actor is not None and actor.is_staff):
        return address
    key = current_app.config["SECRET_KEY"].encode()
    return "h:" + hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class Anchor:
    """The head of the chain at a moment, kept outside the database."""

    at: str
    id: int
    count: int
    seal: str


def _anchor_file() -> Path:
    return Path(current_app.config["AUDIT_ANCHOR_FILE"])


def anchor() -> Anchor:
    """Appends the chain's head to the anchor file (and the log), after checking the chain:
    an anchor is only ever written for an intact one."""
    result = verify()
    if not result.intact:
        raise BrokenChain(result)
    last_id, last_seal = _head()
    db.session.rollback()
    written = Anchor(now_utc().isoformat(timespec="seconds"), last_id, result.checked, last_seal)
    path = _anchor_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        path.chmod(0o600)
        file.write(json.dumps(written.__dict__) + "\n")
    log.info(
        "Audit log anchored at entry %s (%s entries), seal %s", last_id, result.checked, last_seal
    )
    return written


def latest_anchor() -> Anchor | None:
    path = _anchor_file()
    if not path.is_file():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Anchor(**json.loads(lines[-1])) if lines else None


def scheduled_anchor() -> None:
    """The worker's daily anchor, which schedules the next one."""
    schedule_anchor(timedelta(days=1))
    anchor()


def schedule_anchor(delay: timedelta) -> None:
    jobs.enqueue_in(delay, scheduled_anchor, job_id=ANCHOR_JOB_ID)


@dataclass(frozen=True)
class Verification:
    checked: int
    # The entry where the chain broke: changed, out of place, or missing (then the id where
    # it should be).
    first_broken_id: int | None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


class BrokenChain(Exception):
    def __init__(self, result: Verification) -> None:
        super().__init__(result.reason)
        self.result = result


def verify(batch_size: int = 1000) -> Verification:
    """Recomputes every seal in order, in batches so memory stays flat, then holds the head
    to the latest anchor."""
    key, previous, checked, expected_id = _key(), GENESIS, 0, 1
    anchored = latest_anchor()
    while True:
        batch = list(
            db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.id >= expected_id)
                .order_by(AuditEvent.id)
                .limit(batch_size)
            )
        )
        if not batch:
            break
        for entry in batch:
            if entry.id != expected_id:
                return Verification(checked, expected_id, f"entry {expected_id} is missing")
            if entry.previous_hash != previous or seal(entry, key) != entry.entry_hash:
                return Verification(checked, entry.id, f"entry {entry.id} does not match its seal")
            previous, checked, expected_id = entry.entry_hash, checked + 1, entry.id + 1
        db.session.expunge_all()
    if anchored is None:
        return Verification(checked, None)
    if checked < anchored.count:
        return Verification(
            checked,
            checked + 1,
            f"the log ends at entry {checked}, but it had {anchored.count} entries "
            f"when anchored at {anchored.at}",
        )
    anchored_entry = db.session.get(AuditEvent, anchored.id) if anchored.id else None
    if anchored.id and (anchored_entry is None or anchored_entry.entry_hash != anchored.seal):
        return Verification(
            checked, anchored.id, f"entry {anchored.id} is not the one anchored at {anchored.at}"
        )
    return Verification(checked, None)


@orm_event.listens_for(AuditEvent, "before_update")
@orm_event.listens_for(AuditEvent, "before_delete")
def _refuse_changes(mapper, connection, target) -> None:
    raise RuntimeError("The audit log is append-only.")
