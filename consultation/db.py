"""The SQLAlchemy base every model inherits, the shared column types and the session."""

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from enum import Enum as PyEnum
from enum import StrEnum
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, registry
from wtforms.fields.choices import SelectChoice

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def now_utc() -> datetime:
    return datetime.now(UTC)


def today_utc() -> date:
    """Today in UTC, as the jobs and the database count days, whatever the server's zone."""
    return now_utc().date()


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    SQLite has no timezone support and would hand back naive values; comparing those
    with aware ones raises, so everything is stored as UTC and returned aware.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class LabelledEnum(StrEnum):
    """A string enum whose members have a translated label, from the class's ``labels()``."""

    @classmethod
    def labels(cls) -> Mapping[Any, str]:
        raise NotImplementedError

    @property
    def label(self) -> str:
        # A lazy string: it is translated where it is shown, not where it is defined.
        return _labels(type(self))[self]

    @classmethod
    def choices(cls, members: Iterable[Any] | None = None) -> list[SelectChoice]:
        return [
            SelectChoice(member.value, member.label)
            for member in (cls if members is None else members)
        ]


@cache
def _labels(enum_class: type[LabelledEnum]) -> Mapping[Any, str]:
    """Each class's labels, made once: they are lazy, so one set serves every language, and
    a table of registrations asks for hundreds of them."""
    return enum_class.labels()


def enum_type(enum_class: type[PyEnum], name: str) -> sa.Enum:
    """A portable enum column: a VARCHAR holding the member values, guarded by a CHECK."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)


@sa.event.listens_for(sa.Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # SQLAlchemy, not the sqlite3 module, begins transactions (see _begin_sqlite below):
    # otherwise savepoints commit on their own and writes are not atomic.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless each connection asks for them.
    cursor.execute("PRAGMA foreign_keys=ON")
    # Readers never wait for a writer; writers queue for up to 30 s instead of failing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Erased personal data must not linger in freed pages, nor in a write-ahead log that
    # only grows: deleted content is overwritten with zeros, and the log is cut back to
    # 1 MB after each checkpoint (see ``scrub_free_space`` for the rest).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA journal_size_limit=1048576")
    cursor.close()


#: Whether transactions begun now may write: on SQLite they then take the write lock as they
#: begin. They may by default (commands, jobs); the unit of work says per request.
may_write: ContextVar[bool] = ContextVar("may_write", default=True)


@contextmanager
def writing(writes: bool = True) -> Iterator[None]:
    """Transactions begun inside the block may write (or, ``writes=False``, only read)."""
    token = may_write.set(writes)
    try:
        yield
    finally:
        may_write.reset(token)


@sa.event.listens_for(sa.Engine, "begin")
def _begin_sqlite(connection: sa.Connection) -> None:
    """A transaction that may write takes SQLite's write lock as it starts. One that read first
    and tried to write later could fail at once with "database is locked" when another
    writer got there in between; starting with the lock, writers queue instead. Reads
    (``may_write`` false, or connections with the ``read_only`` execution option) do not
    take it. A connection asked for autocommit (a migration switching foreign keys off)
    gets no transaction."""
    autocommit = connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
    if connection.dialect.name == "sqlite" and not autocommit:
        reading_only = connection.get_execution_options().get("read_only") or not may_write.get()
        connection.exec_driver_sql("BEGIN" if reading_only else "BEGIN IMMEDIATE")


def scrub_free_space() -> None:
    """After an erasure or the retention job has committed: on SQLite, copies the write-ahead
    log into the database and empties it, so that the overwritten rows survive in neither
    file. PostgreSQL keeps dead rows until VACUUM reclaims them (the README's Production
    section says to run it after the retention job)."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


@contextmanager
def tables_copied_safely(op) -> Iterator[None]:
    """For a migration (``op``, Alembic's operations) in which SQLite changes tables by
    copying them: with foreign keys on, dropping the old copy would delete, or refuse for,
    every row that refers to it. Foreign keys can only be switched off between
    transactions; they are checked again afterwards."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        if sqlite:
            broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"Rows would refer to missing rows: {broken[:5]}")
    finally:
        if sqlite:
            with op.get_context().autocommit_block():
                op.execute("PRAGMA foreign_keys=ON")
