"""Progress reports: a kind of report the exports table accepts

Revision ID: 0024
Revises: 0023
"""

from alembic import op

from consultation.db import tables_copied_safely

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

BEFORE = ("outcome", "summary", "agenda", "participants")
AFTER = (*BEFORE, "progress")


def _kinds(kinds: tuple[str, ...]) -> str:
    return "kind IN ({})".format(", ".join(f"'{kind}'" for kind in kinds))


def _allow(kinds: tuple[str, ...]) -> None:
    with tables_copied_safely(op), op.batch_alter_table("report_exports") as batch_op:
        batch_op.drop_constraint(op.f("ck_report_exports_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_report_exports_kind"), _kinds(kinds))


def upgrade() -> None:
    _allow(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM report_exports WHERE kind = 'progress'")
    _allow(BEFORE)
