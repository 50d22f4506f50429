"""How fresh the public pages are, worked out from the data rather than from a list of columns.

Every event has a content version, and the site has one for the records every event's pages
may show (themes, series, the organisation directory). Each feature declares next to its
models which of them the public pages show, on which events' pages or site-wide (``shown``),
or that no public page shows them (``not_shown``). A flush that adds, changes or deletes a
shown record bumps the versions it touches in the same transaction, so a template that starts
showing another field of a shown record needs nothing more. Conditional requests
(``http_cache``) key ETags and kept pages on these versions.

What a version must not do is move when something private happens: a registration, a
sign-in, an organiser's note. Records that are not shown never bump a version, and a shown
record may say ``when`` a change of its counts (the places taken count only when the event
has a capacity, which the pages show).

Some pages also change with the clock (registration opens, then closes): a shown record may
name its ``moments``, kept on the event, and a page's version counts those passed.
"""

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from consultation.db import db, now_utc

# What a shown record's events are: an id, ids, or a SELECT of ids (speakers know their
# session, not its event, and a query at each flush would cost more than a subquery).
EventIds = int | None | Iterable[int] | sa.Select
ChangedKeys = frozenset[str]

# Marks a bulk statement on a shown table whose versions its caller bumps itself.
VERSIONED = "content_versioned"


def _initial_version() -> int:
    # Anywhere: an event deleted and made again under its slug must not take back its
    # predecessor's ETags.
    return secrets.randbelow(2**31)


class VersionedContent:
    """Mixin for the event: the version of what its public pages show, and the moments at
    which they change on their own."""

    content_version: Mapped[int] = mapped_column(default=_initial_version, server_default="1")
    # ISO 8601 UTC instants, sorted.
    content_moments: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        global _events
        _events = cls


class SiteContent(db.Model):
    """One row: the version of the records every event's pages may show. Made by its first
    bump, so that a database emptied row by row still counts."""

    __tablename__ = "site_content"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int]


@dataclass(frozen=True)
class _Shown:
    on_events: Callable[[Any], EventIds] | None
    site_wide: Callable[[Any, ChangedKeys], bool] | None
    when: Callable[[Any, ChangedKeys], bool] | None
    moments: Callable[[Any], Iterable[datetime | None]] | None


_events: type | None = None
_shown: dict[type, list[_Shown]] = {}
_not_shown: set[Any] = set()
_shown_tables: set[str] = set()


def shown(
    model: type,
    *,
    on_events: Callable[[Any], EventIds] | None = None,
    site_wide: bool | Callable[[Any, ChangedKeys], bool] = False,
    when: Callable[[Any, ChangedKeys], bool] | None = None,
    moments: Callable[[Any], Iterable[datetime | None]] | None = None,
) -> None:
    """Declares that public pages show ``model``: on the pages of the events ``on_events``
    gives for a record, and on every page when ``site_wide`` is true (or says so for a
    change). ``when`` may narrow which changes count; ``moments`` are the instants a record
    changes its events' pages on its own (it must then give one event). A model may be
    declared by several features: the directory's organisations by their own, partners' by
    events."""
    if site_wide is True:
        site_wide = _always
    _shown.setdefault(model, []).append(_Shown(on_events, site_wide or None, when, moments))
    _shown_tables.add(model.__table__.name)


def shown_through(table: sa.Table) -> None:
    """An association table a shown record's relationship fills (an event's themes): the
    record's own change bumps the version; a bulk statement on the table bumps the site's."""
    _shown_tables.add(table.name)


def not_shown(*models_or_tables: Any) -> None:
    """No public page shows these: their changes never move a version."""
    _not_shown.update(models_or_tables)


def is_classified(model_or_table: Any) -> bool:
    """For the guard test: every model and table says whether the public pages show it."""
    if isinstance(model_or_table, sa.Table):
        return model_or_table.name in _shown_tables or model_or_table in _not_shown
    return model_or_table in _shown or model_or_table in _not_shown


def shown_models() -> set[type]:
    return set(_shown)


def _always(record: Any, changed: ChangedKeys) -> bool:
    return True


# Bumping --------------------------------------------------------------------------------------


@dataclass
class _Bumps:
    event_ids: set[int]
    event_selects: list[sa.Select]
    moments: dict[int, list[str]]
    site: bool = False

    def __bool__(self) -> bool:
        return bool(self.event_ids or self.event_selects or self.moments or self.site)


def _bumps(session: orm.Session) -> _Bumps:
    return session.info.setdefault("content_bumps", _Bumps(set(), [], {}))


def _changed_keys(record: Any, is_new: bool) -> ChangedKeys:
    """The attributes a flush writes for ``record``; relationships count when they lead to
    shown records (an event's themes do, its registrations do not)."""
    state = sa.inspect(record)
    changed = set()
    for attribute in state.mapper.attrs:
        history = state.attrs[attribute.key].history
        if not (history.added or history.deleted):
            continue
        if isinstance(attribute, orm.RelationshipProperty):
            if attribute.mapper.class_ not in _shown:
                continue
        elif not is_new and list(history.added) == list(history.deleted):
            continue
        changed.add(attribute.key)
    # The versions themselves, kept on the event.
    changed.difference_update(("content_version", "content_moments"))
    return frozenset(changed)


def _note(bumps: _Bumps, record: Any, declared: _Shown, changed: ChangedKeys, gone: bool) -> None:
    if declared.when is not None and not declared.when(record, changed):
        return
    if declared.site_wide is not None and declared.site_wide(record, changed):
        bumps.site = True
    if declared.on_events is None:
        return
    events = declared.on_events(record)
    if isinstance(events, sa.Select):
        bumps.event_selects.append(events)
    elif isinstance(events, int):
        bumps.event_ids.add(events)
        if declared.moments is not None:
            bumps.moments[events] = [] if gone else moments_of(*declared.moments(record))
    elif events is not None:
        bumps.event_ids.update(events)


def moments_of(*instants: datetime | None) -> list[str]:
    """The instants as ``content_moments`` keeps them, for rows made without a flush."""
    return sorted(instant.astimezone(UTC).isoformat() for instant in instants if instant)


def _declared(record: Any) -> list[_Shown]:
    return _shown.get(type(record), [])


@sa.event.listens_for(orm.Session, "before_flush")
def _note_deletions(session: orm.Session, flush_context, instances) -> None:
    # Before the rows go: a deleted record's attributes may have to be loaded to tell its
    # events.
    for record in session.deleted:
        for declared in _declared(record):
            _note(_bumps(session), record, declared, frozenset(("deleted",)), gone=True)


@sa.event.listens_for(orm.Session, "after_flush")
def _bump_versions(session: orm.Session, flush_context) -> None:
    # After the rows are written, new records have their ids; the session still lists what
    # the flush wrote, with each attribute's history.
    bumps = _bumps(session)
    for is_new, records in ((True, session.new), (False, session.dirty)):
        for record in records:
            declarations = _declared(record)
            if not declarations:
                continue
            changed = _changed_keys(record, is_new)
            for declared in declarations if changed else ():
                _note(bumps, record, declared, changed, gone=False)
    session.info.pop("content_bumps", None)
    if bumps:
        _execute(session.connection(), bumps)
        # Events in the session hold the versions they were loaded with.
        for record in list(session.identity_map.values()):
            if isinstance(record, _events):
                session.expire(record, ["content_version", "content_moments"])


@sa.event.listens_for(orm.Session, "after_soft_rollback")
def _forget_bumps(session: orm.Session, previous_transaction) -> None:
    # Deletions noted before a flush that failed: their rows are still there.
    session.info.pop("content_bumps", None)


def _execute(connection: sa.Connection, bumps: _Bumps) -> None:
    events = _events.__table__
    kept = {"content_version": events.c.content_version + 1}
    # The version is not an edit: an event's update time stays.
    if "updated_at" in events.c:
        kept["updated_at"] = events.c.updated_at
    for event_id, moments in bumps.moments.items():
        connection.execute(
            sa.update(events).where(events.c.id == event_id).values(content_moments=moments, **kept)
        )
    chosen = (
        [events.c.id.in_(sorted(bumps.event_ids - set(bumps.moments)))] if bumps.event_ids else []
    )
    chosen += [events.c.id.in_(select) for select in bumps.event_selects]
    if chosen:
        connection.execute(sa.update(events).where(sa.or_(*chosen)).values(**kept))
    if bumps.site:
        connection.execute(_site_bump(connection.dialect.name))


def _site_bump(dialect: str) -> sa.Insert:
    table = SiteContent.__table__
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return insert.values(id=1, version=_initial_version()).on_conflict_do_update(
        index_elements=[table.c.id], set_={"version": table.c.version + 1}
    )


def bump_event(event_id: int) -> None:
    """For a bulk statement that changes what an event's pages show (a place taken)."""
    _execute(db.session.connection(), _Bumps({event_id}, [], {}))
    for record in list(db.session.identity_map.values()):
        if isinstance(record, _events) and record.id == event_id:
            db.session.expire(record, ["content_version", "content_moments"])


@sa.event.listens_for(orm.Session, "do_orm_execute")
def _bump_site_after_bulk_statements(state: orm.ORMExecuteState) -> Any:
    """A bulk UPDATE, DELETE or INSERT on a shown table says nothing of which events it
    touches: unless its caller bumps the versions itself, every page's version moves."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return None
    if state.execution_options.get(VERSIONED):
        return None
    table = getattr(state.statement, "table", None)
    if table is None or table.name not in _shown_tables:
        return None
    result = state.invoke_statement()
    # ORM bulk inserts tell no count of rows: they wrote some.
    if getattr(result, "rowcount", 1):
        connection = state.session.connection()
        connection.execute(_site_bump(connection.dialect.name))
    return result


# Reading --------------------------------------------------------------------------------------


def site_version() -> sa.ScalarSelect:
    table = SiteContent.__table__
    return sa.select(sa.func.coalesce(sa.func.max(table.c.version), 0)).scalar_subquery()


def moments_passed(moments: Iterable[str] | None, now: datetime | None = None) -> int:
    now = now or now_utc()
    return sum(1 for moment in moments or () if datetime.fromisoformat(moment) <= now)


not_shown(SiteContent)
