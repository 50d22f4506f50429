"""Search keys: names folded for accent- and case-insensitive searching

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

from consultation.search import search_key

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 1000


def _fill(table: sa.Table, texts: list[str], where=None) -> None:
    """Sets each row's key from its texts, a batch of rows per statement."""
    connection = op.get_bind()
    select = sa.select(table.c.id, *(table.c[name] for name in texts))
    if where is not None:
        select = select.where(where)
    rows = connection.execute(select).all()
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values(search_key=sa.bindparam("key"))
    )
    for start in range(0, len(rows), BATCH):
        connection.execute(
            update,
            [
                {"row_id": row[0], "key": search_key(*row[1:])}
                for row in rows[start : start + BATCH]
            ],
        )


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(sa.Column("search_key", sa.Text(), nullable=True))
    # NOT NULL with a default, added in place: making the column NOT NULL afterwards would
    # make SQLite copy the table, which the registrations' foreign keys refuse.
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.add_column(sa.Column("search_key", sa.Text(), nullable=False, server_default=""))
    registrations = sa.table(
        "registrations",
        sa.column("id"),
        sa.column("full_name"),
        sa.column("email"),
        sa.column("anonymised_at"),
        sa.column("search_key"),
    )
    organisations = sa.table(
        "organisations",
        sa.column("id"),
        sa.column("name"),
        sa.column("acronym"),
        sa.column("search_key"),
    )
    # Anonymised registrations keep no key: nothing of them is searched for.
    _fill(registrations, ["full_name", "email"], registrations.c.anonymised_at.is_(None))
    _fill(organisations, ["name", "acronym"])


def downgrade() -> None:
    for name in ("organisations", "registrations"):
        with op.batch_alter_table(name) as batch_op:
            batch_op.drop_column("search_key")
