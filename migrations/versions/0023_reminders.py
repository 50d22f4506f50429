"""Follow-up reminders: each series' reminder offsets, and the reminders and monthly digests
already sent, each step once

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

from consultation.db import tables_copied_safely

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_up_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["series.id"],
            name=op.f("fk_follow_up_digests_series_id_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_digests")),
        sa.UniqueConstraint(
            "series_id", "month", name=op.f("uq_follow_up_digests_series_id_month")
        ),
    )
    op.create_table(
        "follow_up_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["commitment_contacts.id"],
            name=op.f("fk_follow_up_reminders_contact_id_commitment_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_reminders")),
        sa.UniqueConstraint(
            "contact_id", "step", name=op.f("uq_follow_up_reminders_contact_id_step")
        ),
    )
    with tables_copied_safely(op), op.batch_alter_table("series") as batch_op:
        batch_op.add_column(
            sa.Column("reminder_months", sa.JSON(), server_default="[3, 6, 12]", nullable=False)
        )
        batch_op.add_column(
            sa.Column("due_reminder_days", sa.Integer(), server_default="14", nullable=False)
        )


def downgrade() -> None:
    with tables_copied_safely(op), op.batch_alter_table("series") as batch_op:
        batch_op.drop_column("due_reminder_days")
        batch_op.drop_column("reminder_months")
    op.drop_table("follow_up_reminders")
    op.drop_table("follow_up_digests")
