"""The migrations build the whole schema on an empty database and match the models."""

import hashlib
import importlib.util
import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from consultation import PROJECT_ROOT, create_app
from consultation.audit import services as audit
from consultation.db import db
from consultation.taxonomy.models import Theme
from tests.conftest import app_config


@pytest.fixture
def migrated_app(empty_database):
    app = create_app(app_config(empty_database))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()


def test_upgrade_builds_every_table(migrated_app):
    with migrated_app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
    assert {table.name for table in db.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_models_and_migrations_agree(migrated_app):
    result = migrated_app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_check_notices_a_model_without_a_migration(migrated_app):
    probe = sa.Table("drift_probe", db.metadata, sa.Column("id", sa.Integer, primary_key=True))
    try:
        result = migrated_app.test_cli_runner().invoke(args=["db", "check"])
    finally:
        db.metadata.remove(probe)
    assert result.exit_code != 0


NOW = {"now": "2026-01-01"}


def insert_organisation(connection, name: str, acronym: str | None = None) -> int:
    return connection.execute(
        sa.text(
            "INSERT INTO organisations (name, acronym, name_key, type, level, created_at) "
            "VALUES (:name, :acronym, :key, 'international_ngo', 'international', :now) "
            "RETURNING id"
        ),
        {"name": name, "acronym": acronym, "key": name.casefold(), **NOW},
    ).scalar_one()


def insert_event(connection, slug: str = "mena", series: int | None = None) -> int:
    return connection.execute(
        sa.text(
            "INSERT INTO events (slug, title, edition_year, region, city, country, start_date,"
            " end_date, timezone, status, working_languages, series_id, created_at, updated_at)"
            " VALUES (:slug, 'MENA', 2027, 'mena', 'Istanbul', 'TR', '2027-05-11',"
            " '2027-05-13', 'Europe/Istanbul', 'published', '[\"en\"]', :series, :now, :now)"
            " RETURNING id"
        ),
        {"slug": slug, "series": series, **NOW},
    ).scalar_one()


def insert_registration(
    connection, event: int, organisation: int, number: int, name="Leila", anonymised=None
) -> None:
    connection.execute(
        sa.text(
            "INSERT INTO registrations (event_id, full_name, email, email_key,"
            " organisation_id, country_of_work, consented_at, privacy_notice_version,"
            " management_token_hash, anonymised_at, status, language, interpretation_languages,"
            " needs_visa_letter, listed_to_participants, agrees_to_photography,"
            " created_at, updated_at) VALUES (:event, :name, :email, :email, :organisation,"
            " 'NG', :now, 1, :token, :anonymised, 'confirmed', 'en', '[]', false, false,"
            " false, :now, :now)"
        ),
        {
            "event": event,
            "name": name,
            "email": f"person{number}@ngo.example",
            "organisation": organisation,
            "token": f"{number:064d}",
            "anonymised": anonymised,
            **NOW,
        },
    )


def upgraded_to(revision: str, database_url: str, **config):
    """An app on a database upgraded to ``revision``, and a runner for its commands."""
    app = create_app(app_config(database_url, **config))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", revision]).exit_code == 0
    return app, runner


def test_search_keys_are_filled_for_the_rows_already_there(empty_database):
    app, runner = upgraded_to("0011", empty_database)
    with app.app_context(), db.engine.begin() as connection:
        organisation = insert_organisation(connection, "Médecins du Monde", "MdM")
        event = insert_event(connection)
        for number, (name, anonymised) in enumerate(
            [("Adébáyọ̀ Okonkwo", None), ("—", "2026-02-01")]
        ):
            insert_registration(connection, event, organisation, number, name, anonymised)
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        keys = (
            db.session.execute(sa.text("SELECT search_key FROM registrations ORDER BY id"))
            .scalars()
            .all()
        )
        assert keys == ["adebayo okonkwo\nperson0@ngo.example", None]
        assert db.session.execute(sa.text("SELECT search_key FROM organisations")).scalar_one() == (
            "medecins du monde\nmdm"
        )
        db.engine.dispose()


def test_organisations_one_registration_alone_uses_wait_for_review(empty_database):
    """Listed in every form until now, an organisation only its registrant uses tells who
    registered: the migration takes it out of the directory. A series gets the first
    organiser of its first edition as owner."""
    app, runner = upgraded_to("0013", empty_database)
    with app.app_context(), db.engine.begin() as connection:
        typed = insert_organisation(connection, "Tripoli Community Aid")
        shared = insert_organisation(connection, "Amel Association", "AMEL")
        partner = insert_organisation(connection, "IOM")
        organiser = connection.execute(
            sa.text(
                "INSERT INTO users (email, display_name, language, role, active, session_token,"
                " created_at) VALUES ('olivier@iom.example', 'Olivier', 'en', 'organiser', true,"
                " 'token', :now) RETURNING id"
            ),
            NOW,
        ).scalar_one()
        series = connection.execute(
            sa.text(
                "INSERT INTO series (name, code, created_at) VALUES ('MENA', 'MENA', :now)"
                " RETURNING id"
            ),
            NOW,
        ).scalar_one()
        event = insert_event(connection, series=series)
        connection.execute(
            sa.text(
                "INSERT INTO event_members (event_id, user_id, role, created_at)"
                " VALUES (:event, :user, 'organiser', :now)"
            ),
            {"event": event, "user": organiser, **NOW},
        )
        connection.execute(
            sa.text(
                "INSERT INTO event_partners (event_id, organisation_id, role, position)"
                " VALUES (:event, :organisation, 'host', 0)"
            ),
            {"event": event, "organisation": partner},
        )
        insert_registration(connection, event, typed, 1)
        insert_registration(connection, event, shared, 2)
        insert_registration(connection, event, shared, 3)
        insert_registration(connection, event, partner, 4)
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        statuses = dict(db.session.execute(sa.text("SELECT name, status FROM organisations")).all())
        assert statuses == {
            "Tripoli Community Aid": "proposed",
            "Amel Association": "approved",
            "IOM": "approved",
        }
        assert db.session.execute(sa.text("SELECT owner_id FROM series")).scalar_one() == organiser
        # No row was lost while SQLite copied the tables.
        assert db.session.execute(sa.text("SELECT count(*) FROM registrations")).scalar_one() == 4
        db.session.remove()
        db.engine.dispose()


def _migration(revision: str):
    path = next((PROJECT_ROOT / "migrations" / "versions").glob(f"{revision}_*.py"))
    spec = importlib.util.spec_from_file_location(f"migration_{revision}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def insert_old_audit_chain(connection, ids: list[int]) -> None:
    """Entries chained as before 0017: public SHA-256, ids with gaps."""
    old = _migration("0017")
    previous = old.GENESIS
    for number, entry_id in enumerate(ids):
        row = SimpleNamespace(
            created_at=datetime(2026, 1, 1, 9, number, tzinfo=UTC),
            action="event.created",
            actor_id=None,
            event_id=None,
            subject=f"event {number}",
            details={"n": number},
            ip_address="203.0.113.7",
        )
        entry_hash = hashlib.sha256(old._canonical(row, previous)).hexdigest()
        connection.execute(
            sa.insert(old.audit_events).values(
                id=entry_id, previous_hash=previous, entry_hash=entry_hash, **vars(row)
            )
        )
        previous = entry_hash


def test_the_audit_log_is_numbered_and_sealed_with_the_key(empty_database, tmp_path):
    app, runner = upgraded_to(
        "0016", empty_database, AUDIT_ANCHOR_FILE=str(tmp_path / "anchors.jsonl")
    )
    with app.app_context(), db.engine.begin() as connection:
        insert_old_audit_chain(connection, [3, 7, 8])
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        ids = db.session.execute(sa.text("SELECT id FROM audit_events ORDER BY id")).scalars()
        assert list(ids) == [1, 2, 3]
        assert audit.verify() == audit.Verification(3, None)
        db.session.remove()
        db.engine.dispose()


def test_an_audit_log_changed_before_the_upgrade_stops_it(empty_database, tmp_path):
    app, runner = upgraded_to(
        "0016", empty_database, AUDIT_ANCHOR_FILE=str(tmp_path / "anchors.jsonl")
    )
    with app.app_context(), db.engine.begin() as connection:
        insert_old_audit_chain(connection, [1, 2, 3])
        connection.execute(sa.text("UPDATE audit_events SET subject = 'edited' WHERE id = 2"))
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code != 0
    assert "The audit log is broken at entry 2" in result.output
    with app.app_context():
        # Nothing was resealed: the evidence is as it was found.
        subjects = db.session.execute(sa.text("SELECT subject FROM audit_events ORDER BY id"))
        assert list(subjects.scalars()) == ["event 0", "edited", "event 2"]
        db.session.remove()
        db.engine.dispose()


def test_themes_keep_their_names_descriptions_and_events_in_every_language(empty_database):
    app, runner = upgraded_to("0018", empty_database)
    with app.app_context(), db.engine.begin() as connection:
        event = insert_event(connection)
        theme = connection.execute(
            sa.text(
                "INSERT INTO themes (slug, colour, position, name_en, name_fr, name_ar,"
                " description_en, description_fr, description_ar) VALUES ('access', '#0b5394',"
                " 0, 'Humanitarian access', 'Accès humanitaire', 'الوصول الإنساني',"
                " 'Reaching people in need.', '', NULL) RETURNING id"
            )
        ).scalar_one()
        connection.execute(
            sa.text("INSERT INTO event_themes (event_id, theme_id) VALUES (:event, :theme)"),
            {"event": event, "theme": theme},
        )
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        stored = db.session.get(Theme, theme)
        assert (stored.name, stored.description) == (
            "Humanitarian access",
            "Reaching people in need.",
        )
        # An empty description is no translation: the English one is shown instead.
        assert stored.translations == {
            "fr": {"name": "Accès humanitaire"},
            "ar": {"name": "الوصول الإنساني"},
        }
        # The table was copied without its foreign keys' cascades emptying the event's themes.
        assert db.session.execute(sa.text("SELECT theme_id FROM event_themes")).scalars().all() == [
            theme
        ]
        db.session.remove()
        db.engine.dispose()


def test_registration_opening_and_closing_become_the_event_s_moments(empty_database):
    app, runner = upgraded_to("0017", empty_database)
    with app.app_context(), db.engine.begin() as connection:
        event = insert_event(connection)
        connection.execute(
            sa.text(
                "INSERT INTO registration_settings (event_id, opens_at, closes_at, capacity,"
                " confirmed_count, waitlist_enabled, moderation, questions, privacy_notice_version,"
                " retention_days) VALUES (:event, '2027-01-10 08:00:00', NULL, NULL, 0, true,"
                " 'approval', '[]', 1, 90)"
            ),
            {"event": event},
        )
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        moments, version = db.session.execute(
            sa.text("SELECT content_moments, content_version FROM events")
        ).one()
        # SQLite hands JSON back as text, PostgreSQL as a list.
        assert (json.loads(moments) if isinstance(moments, str) else moments) == [
            "2027-01-10T08:00:00+00:00"
        ]
        assert version == 1
        db.engine.dispose()


def test_commitments_status_changes_become_published_follow_up_updates(empty_database):
    app, runner = upgraded_to("0019", empty_database)
    with app.app_context(), db.engine.begin() as connection:
        event = insert_event(connection)
        session = connection.execute(
            sa.text(
                "INSERT INTO sessions (event_id, title, kind, starts_at, ends_at, attribution,"
                " created_at, updated_at) VALUES (:event, 'Access', 'panel', '2027-05-11 07:00:00',"
                " '2027-05-11 08:00:00', 'on_record', :now, :now) RETURNING id"
            ),
            {"event": event, **NOW},
        ).scalar_one()
        connection.execute(
            sa.text(
                "INSERT INTO session_outcomes (session_id, event_id, review_status, updated_at)"
                " VALUES (:session, :event, 'published', :now)"
            ),
            {"session": session, "event": event, **NOW},
        )
        commitment = connection.execute(
            sa.text(
                "INSERT INTO commitments (event_id, session_id, number, reference, position,"
                " text, status) VALUES (:event, :session, 1, 'MENA-2027-C01', 0,"
                " 'Map detention sites', 'in_progress') RETURNING id"
            ),
            {"event": event, "session": session},
        ).scalar_one()
        for from_status, to_status, note, when in (
            (None, "planned", None, "2027-05-13 10:00:00"),
            ("planned", "in_progress", "Two countries mapped", "2027-07-01 09:30:00"),
        ):
            connection.execute(
                sa.text(
                    "INSERT INTO commitment_status_changes (commitment_id, from_status,"
                    " to_status, note, created_at) VALUES (:commitment, :from_status,"
                    " :to_status, :note, :when)"
                ),
                {
                    "commitment": commitment,
                    "from_status": from_status,
                    "to_status": to_status,
                    "note": note,
                    "when": when,
                },
            )
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        updates = db.session.execute(
            sa.text(
                "SELECT commitment_id, previous_status, status, text, review, reported_on"
                " FROM follow_up_updates"
            )
        ).all()
        # The marker of the commitment's recording said nothing the commitment does not.
        assert [tuple(row[:5]) for row in updates] == [
            (commitment, "planned", "in_progress", "Two countries mapped", "published")
        ]
        assert str(updates[0].reported_on) == "2027-07-01"
        assert db.session.execute(sa.text("SELECT status FROM commitments")).scalar_one() == (
            "in_progress"
        )
        db.session.remove()
        db.engine.dispose()
