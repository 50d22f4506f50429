"""An erased participant's country of work may be forgotten, when few came from it

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from consultation.db import tables_copied_safely

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with tables_copied_safely(op), op.batch_alter_table("registrations") as batch_op:
        batch_op.alter_column("country_of_work", existing_type=sa.String(2), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE registrations SET country_of_work = 'ZZ' WHERE country_of_work IS NULL")
    with tables_copied_safely(op), op.batch_alter_table("registrations") as batch_op:
        batch_op.alter_column("country_of_work", existing_type=sa.String(2), nullable=False)
