"""Participants' emails about the follow-up: the consent on their registration (recorded like
the others), and the subscriptions that keep it for the series

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

from consultation.db import UTCDateTime, tables_copied_safely

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

BEFORE = ("processing", "participants_list", "public_report", "photography")
AFTER = (*BEFORE, "follow_up_news")


def _consents(consents: tuple[str, ...]) -> None:
    with op.batch_alter_table("consent_records") as batch_op:
        batch_op.drop_constraint(op.f("ck_consent_records_consent"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_consent_records_consent"),
            "consent IN ({})".format(", ".join(f"'{each}'" for each in consents)),
        )


def upgrade() -> None:
    op.create_table(
        "follow_up_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("covered_until", UTCDateTime(), nullable=False),
        sa.Column("last_sent_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_follow_up_subscriptions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_follow_up_subscriptions_registration_id_registrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["series.id"],
            name=op.f("fk_follow_up_subscriptions_series_id_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_subscriptions")),
        sa.UniqueConstraint(
            "series_id", "email_key", name=op.f("uq_follow_up_subscriptions_series_id_email_key")
        ),
    )
    op.create_index(
        op.f("ix_follow_up_subscriptions_event_id"), "follow_up_subscriptions", ["event_id"]
    )
    op.create_index(
        op.f("ix_follow_up_subscriptions_registration_id"),
        "follow_up_subscriptions",
        ["registration_id"],
    )
    with tables_copied_safely(op):
        with op.batch_alter_table("registrations") as batch_op:
            batch_op.add_column(
                sa.Column("follow_up_news", sa.Boolean(), server_default=sa.false(), nullable=False)
            )
        _consents(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM consent_records WHERE consent = 'follow_up_news'")
    with tables_copied_safely(op):
        _consents(BEFORE)
        with op.batch_alter_table("registrations") as batch_op:
            batch_op.drop_column("follow_up_news")
    op.drop_index(op.f("ix_follow_up_subscriptions_registration_id"), "follow_up_subscriptions")
    op.drop_index(op.f("ix_follow_up_subscriptions_event_id"), "follow_up_subscriptions")
    op.drop_table("follow_up_subscriptions")
