"""Pending registration links and confirmed addresses, what each email was and about whom,
public agenda downloads counted, and the audit log numbered without gaps and sealed with a
key (AUDIT_KEY)

Revision ID: 0017
Revises: 0016
"""

import hashlib
import hmac
import json

import sqlalchemy as sa
from alembic import op
from flask import current_app

from consultation.db import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

GENESIS = "0" * 64

audit_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("created_at", UTCDateTime()),
    sa.column("action", sa.String),
    sa.column("actor_id", sa.Integer),
    sa.column("event_id", sa.Integer),
    sa.column("subject", sa.String),
    sa.column("details", sa.JSON),
    sa.column("ip_address", sa.String),
    sa.column("previous_hash", sa.String),
    sa.column("entry_hash", sa.String),
)


def _canonical(row, previous: str, **extra) -> bytes:
    fields = {
        "created_at": row.created_at.isoformat(),
        "action": row.action,
        "actor_id": row.actor_id,
        "event_id": row.event_id,
        "subject": row.subject,
        "details": row.details or {},
        "ip_address": row.ip_address,
        "previous_hash": previous,
        **extra,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _reseal_audit_log() -> None:
    """Checks the old SHA-256 chain, then numbers the entries 1, 2, … and seals each with the
    key. A broken old chain stops the upgrade: sealing it would hide what broke it."""
    connection = op.get_bind()
    key = current_app.config["AUDIT_KEY"].encode()
    old_previous, new_previous = GENESIS, GENESIS
    rows = connection.execute(sa.select(audit_events).order_by(audit_events.c.id)).all()
    for number, row in enumerate(rows, start=1):
        expected = hashlib.sha256(_canonical(row, old_previous)).hexdigest()
        if row.previous_hash != old_previous or row.entry_hash != expected:
            raise RuntimeError(
                f"The audit log is broken at entry {row.id}: it was changed outside the "
                "application. Restore the database from a backup taken before, then upgrade."
            )
        sealed = hmac.new(key, _canonical(row, new_previous, id=number), hashlib.sha256).hexdigest()
        # Ascending, each new number is at most its old one and above every earlier one:
        # no two rows ever share an id on the way.
        connection.execute(
            sa.update(audit_events)
            .where(audit_events.c.id == row.id)
            .values(id=number, previous_hash=new_previous, entry_hash=sealed)
        )
        old_previous, new_previous = row.entry_hash, sealed


def upgrade() -> None:
    op.add_column("registrations", sa.Column("pending_token_hash", sa.String(64)))
    op.add_column("registrations", sa.Column("email_confirmed_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("kind", sa.String(80)))
        batch.add_column(sa.Column("registration_id", sa.Integer()))
        batch.create_foreign_key(
            "fk_outbox_registration_id_registrations",
            "registrations",
            ["registration_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # A failed message kept its link; without a record of what it was it cannot be written
    # again, and its text goes.
    op.execute(
        sa.text("UPDATE outbox SET raw_message = :empty WHERE status = 'failed'").bindparams(
            sa.bindparam("empty", b"", type_=sa.LargeBinary)
        )
    )
    op.add_column(
        "report_exports",
        sa.Column("download_count", sa.Integer(), nullable=False, server_default="0"),
    )
    _reseal_audit_log()


def downgrade() -> None:
    # The seals stay keyed: the older code reports the log broken until it is restored.
    op.drop_column("report_exports", "download_count")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint("fk_outbox_registration_id_registrations", type_="foreignkey")
        batch.drop_column("registration_id")
        batch.drop_column("kind")
    op.drop_column("registrations", "email_confirmed_at")
    op.drop_column("registrations", "pending_token_hash")
