"""Threads across editions: a recommendation follows earlier ones of its series up

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recommendation_follows",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("follows_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["follows_id"],
            ["recommendations.id"],
            name=op.f("fk_recommendation_follows_follows_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_recommendation_follows_recommendation_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "recommendation_id", "follows_id", name=op.f("pk_recommendation_follows")
        ),
    )
    op.create_index(
        op.f("ix_recommendation_follows_follows_id"), "recommendation_follows", ["follows_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_recommendation_follows_follows_id"), "recommendation_follows")
    op.drop_table("recommendation_follows")
