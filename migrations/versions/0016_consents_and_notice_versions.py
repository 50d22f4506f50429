"""Consents recorded with their time and notice version, a separate consent to be named in
the public report, every version of a privacy notice kept, gender counts kept apart

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

from consultation.db import tables_copied_safely

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

CONSENTS = ("processing", "participants_list", "public_report", "photography")


def upgrade() -> None:
    # Those who agreed to the participants' list did not agree to the public report.
    op.add_column(
        "registrations",
        sa.Column("named_in_report", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("registration_settings", sa.Column("gender_counts", sa.JSON(), nullable=True))
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column(
            "consent",
            sa.Enum(*CONSENTS, name="consent", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("notice_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_consent_records_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    op.create_index("ix_consent_records_registration_id", "consent_records", ["registration_id"])
    op.create_table(
        "privacy_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_privacy_notices_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_notices")),
        sa.UniqueConstraint(
            "event_id", "version", name=op.f("uq_privacy_notices_event_id_version")
        ),
    )
    # The current notices are kept as they are; earlier versions' texts were not kept.
    op.execute(
        """
        INSERT INTO privacy_notices (event_id, version, text, created_at)
        SELECT event_id, privacy_notice_version, privacy_notice, CURRENT_TIMESTAMP
        FROM registration_settings WHERE privacy_notice IS NOT NULL AND privacy_notice != ''
        """
    )
    # What each registration agreed to when it registered, as far as it is known.
    for consent, column in (
        ("processing", "true"),
        ("participants_list", "listed_to_participants"),
        ("photography", "agrees_to_photography"),
    ):
        op.execute(
            f"""
            INSERT INTO consent_records
                (registration_id, consent, given, notice_version, created_at)
            SELECT id, '{consent}', {column}, privacy_notice_version, consented_at
            FROM registrations WHERE anonymised_at IS NULL
            """  # noqa: S608 (constants of this file, no input)
        )


def downgrade() -> None:
    op.drop_table("privacy_notices")
    op.drop_index("ix_consent_records_registration_id", table_name="consent_records")
    op.drop_table("consent_records")
    with op.batch_alter_table("registration_settings") as batch_op:
        batch_op.drop_column("gender_counts")
    with tables_copied_safely(op), op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("named_in_report")
