"""Follow-up updates: dated, reviewed reports on recommendations and commitments after their
edition. Recommendations get a status, commitments a progress self-assessment; the old status
changes of commitments become published updates (the marker each commitment got when it was
recorded, which said nothing more than "planned", is not kept)

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

from consultation.db import tables_copied_safely

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

STATUSES = (
    "accepted", "done", "dropped", "implemented", "in_progress", "not_accepted", "open",
    "partly_implemented", "planned", "superseded",
)  # fmt: skip
COMMITMENT_STATUSES = ("planned", "in_progress", "done", "dropped")

changes = sa.table(
    "commitment_status_changes",
    sa.column("commitment_id", sa.Integer),
    sa.column("from_status", sa.String),
    sa.column("to_status", sa.String),
    sa.column("note", sa.Text),
    sa.column("actor_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
updates = sa.table(
    "follow_up_updates",
    sa.column("commitment_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("previous_status", sa.String),
    sa.column("reported_on", sa.Date),
    sa.column("text", sa.Text),
    sa.column("evidence_links", sa.JSON),
    sa.column("author_id", sa.Integer),
    sa.column("review", sa.String),
    sa.column("reviewed_by_id", sa.Integer),
    sa.column("reviewed_at", sa.DateTime(timezone=True)),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "follow_up_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("commitment_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("previous_status", sa.String(length=20), nullable=True),
        sa.Column("progress", sa.SmallInteger(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("evidence_links", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column(
            "review",
            sa.Enum(
                "pending",
                "published",
                "rejected",
                name="review",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IS NULL OR status IN ({})".format(", ".join(f"'{s}'" for s in STATUSES)),
            name=op.f("ck_follow_up_updates_known_status"),
        ),
        sa.CheckConstraint(
            "(recommendation_id IS NULL) <> (commitment_id IS NULL)",
            name=op.f("ck_follow_up_updates_one_item"),
        ),
        sa.CheckConstraint(
            "progress IS NULL OR (progress BETWEEN 0 AND 5 AND commitment_id IS NOT NULL)",
            name=op.f("ck_follow_up_updates_progress_of_commitments"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_follow_up_updates_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_follow_up_updates_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_follow_up_updates_recommendation_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_follow_up_updates_reviewed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_updates")),
    )
    with op.batch_alter_table("follow_up_updates") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_follow_up_updates_commitment_id"), ["commitment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_follow_up_updates_recommendation_id"),
            ["recommendation_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_follow_up_updates_review"), ["review"], unique=False)

    bind = op.get_bind()
    rows = bind.execute(
        sa.select(changes).where(changes.c.from_status.is_not(None)).order_by(changes.c.created_at)
    ).all()
    if rows:
        bind.execute(
            updates.insert(),
            [
                {
                    "commitment_id": row.commitment_id,
                    "status": row.to_status,
                    "previous_status": row.from_status,
                    "reported_on": row.created_at.date(),
                    "text": row.note,
                    "evidence_links": [],
                    "author_id": row.actor_id,
                    "review": "published",
                    "reviewed_by_id": row.actor_id,
                    "reviewed_at": row.created_at,
                    "created_at": row.created_at,
                }
                for row in rows
            ],
        )
    op.drop_index("ix_commitment_status_changes_commitment_id", "commitment_status_changes")
    op.drop_table("commitment_status_changes")

    with tables_copied_safely(op):
        with op.batch_alter_table("commitments") as batch_op:
            batch_op.add_column(sa.Column("progress", sa.SmallInteger(), nullable=True))
            batch_op.create_check_constraint(
                op.f("ck_commitments_progress_scale"), "progress BETWEEN 0 AND 5"
            )
        with op.batch_alter_table("recommendations") as batch_op:
            batch_op.add_column(
                sa.Column(
                    "status",
                    sa.Enum(
                        "open",
                        "accepted",
                        "partly_implemented",
                        "implemented",
                        "not_accepted",
                        "superseded",
                        name="status",
                        native_enum=False,
                        create_constraint=True,
                    ),
                    server_default="open",
                    nullable=False,
                )
            )


def downgrade() -> None:
    with tables_copied_safely(op):
        with op.batch_alter_table("recommendations") as batch_op:
            batch_op.drop_constraint(op.f("ck_recommendations_status"), type_="check")
            batch_op.drop_column("status")
        with op.batch_alter_table("commitments") as batch_op:
            batch_op.drop_constraint(op.f("ck_commitments_progress_scale"), type_="check")
            batch_op.drop_column("progress")

    op.create_table(
        "commitment_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=11), nullable=True),
        sa.Column("to_status", sa.String(length=11), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "from_status IN ('planned', 'in_progress', 'done', 'dropped')",
            name=op.f("ck_commitment_status_changes_from_status"),
        ),
        sa.CheckConstraint(
            "to_status IN ('planned', 'in_progress', 'done', 'dropped')",
            name=op.f("ck_commitment_status_changes_to_status"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_commitment_status_changes_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitments.id"],
            name=op.f("fk_commitment_status_changes_commitment_id_commitments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_status_changes")),
    )
    op.create_index(
        "ix_commitment_status_changes_commitment_id",
        "commitment_status_changes",
        ["commitment_id"],
    )
    # The commitments' status changes come back; recommendations' updates have no place there.
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(updates)
        .where(
            updates.c.commitment_id.is_not(None),
            updates.c.review == "published",
            updates.c.status.in_(COMMITMENT_STATUSES),
        )
        .order_by(updates.c.created_at)
    ).all()
    if rows:
        bind.execute(
            changes.insert(),
            [
                {
                    "commitment_id": row.commitment_id,
                    "from_status": row.previous_status,
                    "to_status": row.status,
                    "note": row.text,
                    "actor_id": row.author_id,
                    "created_at": row.created_at,
                }
                for row in rows
            ],
        )
    op.drop_table("follow_up_updates")
