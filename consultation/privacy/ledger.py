"""The erasure ledger: a line per erasure (a registration erased on request, an account
deleted), written once the erasure is committed, to a file kept apart from the database and
its backups. It holds ids and a keyed hash of the address, nothing that names anyone, so
that restoring a backup taken before an erasure does not bring the person back
(``restore.reapply_erasures``)."""

import hashlib
import hmac
import json
import os
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_app_context

from consultation.db import db, now_utc

PENDING = "erasures_to_record"


def address_hash(email: str) -> str:
    """The address, keyed by the installation's secret: the same address gives the same
    hash here, and nothing anywhere else."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def note(kind: str, record_id: int, email: str, **details) -> None:
    """Adds an erasure to the ledger when the session's transaction commits."""
    entry = {
        "at": now_utc().isoformat(),
        "kind": kind,
        "id": record_id,
        "address": address_hash(email),
        **details,
    }
    db.session.info.setdefault(PENDING, []).append(entry)


def ledger_path() -> Path:
    return Path(current_app.config["ERASURE_LEDGER"])


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _write_committed(session: sa.orm.Session) -> None:
    entries = session.info.pop(PENDING, None)
    if not entries or not has_app_context():
        return
    path = ledger_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as ledger:
        for entry in entries:
            ledger.write(json.dumps(entry, sort_keys=True) + "\n")
        ledger.flush()
        os.fsync(ledger.fileno())


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _forget_rolled_back(session: sa.orm.Session) -> None:
    session.info.pop(PENDING, None)


def entries() -> list[dict]:
    path = ledger_path()
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as ledger:
        return [json.loads(line) for line in ledger if line.strip()]
