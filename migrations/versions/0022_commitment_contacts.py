"""Commitment owners' contacts, who report progress through a private update link

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

from consultation.db import UTCDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commitment_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("link_sent_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_contacts_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_contacts")),
        sa.UniqueConstraint(
            "commitment_id",
            "email_key",
            name=op.f("uq_commitment_contacts_commitment_id_email_key"),
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_commitment_contacts_token_hash")),
    )
    op.create_index(
        op.f("ix_commitment_contacts_commitment_id"), "commitment_contacts", ["commitment_id"]
    )
    with op.batch_alter_table("follow_up_updates") as batch_op:
        batch_op.add_column(sa.Column("contact_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_follow_up_updates_contact_id"), ["contact_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_follow_up_updates_contact_id_commitment_contacts"),
            "commitment_contacts",
            ["contact_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("follow_up_updates") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_follow_up_updates_contact_id_commitment_contacts"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_follow_up_updates_contact_id"))
        batch_op.drop_column("contact_id")
    op.drop_index(op.f("ix_commitment_contacts_commitment_id"), "commitment_contacts")
    op.drop_table("commitment_contacts")
