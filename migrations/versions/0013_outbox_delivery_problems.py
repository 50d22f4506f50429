"""Why an email was not delivered, in words for the organisers

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

PROBLEMS = (
    "unreachable",
    "deferred",
    "address_refused",
    "sign_in_refused",
    "message_refused",
    "other",
)


def upgrade() -> None:
    # Earlier failures keep NULL: their server answers are in last_error and the log, and the
    # page says only that the message could not be sent.
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(
            sa.Column(
                "problem",
                sa.Enum(*PROBLEMS, name="problem", native_enum=False, create_constraint=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("problem")
