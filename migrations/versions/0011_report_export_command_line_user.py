"""Who ran a command-line export

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Earlier command-line exports keep NULL: nobody knows who ran them, and the model tells
    # them apart from visitors' downloads by their kind.
    with op.batch_alter_table("report_exports") as batch_op:
        batch_op.add_column(sa.Column("command_line_user", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_exports") as batch_op:
        batch_op.drop_column("command_line_user")
