"""Translations of the texts of events and sessions into their other working languages

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("events", "sessions"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("translations", sa.JSON(), server_default="{}", nullable=False)
            )


def downgrade() -> None:
    for table in ("sessions", "events"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("translations")
