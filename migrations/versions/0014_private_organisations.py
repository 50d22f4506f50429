"""Organisations typed by registrants stay private until approved; series have an owner and
one edition a year; a closed session's title is public only when its organisers say so;
administrators' break-glass looks at sensitive answers

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from consultation.db import tables_copied_safely

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

STATUSES = ("approved", "proposed", "private")
APPROVED = sa.text("status = 'approved'")


def upgrade() -> None:
    with tables_copied_safely(op):
        with op.batch_alter_table("organisations") as batch_op:
            batch_op.add_column(
                sa.Column(
                    "status",
                    sa.Enum(*STATUSES, name="status", native_enum=False, create_constraint=True),
                    nullable=False,
                    server_default="approved",
                )
            )
            batch_op.drop_constraint("uq_organisations_name_key", type_="unique")
            batch_op.drop_constraint("uq_organisations_acronym_key", type_="unique")
        with op.batch_alter_table("registrations") as batch_op:
            batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=True)
        with op.batch_alter_table("series") as batch_op:
            batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                "fk_series_owner_id_users", "users", ["owner_id"], ["id"], ondelete="SET NULL"
            )
    op.add_column(
        "sessions",
        sa.Column("title_public", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "sensitive_accesses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_sensitive_accesses_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sensitive_accesses_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sensitive_accesses")),
    )
    op.create_index(
        "ix_sensitive_accesses_event_id_created_at",
        "sensitive_accesses",
        ["event_id", "created_at"],
    )
    op.create_index("ix_sensitive_accesses_user_id", "sensitive_accesses", ["user_id"])
    op.create_index("ix_organisations_status", "organisations", ["status"])
    for column in ("name_key", "acronym_key"):
        op.create_index(
            f"uq_organisations_{column}",
            "organisations",
            [column],
            unique=True,
            sqlite_where=APPROVED,
            postgresql_where=APPROVED,
        )
    op.create_index("ix_series_owner_id", "series", ["owner_id"])
    op.create_index(
        "uq_events_series_id_edition_year", "events", ["series_id", "edition_year"], unique=True
    )
    # An organisation that one registration alone uses was most likely typed by its
    # registrant, and listing it tells who registered: it waits for review like a new one.
    op.execute(
        """
        UPDATE organisations SET status = 'proposed'
        WHERE id IN (
            SELECT organisation_id FROM registrations
            GROUP BY organisation_id HAVING count(*) = 1
        )
        AND id NOT IN (SELECT organisation_id FROM event_partners)
        AND id NOT IN (
            SELECT organisation_id FROM session_speakers WHERE organisation_id IS NOT NULL
        )
        AND id NOT IN (SELECT owner_id FROM commitments WHERE owner_id IS NOT NULL)
        """
    )
    # A series belongs to the first organiser of its first edition: only they (and
    # administrators) add editions to it.
    op.execute(
        """
        UPDATE series SET owner_id = (
            SELECT event_members.user_id FROM event_members
            JOIN events ON events.id = event_members.event_id
            WHERE events.series_id = series.id AND event_members.role = 'organiser'
            ORDER BY events.start_date, event_members.created_at, event_members.id
            LIMIT 1
        )
        """
    )


def downgrade() -> None:
    op.drop_table("sensitive_accesses")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.drop_column("title_public")
    op.drop_index("uq_events_series_id_edition_year", table_name="events")
    op.drop_index("ix_series_owner_id", table_name="series")
    for column in ("name_key", "acronym_key"):
        op.drop_index(f"uq_organisations_{column}", table_name="organisations")
    op.drop_index("ix_organisations_status", table_name="organisations")
    with tables_copied_safely(op):
        with op.batch_alter_table("series") as batch_op:
            batch_op.drop_constraint("fk_series_owner_id_users", type_="foreignkey")
            batch_op.drop_column("owner_id")
        with op.batch_alter_table("registrations") as batch_op:
            batch_op.alter_column("organisation_id", existing_type=sa.Integer(), nullable=False)
        with op.batch_alter_table("organisations") as batch_op:
            batch_op.create_unique_constraint("uq_organisations_acronym_key", ["acronym_key"])
            batch_op.create_unique_constraint("uq_organisations_name_key", ["name_key"])
            batch_op.drop_constraint(op.f("ck_organisations_status"), type_="check")
            batch_op.drop_column("status")
