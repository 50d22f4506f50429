"""Event short codes for outcome references

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from consultation.events.services import short_code_for

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("title", sa.String),
    sa.column("series_id", sa.Integer),
    sa.column("short_code", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("short_code", sa.String(length=12), nullable=True))
    # Events in no series numbered their outcomes with their address (B-CONSULTATION-B-REG-
    # 2027-R01), too long for the reports' columns; their next references take their title's
    # initials, as a new event's do. References already given are stored and stay as they are.
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(events.c.id, events.c.title).where(events.c.series_id.is_(None))
    ).all()
    for event_id, title in rows:
        connection.execute(
            events.update().where(events.c.id == event_id).values(short_code=short_code_for(title))
        )


def downgrade() -> None:
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("short_code")
