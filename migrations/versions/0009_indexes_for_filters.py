"""Indexes for the filters and sorts of the lists

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The registrations table's filters and sorts read one event's rows, through indexes led by
# the event; the events list filters by date and theme, the users list is sorted by name; an
# event's audit log, failed emails and registration exports are read by event, newest first.
# Dropped: indexes whose columns lead a new one, which serves their queries too, and the
# registrations' country alone, which led the planner through every event's registrations.
# table -> (indexes dropped, indexes created as name -> columns)
CHANGES = {
    "registrations": (
        {
            "ix_registrations_event_id_status": ["event_id", "status"],
            "ix_registrations_country_of_work": ["country_of_work"],
        },
        {
            "ix_registrations_event_id_status_waitlisted_at": [
                "event_id",
                "status",
                "waitlisted_at",
            ],
            "ix_registrations_event_id_country_of_work": ["event_id", "country_of_work"],
            "ix_registrations_event_id_organisation_id": ["event_id", "organisation_id"],
            "ix_registrations_event_id_created_at": ["event_id", "created_at"],
            "ix_registrations_event_id_full_name": ["event_id", "full_name"],
        },
    ),
    "registration_theme_interests": (
        {},
        {"ix_registration_theme_interests_theme_id": ["theme_id"]},
    ),
    "event_themes": ({}, {"ix_event_themes_theme_id": ["theme_id"]}),
    "events": ({}, {"ix_events_end_date": ["end_date"]}),
    "users": ({}, {"ix_users_display_name": ["display_name"]}),
    "audit_events": (
        {"ix_audit_events_event_id": ["event_id"]},
        {"ix_audit_events_event_id_id": ["event_id", "id"]},
    ),
    "outbox": (
        {"ix_outbox_event_id": ["event_id"]},
        {"ix_outbox_event_id_status": ["event_id", "status"]},
    ),
    "registration_exports": (
        {"ix_registration_exports_event_id": ["event_id"]},
        {"ix_registration_exports_event_id_created_at": ["event_id", "created_at"]},
    ),
}


def upgrade() -> None:
    for table, (dropped, created) in CHANGES.items():
        with op.batch_alter_table(table) as batch_op:
            for name in dropped:
                batch_op.drop_index(name)
            for name, columns in created.items():
                batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, (dropped, created) in CHANGES.items():
        with op.batch_alter_table(table) as batch_op:
            for name in created:
                batch_op.drop_index(name)
            for name, columns in dropped.items():
                batch_op.create_index(name, columns, unique=False)
