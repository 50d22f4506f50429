"""Progress reports of a whole series: a kind of report the exports table accepts

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

from consultation.db import tables_copied_safely

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

BEFORE = ("outcome", "summary", "agenda", "participants", "progress")
AFTER = (*BEFORE, "series_progress")


def _allow(kinds: tuple[str, ...]) -> None:
    longest = max(len(kind) for kind in kinds)
    with tables_copied_safely(op), op.batch_alter_table("report_exports") as batch_op:
        batch_op.drop_constraint(op.f("ck_report_exports_kind"), type_="check")
        batch_op.alter_column("kind", type_=sa.String(length=longest), existing_nullable=False)
        batch_op.create_check_constraint(
            op.f("ck_report_exports_kind"),
            "kind IN ({})".format(", ".join(f"'{kind}'" for kind in kinds)),
        )


def upgrade() -> None:
    _allow(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM report_exports WHERE kind = 'series_progress'")
    _allow(BEFORE)
