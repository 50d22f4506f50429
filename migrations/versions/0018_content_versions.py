"""Content versions: each event's, moved by any change its public pages show, with the moments
its pages change on their own, and the site's, for records every event's pages may show

Revision ID: 0018
Revises: 0017
"""

from datetime import UTC

import sqlalchemy as sa
from alembic import op

from consultation.db import UTCDateTime, tables_copied_safely

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

events = sa.table("events", sa.column("id", sa.Integer), sa.column("content_moments", sa.JSON))
registration_settings = sa.table(
    "registration_settings",
    sa.column("event_id", sa.Integer),
    sa.column("opens_at", UTCDateTime()),
    sa.column("closes_at", UTCDateTime()),
)


def upgrade() -> None:
    op.add_column(
        "events", sa.Column("content_version", sa.Integer(), server_default="1", nullable=False)
    )
    op.add_column(
        "events", sa.Column("content_moments", sa.JSON(), server_default="[]", nullable=False)
    )
    op.create_table(
        "site_content",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_content")),
    )
    # Registration opening and closing, as content_version keeps them from now on.
    bind = op.get_bind()
    for row in bind.execute(sa.select(registration_settings)).all():
        moments = sorted(
            moment.astimezone(UTC).isoformat()
            for moment in (row.opens_at, row.closes_at)
            if moment is not None
        )
        if moments:
            bind.execute(
                sa.update(events).where(events.c.id == row.event_id).values(content_moments=moments)
            )


def downgrade() -> None:
    op.drop_table("site_content")
    with tables_copied_safely(op), op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("content_moments")
        batch_op.drop_column("content_version")
