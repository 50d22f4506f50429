"""`flask --app consultation backup` and `restore`, on the database of the run: SQLite, or
PostgreSQL (through pg_dump and pg_restore) when TEST_DATABASE_URL names one."""

import hashlib
import os
import re
import shutil
import sqlite3
import stat
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from consultation import backup
from consultation.accounts.models import User
from consultation.db import db, now_utc
from consultation.events.models import Event
from consultation.privacy import accounts, retention
from consultation.privacy import services as privacy
from consultation.registrations.models import (
    Gender,
    Registration,
    RegistrationChange,
    RegistrationStatus,
)
from tests.conftest import IN_CI, TEST_DATABASE_URL
from tests.factories import configure
from tests.helpers import fresh_postgres_database

OUTPUT = re.compile(r"^(?P<path>/\S+): (?P<size>[\d,]+) bytes, SHA-256 (?P<sha256>[0-9a-f]{64})$")


@pytest.fixture
def dialect(app) -> str:
    """The database of the run; on PostgreSQL, its client tools must be there (under CI=true
    their absence fails the test instead of skipping it)."""
    with app.app_context():
        name = db.engine.dialect.name
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if name == "postgresql" and missing:
        message = f"{' and '.join(missing)} not found: PostgreSQL backups cannot be tested"
        if IN_CI:
            pytest.fail(f"{message}, and CI=true requires them.")
        pytest.skip(message)
    return name


@pytest.fixture
def consultation(app, make_event, make_user, make_organisation, themes) -> list[Event]:
    """Two events with registrations (each with its history), settings and a participant."""
    events = [make_event(), make_event()]
    organisation = make_organisation("Amel Association", "AMEL")
    participant = make_user()
    configure(app, events[0], capacity=40)
    with app.app_context():
        for number in range(1, 9):
            event = events[number % 2]
            registration = Registration(
                event_id=event.id,
                user_id=participant.id if number == 1 else None,
                status=RegistrationStatus.CONFIRMED
                if number % 3
                else RegistrationStatus.WAITLISTED,
                full_name=f"Participant {number}",
                email=f"participant{number}@ngo.example",
                email_key=f"participant{number}@ngo.example",
                organisation_id=organisation.id,
                country_of_work="LB",
                gender=Gender.WOMAN if number % 2 else None,
                interpretation_languages=["ar", "fr"][: number % 3],
                accessibility_needs="Step-free access — طريق بلا درج" if number == 2 else None,
                consented_at=now_utc(),
                privacy_notice_version=1,
                listed_to_participants=number % 2 == 0,
                management_token_hash=f"{number:064d}",
            )
            registration.theme_interests = [db.session.merge(themes[number % len(themes)])]
            registration.history.append(
                RegistrationChange(to_status=registration.status, reason="Registered")
            )
            db.session.add(registration)
        db.session.commit()
    return events


def snapshot(app) -> dict[str, tuple[int, str]]:
    """Each table's row count and a SHA-256 over its sorted rows, every column read as text."""
    tables = {}
    with app.app_context(), db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            columns = [sa.cast(column, sa.Text) for column in table.columns]
            rows = connection.execute(sa.select(*columns)).all()
            lines = sorted("\x1f".join("\\N" if v is None else v for v in row) for row in rows)
            tables[table.name] = (len(rows), hashlib.sha256("\n".join(lines).encode()).hexdigest())
    return tables


def change_everything(app, make_event) -> None:
    with app.app_context():
        db.session.execute(sa.delete(Registration).where(Registration.id % 2 == 0))
        db.session.execute(sa.update(Event).values(title="Renamed after the backup"))
        db.session.commit()
    make_event()


def test_backup_and_restore_on_the_command_line_bring_every_row_back(
    app, dialect, consultation, make_event, tmp_path, monkeypatch
):
    before = snapshot(app)
    assert before["registrations"][0] == 8 and before["registration_changes"][0] == 8
    # The default folder is BACKUP_DIR (instance/backups); here, a throwaway one.
    monkeypatch.setitem(app.config, "BACKUP_DIR", str(tmp_path / "instance" / "backups"))
    runner = app.test_cli_runner()

    result = runner.invoke(args=["backup"])

    assert result.exit_code == 0, result.output
    printed = OUTPUT.match(result.output.strip())
    assert printed, result.output
    path = Path(printed["path"])
    suffix = "sqlite3" if dialect == "sqlite" else "dump"
    assert path.parent == tmp_path / "instance" / "backups"
    assert re.fullmatch(rf"consultation-\d{{8}}T\d{{6}}Z\.{suffix}", path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert int(printed["size"].replace(",", "")) == path.stat().st_size
    assert printed["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert list(path.parent.iterdir()) == [path], "no partial file is left behind"

    change_everything(app, make_event)
    changed = snapshot(app)
    assert changed != before and changed["registrations"][0] == 4

    # Answering no to the confirmation changes nothing.
    result = runner.invoke(args=["restore", str(path)], input="n\n")
    assert result.exit_code != 0 and "Aborted" in result.output
    assert snapshot(app) == changed

    result = runner.invoke(args=["restore", str(path)], input="y\n")

    assert result.exit_code == 0, result.output
    assert "restored from" in result.output
    assert snapshot(app) == before
    # The schema and (on PostgreSQL) the sequences came back too: the app writes on.
    make_event()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 3


def test_the_functions_work_without_the_command_line(app, dialect, consultation, tmp_path):
    before = snapshot(app)
    path = tmp_path / "nested" / "folder" / "copy.bin"

    # By the database URL, to a path of one's choosing (folders created as needed).
    written = backup.backup_database(app.config["SQLALCHEMY_DATABASE_URI"], path)

    assert written == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with app.app_context():
        db.session.execute(sa.delete(Registration))
        db.session.commit()
    assert snapshot(app)["registrations"][0] == 0

    backup.restore_database(app, path)

    assert snapshot(app) == before


def other_kind(dialect: str, path: Path) -> Path:
    """A valid backup of the other kind of database than the run's."""
    if dialect == "sqlite":
        path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(200))
    else:
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE users (id INTEGER PRIMARY KEY)")
            connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY)")
        connection.close()
    return path


def damaged(dialect: str, path: Path) -> Path:
    """A file that starts like a backup of the run's kind, and is not one."""
    path.write_bytes((backup.SQLITE_MAGIC if dialect == "sqlite" else b"PGDMP") + bytes(300))
    return path


def foreign(dialect: str, path: Path) -> Path:
    """A sound backup of the right kind, of another application's database."""
    if dialect == "sqlite":
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
        connection.close()
        return path
    with fresh_postgres_database(TEST_DATABASE_URL) as url:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE invoices (id integer PRIMARY KEY)"))
        engine.dispose()
        return backup.backup_database(url, path)


def text_file(dialect: str, path: Path) -> Path:
    path.write_text("id,name\n1,Not a backup\n")
    return path


@pytest.mark.parametrize(
    ("make_file", "messages"),
    [
        (
            other_kind,
            {
                "sqlite": "is a PostgreSQL dump (pg_dump --format=custom), but the database is SQLite",
                "postgresql": "is a SQLite backup, but the database is PostgreSQL",
            },
        ),
        (
            damaged,
            {
                "sqlite": "is not a readable SQLite backup (file is not a database)",
                "postgresql": "is not a readable PostgreSQL dump (pg_restore: error: ",
            },
        ),
        (foreign, dict.fromkeys(("sqlite", "postgresql"), "is not a backup of Consultation")),
        (text_file, dict.fromkeys(("sqlite", "postgresql"), "is neither a SQLite backup nor")),
    ],
)
def test_a_file_that_is_not_a_backup_of_this_database_is_refused(
    app, dialect, consultation, tmp_path, make_file, messages
):
    before = snapshot(app)
    path = make_file(dialect, tmp_path / "wrong")

    result = app.test_cli_runner().invoke(args=["restore", str(path), "--yes"])

    assert result.exit_code == 1
    assert f"Error: {path} {messages[dialect]}" in result.output, result.output
    assert snapshot(app) == before


FAKE_CLIENT = """#!/bin/sh
# Records how it was called, then acts like pg_dump or pg_restore --list.
printf '%s\\n' "---" "$(basename "$0")" "PGPASSWORD=$PGPASSWORD" "$@" >> "{log}"
for argument in "$@"; do
  case "$argument" in --file=*) printf 'PGDMP fake archive' > "${{argument#--file=}}";; esac
done
echo "215; 1259 16390 TABLE public users consultation"
echo "216; 1259 16400 TABLE public events consultation"
"""


def test_postgresql_tools_get_the_password_from_the_environment_only(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "calls.log"
    for name in ("pg_dump", "pg_restore"):
        (folder / name).write_text(FAKE_CLIENT.format(log=log))
        (folder / name).chmod(0o700)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    url = "postgresql+psycopg://alice:s%3Acr%40t@db.example:6432/consultation?sslmode=require"
    path = tmp_path / "consultation.dump"

    backup.backup_database(url, path)
    backup.restore_database(url, path)

    dump, check_partial, check, restore = [
        call.splitlines() for call in log.read_text().split("---\n") if call
    ]
    libpq = "--dbname=postgresql://alice@db.example:6432/consultation?sslmode=require"
    assert dump[:5] == ["pg_dump", "PGPASSWORD=s:cr@t", libpq, "--format=custom", "--no-password"]
    (partial,) = [argument for argument in dump[5:] if argument.startswith("--file=")]
    # The dump was checked before it took its name, then again before the restore.
    assert check_partial == ["pg_restore", "PGPASSWORD=", "--list", partial[len("--file=") :]]
    assert check == ["pg_restore", "PGPASSWORD=", "--list", str(path)]
    assert restore == [
        "pg_restore",
        "PGPASSWORD=s:cr@t",
        libpq,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--no-password",
        str(path),
    ]
    assert "cr@t" not in " ".join(dump[2:] + restore[2:])
    assert "cr%40t" not in log.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_pg_dump_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    url = "postgresql+psycopg://consultation@db.example/consultation"

    with pytest.raises(backup.BackupError, match="apt-get install postgresql-client"):
        backup.backup_database(url, tmp_path / "backups" / "consultation.dump")

    assert list((tmp_path / "backups").iterdir()) == [], "no partial file is left behind"


def test_other_databases_and_in_memory_sqlite_are_refused(tmp_path):
    with pytest.raises(backup.BackupError, match="not mysql"):
        backup.backup_database("mysql://consultation@db.example/consultation", tmp_path / "x")
    with pytest.raises(backup.BackupError, match="in-memory"):
        backup.backup_database("sqlite://", tmp_path / "x")


def test_restoring_a_backup_does_not_bring_back_an_erased_person(
    app, dialect, consultation, make_user, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "BACKUP_DIR", str(tmp_path / "backups"))
    leaving = make_user(email="leaving@ngo.example")
    runner = app.test_cli_runner()
    made = runner.invoke(args=["backup"])
    assert made.exit_code == 0, made.output
    path = OUTPUT.match(made.output.strip())["path"]
    with app.app_context():
        erased = db.session.scalar(
            sa.select(Registration).where(Registration.email == "participant2@ngo.example")
        )
        privacy.erase_registration(erased, actor=None)
        accounts.delete_account(
            db.session.get(User, leaving.id), accounts.RegistrationsChoice.ERASE, actor=None
        )
        db.session.commit()
        erased_id = erased.id
    ledger = Path(app.config["ERASURE_LEDGER"]).read_text()
    assert "participant2@ngo.example" not in ledger and "leaving@ngo.example" not in ledger
    assert ledger.count("\n") == 2

    restored = runner.invoke(args=["restore", "--yes", path])
    assert restored.exit_code == 0, restored.output
    assert "1 registration(s), 1 account(s)" in restored.output
    with app.app_context():
        registration = db.session.get(Registration, erased_id)
        assert registration.anonymised_at is not None
        assert registration.accessibility_needs is None
        assert db.session.get(User, leaving.id) is None
    again = runner.invoke(args=["restore", "--yes", path])
    assert "1 registration(s), 1 account(s)" in again.output


def test_the_retention_job_deletes_backups_older_than_the_retention(app, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    folder.mkdir()
    monkeypatch.setitem(app.config, "BACKUP_DIR", str(folder))
    old, recent, other = (
        folder / "consultation-20260101T000000Z.sqlite3",
        folder / "consultation-20261201T000000Z.dump",
        folder / "notes.txt",
    )
    for path in (old, recent, other):
        path.write_bytes(b"backup")
    long_ago = (now_utc() - timedelta(days=100)).timestamp()
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    with app.app_context():
        assert retention.run_retention().backups_deleted == 1
    assert sorted(folder.iterdir()) == [recent, other]
