"""Backing up the database and restoring a backup, callable without the command line.

SQLite is copied through its online backup API, so a backup is consistent while the app
runs; PostgreSQL goes through ``pg_dump --format=custom`` and ``pg_restore``, which must be
on the PATH (of the server's major version). Backups hold personal data: every file written
here is readable by its owner only.
"""

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from consultation.db import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
MAGIC = {"sqlite": SQLITE_MAGIC, "postgresql": PG_CUSTOM_MAGIC}
SUFFIXES = {"sqlite": "sqlite3", "postgresql": "dump"}
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
KINDS = {
    "sqlite": "a SQLite backup",
    "postgresql": "a PostgreSQL dump (pg_dump --format=custom)",
    None: "neither a SQLite backup nor a PostgreSQL dump",
}
# Tables every Consultation database has had since its first migration: a backup without
# them is some other application's database.
REQUIRED_TABLES = frozenset({"users", "events"})
TOC_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE \S+ (\S+) ", re.MULTILINE)

Source = Flask | str | sa.URL


class BackupError(Exception):
    """A backup or a restore could not be made; the message says why (and nothing changed)."""


def database_url(source: Source) -> sa.URL:
    """The URL of the database an app uses (as Flask-SQLAlchemy resolved it), or the URL given."""
    if isinstance(source, Flask):
        with source.app_context():
            return db.engine.url
    return sa.make_url(source)


def database_kind(url: sa.URL) -> str:
    kind = url.get_backend_name()
    if kind not in SUFFIXES:
        raise BackupError(f"Backups handle SQLite and PostgreSQL databases, not {kind}.")
    return kind


def default_backup_path(folder: str | Path, url: sa.URL, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    suffix = SUFFIXES[database_kind(url)]
    return Path(folder) / f"consultation-{stamp}.{suffix}"


def backup_database(source: Source, path: str | Path | None = None) -> Path:
    """Write a backup of the database of ``source`` (an app or a database URL) to ``path``,
    by default ``BACKUP_DIR/consultation-<UTC time>.<sqlite3|dump>`` of the app, and
    return where it went. The file appears only once complete, with mode 0o600."""
    url = database_url(source)
    kind = database_kind(url)
    if path is None:
        if not isinstance(source, Flask):
            raise BackupError("Say where to write the backup of a database given by its URL.")
        path = default_backup_path(source.config["BACKUP_DIR"], url)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # The folder of the app's backups is private, whoever created it.
        path.parent.chmod(0o700)
    else:
        path = Path(path)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = path.absolute()
    if kind == "sqlite" and path.resolve() == sqlite_file(url).resolve():
        raise BackupError("A backup cannot be written over the database itself.")
    with private_temporary_file(path) as partial:
        if kind == "sqlite":
            backup_sqlite(sqlite_file(url), partial)
        else:
            run(tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}", url=url)
        # Never keep a backup that could not be read back.
        read_tables(kind, partial)
        partial.replace(path)
    return path


def prune_backups(folder: str | Path, older_than: datetime) -> int:
    """Deletes the backups ``backup`` wrote to ``folder`` before ``older_than``: they still
    hold the personal data the retention job erased since."""
    removed = 0
    for path in Path(folder).glob("consultation-*"):
        if path.suffix.lstrip(".") not in SUFFIXES.values():
            continue
        if datetime.fromtimestamp(path.stat().st_mtime, UTC) < older_than:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def check_backup(source: Source, path: str | Path) -> None:
    """Raise BackupError unless ``path`` is a readable backup of a Consultation database of
    the kind ``source`` uses (a SQLite file for SQLite, a pg_dump archive for PostgreSQL)."""
    kind = database_kind(database_url(source))
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    found = next((name for name, magic in MAGIC.items() if head.startswith(magic)), None)
    if found is None:
        raise BackupError(f"{path} is {KINDS[None]}: nothing was restored.")
    if found != kind:
        raise BackupError(
            f"{path} is {KINDS[found]}, but the database is {NAMES[kind]}: nothing was restored."
        )
    missing = REQUIRED_TABLES - read_tables(kind, path)
    if missing:
        tables = " and ".join(sorted(missing)) + (" tables" if len(missing) > 1 else " table")
        raise BackupError(
            f"{path} is not a backup of Consultation (it has no {tables}): nothing was restored."
        )


def restore_database(source: Source, path: str | Path) -> None:
    """Replace everything in the database of ``source`` with the backup at ``path``, in one
    transaction. With an app, its connection pool is emptied before and after."""
    url = database_url(source)
    kind = database_kind(url)
    check_backup(url, path)
    path = Path(path).absolute()
    if kind == "sqlite" and path.resolve() == sqlite_file(url).resolve():
        raise BackupError("The backup is the database itself: nothing was restored.")
    with released_connections(source):
        if kind == "sqlite":
            restore_sqlite(path, sqlite_file(url))
        else:
            run(
                tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--no-password",
                str(path),
                url=url,
            )


def file_digest(path: str | Path) -> tuple[int, str]:
    """The size in bytes and the SHA-256 of a file."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return Path(path).stat().st_size, digest.hexdigest()


def sqlite_file(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:" or url.query.get("mode") == "memory":
        raise BackupError("An in-memory SQLite database has nothing to back up or restore.")
    return Path(url.database)


def sqlite_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection: it never creates or changes the file."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


def backup_sqlite(database: Path, target: Path) -> None:
    if not database.is_file():
        raise BackupError(f"There is no SQLite database at {database}.")
    with closing(sqlite_reader(database)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        # One self-contained file, whatever the journal mode of the live database.
        copy.execute("PRAGMA journal_mode=DELETE")


def restore_sqlite(backup: Path, database: Path) -> None:
    if not database.exists():
        database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))
    # The backup API writes every page in one transaction on the destination, which the
    # app's other connections see at their next statement.
    with (
        closing(sqlite_reader(backup)) as source,
        closing(sqlite3.connect(database, timeout=30)) as live,
    ):
        source.backup(live)


def read_tables(kind: str, path: Path) -> set[str]:
    """The tables a backup holds, once it has proved readable."""
    if kind == "sqlite":
        try:
            with closing(sqlite_reader(path)) as connection:
                (check,) = connection.execute("PRAGMA quick_check").fetchone()
                names = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                tables = {name for (name,) in names}
        except sqlite3.Error as error:
            raise BackupError(f"{path} is not a readable SQLite backup ({error}).") from error
        if check != "ok":
            raise BackupError(f"{path} is a damaged SQLite backup: {check}.")
        return tables
    pg_restore = tool("pg_restore")
    try:
        listing = run(pg_restore, "--list", str(path))
    except BackupError as error:
        raise BackupError(f"{path} is not a readable PostgreSQL dump ({error}).") from error
    return set(TOC_TABLE.findall(listing))


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found. PostgreSQL backups need its client tools, of the "
            "server's major version: `sudo apt-get install postgresql-client` on Debian or "
            "Ubuntu (postgresql-client-<version> for another version)."
        )
    return found


def run(*command: str, url: sa.URL | None = None) -> str:
    """Run a PostgreSQL client tool, given the database as a libpq URI without its password,
    which goes in PGPASSWORD (the command line is visible to every user of the machine)."""
    environment = dict(os.environ)
    arguments = list(command)
    if url is not None:
        uri = sa.URL.create(
            "postgresql",
            username=url.username,
            host=url.host,
            port=url.port,
            database=url.database,
            query=url.query,
        )
        arguments.insert(1, f"--dbname={uri.render_as_string(hide_password=False)}")
        if url.password is not None:
            environment["PGPASSWORD"] = str(url.password)
    finished = subprocess.run(  # noqa: S603 (a fixed tool, arguments as a list, no shell)
        arguments, env=environment, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(
            finished.stderr.strip() or f"{name} stopped with status {finished.returncode}"
        )
    return finished.stdout


@contextmanager
def private_temporary_file(path: Path) -> Iterator[Path]:
    """An empty file next to ``path`` that only its owner can read, removed unless renamed."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    partial = Path(name)
    partial.chmod(0o600)
    try:
        yield partial
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def released_connections(source: Source) -> Iterator[None]:
    """Close the pooled connections of an app's engine around a restore: SQLite writes while
    none is in a transaction, and pg_restore --clean needs no session holding a lock."""
    if not isinstance(source, Flask):
        yield
        return
    with source.app_context():
        db.engine.dispose()
    try:
        yield
    finally:
        with source.app_context():
            db.engine.dispose()
