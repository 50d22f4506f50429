from pathlib import Path

import pytest
import sqlalchemy as sa

from consultation import create_app
from consultation.config import ConfigurationError, build_config, database_url
from tests.helpers import PRODUCTION


def test_factory_applies_the_test_configuration(app):
    assert app.testing
    assert app.config["MAIL_BACKEND"] == "memory"
    assert Path(app.template_folder).name == "templates"
    assert Path(app.static_folder).name == "static"
    assert Path(app.instance_path).name == "instance"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("CONSULTATION_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"FLASK_DEBUG": "1"}, "FLASK_DEBUG"),
        ({"BASE_URL": ""}, "BASE_URL"),
        ({"BASE_URL": "http://consultation.example.org"}, "BASE_URL"),
        ({"MAIL_FROM": ""}, "MAIL_FROM"),
        ({"SECRET_KEY": "s" * 31}, "at least 32 bytes"),
        ({"AUDIT_KEY": ""}, "AUDIT_KEY"),
        ({"AUDIT_KEY": "a" * 31}, "AUDIT_KEY"),
    ],
)
def test_production_refuses_unsafe_settings(tmp_path, change, complaint):
    with pytest.raises(ConfigurationError, match=complaint):
        build_config(tmp_path, {**PRODUCTION, **change})


def test_production_turns_debug_off_and_secures_cookies(tmp_path):
    config = build_config(tmp_path, PRODUCTION)
    assert config["DEBUG"] is False
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_creates_a_secret_key_once_and_keeps_it(tmp_path):
    first = build_config(tmp_path, {})["SECRET_KEY"]
    second = build_config(tmp_path, {})["SECRET_KEY"]
    assert first == second
    assert len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_development_defaults_to_sqlite_in_the_instance_folder(tmp_path):
    config = build_config(tmp_path, {})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'consultation.sqlite3'}"
    assert config["MAIL_BACKEND"] == "console"


@pytest.mark.parametrize(
    "given",
    ["postgres://u:p@db/consultation", "postgresql://u:p@db/consultation"],
)
def test_database_url_selects_the_psycopg_driver(given, tmp_path):
    assert database_url(given, tmp_path) == "postgresql+psycopg://u:p@db/consultation"


def test_an_unknown_mail_backend_is_refused(tmp_path):
    with pytest.raises(ConfigurationError, match="MAIL_BACKEND"):
        build_config(tmp_path, {"MAIL_BACKEND": "pigeon"})


def test_sqlite_connections_enforce_foreign_keys(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'fk.sqlite3'}")
    with engine.connect() as connection:
        assert connection.scalar(sa.text("PRAGMA foreign_keys")) == 1
    engine.dispose()
