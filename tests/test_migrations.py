"""The migrations build the whole schema on an empty database and match the models."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from consultation import create_app
from consultation.db import db
from tests.conftest import TEST_POSTGRES_URL, app_config, require_postgres
from tests.helpers import fresh_postgres_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    else:
        require_postgres()
        with fresh_postgres_database(TEST_POSTGRES_URL) as url:
            yield url


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
