"""The audit log's seals hold against someone who can write to the database but lacks the key:
an edit, a removed entry, the newest entries or every entry removed, and a chain recomputed
without the key are each reported with the entry where the chain broke."""

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from consultation.audit import services as audit
from consultation.audit.models import AuditAction, AuditEvent
from consultation.db import db


@pytest.fixture
def sealed(app):
    """Five entries, anchored."""
    with app.app_context():
        for number in range(5):
            audit.record(AuditAction.SIGNED_IN, subject=f"user:{number}", actor=None)
        db.session.commit()
        audit.anchor()
    return app


def tamper(app, statement) -> audit.Verification:
    with app.app_context():
        db.session.execute(statement)
        db.session.commit()
        return audit.verify()


def test_ids_follow_one_another_and_the_anchor_names_the_head(sealed):
    with sealed.app_context():
        ids = db.session.scalars(sa.select(AuditEvent.id).order_by(AuditEvent.id)).all()
        head = db.session.get(AuditEvent, 5)
        anchor = audit.latest_anchor()
        assert audit.verify().intact
    assert ids == [1, 2, 3, 4, 5]
    assert (anchor.id, anchor.count, anchor.seal) == (5, 5, head.entry_hash)


def test_an_edited_entry(sealed):
    result = tamper(sealed, sa.update(AuditEvent).where(AuditEvent.id == 3).values(actor_id=99))
    assert (result.first_broken_id, result.checked) == (3, 2)


def test_a_removed_entry(sealed):
    result = tamper(sealed, sa.delete(AuditEvent).where(AuditEvent.id == 2))
    assert result.first_broken_id == 2 and "missing" in result.reason


def test_the_newest_entries_removed(sealed):
    result = tamper(sealed, sa.delete(AuditEvent).where(AuditEvent.id >= 4))
    assert result.first_broken_id == 4 and "had 5 entries" in result.reason


def test_every_entry_removed(sealed):
    result = tamper(sealed, sa.delete(AuditEvent))
    assert (result.checked, result.first_broken_id) == (0, 1)


def test_a_chain_recomputed_without_the_key(sealed):
    """The recipe is public: an attacker removes entry 3 and seals the rest again with plain
    SHA-256, or with a key of their own, renumbering so that no id is missing."""
    with sealed.app_context():
        rows = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        kept = [row for row in rows if row.id != 3]
        copies = [
            {
                column.key: getattr(row, column.key)
                for column in AuditEvent.__table__.columns
                if column.key != "id"
            }
            for row in kept
        ]
        db.session.execute(sa.delete(AuditEvent))
        previous = audit.GENESIS
        for number, copy in enumerate(copies, start=1):
            entry = AuditEvent(**{**copy, "id": number, "previous_hash": previous})
            forged = {"id": number, "previous_hash": previous, "action": entry.action}
            entry.entry_hash = hashlib.sha256(json.dumps(forged).encode()).hexdigest()
            db.session.add(entry)
            previous = entry.entry_hash
        db.session.commit()
        result = audit.verify()
    assert result.first_broken_id == 1 and "seal" in result.reason


def test_a_chain_sealed_with_another_key_is_refused(sealed):
    with sealed.app_context():
        sealed.config["AUDIT_KEY"] = "someone else's key"
        try:
            result = audit.verify()
        finally:
            sealed.config["AUDIT_KEY"] = "test audit key"
    assert result.first_broken_id == 1


def test_the_commands_report_where_the_chain_broke(sealed):
    runner = sealed.test_cli_runner()
    intact = runner.invoke(args=["audit", "verify"])
    assert intact.exit_code == 0 and "intact (5 entries)" in intact.output
    with sealed.app_context():
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == 5))
        db.session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "broken at entry 5" in broken.output
    # No anchor is written for a broken chain.
    refused = runner.invoke(args=["audit", "anchor"])
    assert refused.exit_code == 1
    with sealed.app_context():
        assert audit.latest_anchor().count == 5


def test_anchoring_appends_and_keeps_the_file_private(sealed):
    with sealed.app_context():
        audit.record(AuditAction.SIGNED_OUT, actor=None)
        db.session.commit()
    output = sealed.test_cli_runner().invoke(args=["audit", "anchor"]).output
    assert "Anchored at entry 6 (6 entries)" in output
    path = Path(sealed.config["AUDIT_ANCHOR_FILE"])
    lines = path.read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [5, 6]
    assert path.stat().st_mode & 0o077 == 0
