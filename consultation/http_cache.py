"""Conditional requests for an event's public pages and calendars.

A response's version is worked out from the data it shows, in one query and before anything
is rendered, so that a visitor whose copy is current gets a 304 without the page being built.
The body cannot be hashed instead: pages hold the visitor's CSRF token and calendars a
DTSTAMP, which differ at each request while the content does not; the ETags are weak.

The same version keys the pages rendered for anonymous visitors, kept in each process (see
``RenderedPages``): a page is built once per version and handed to each visitor with their own
CSRF token put in.

There is no Last-Modified, so If-Modified-Since is ignored: no date covers what changes a
response without an update time of its own (a session or speaker deleted, a theme renamed, a
new release, another language, another visitor's CSRF token), and a 304 on the date alone
would have kept stale copies.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from enum import Flag, auto
from functools import cache, reduce, wraps
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Response, current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from consultation.accounts.models import User
from consultation.agenda.models import Session, SessionSpeaker, session_themes
from consultation.db import db, now_utc
from consultation.events.models import (
    Event,
    EventPartner,
    EventStatus,
    Series,
    Theme,
    event_themes,
)
from consultation.organisations.models import Organisation, OrganisationStatus
from consultation.registrations.models import RegistrationSettings
from consultation.registrations.services import window


class Shows(Flag):
    """What a response shows besides the event's own columns; its version covers that."""

    THEMES = auto()
    PARTNERS = auto()
    REGISTRATION = auto()
    SESSIONS = auto()
    SPEAKERS = auto()
    # The registration form: every setting, and the organisations to choose from.
    REGISTRATION_FORM = auto()


# Control characters nobody types, so that two different lists of rows never read the same.
_FIELD, _ROW = "\x1f", "\x1e"


def _fingerprint(*columns: sa.ColumnElement, where=(), joins=(), order_by=()) -> sa.ScalarSelect:
    """The rows' values as one text. Speakers, partners and themes have no update time, and
    SQLite gives a deleted row's id to the next one, so only their values tell a change."""
    texts = [sa.func.coalesce(sa.cast(column, sa.String), "") for column in columns]
    rows = sa.select(reduce(lambda left, right: left + _FIELD + right, texts).label("row"))
    for table, on, outer in joins:
        rows = rows.join(table, on, isouter=outer)
    ordered = rows.where(*where).order_by(*order_by).subquery()
    return sa.select(sa.func.aggregate_strings(ordered.c.row, _ROW)).scalar_subquery()


def _parts(event_id: sa.ScalarSelect, shows: Shows) -> dict[str, sa.ColumnElement]:
    parts = {}
    if Shows.THEMES in shows:
        # Every theme, not only the event's: a session may keep a theme the event dropped.
        parts["themes"] = _fingerprint(
            Theme.id, Theme.slug, Theme.position, Theme.name_en, Theme.name_fr, Theme.name_ar,
            order_by=[Theme.id],
        )  # fmt: skip
        parts["event_themes"] = _fingerprint(
            event_themes.c.theme_id,
            where=[event_themes.c.event_id == event_id],
            order_by=[event_themes.c.theme_id],
        )
    if Shows.THEMES in shows and Shows.SESSIONS in shows:
        parts["session_themes"] = _fingerprint(
            session_themes.c.session_id,
            session_themes.c.theme_id,
            joins=[(Session, Session.id == session_themes.c.session_id, False)],
            where=[Session.event_id == event_id],
            order_by=[session_themes.c.session_id, session_themes.c.theme_id],
        )
    if Shows.PARTNERS in shows:
        parts["partners"] = _fingerprint(
            EventPartner.id, EventPartner.organisation_id, EventPartner.role,
            EventPartner.position, Organisation.name, Organisation.acronym,
            joins=[(Organisation, Organisation.id == EventPartner.organisation_id, False)],
            where=[EventPartner.event_id == event_id],
            order_by=[EventPartner.id],
        )  # fmt: skip
    if Shows.SESSIONS in shows:
        # Sessions have an update time: editing one moves it, adding one moves the latest,
        # deleting one changes the count.
        in_event = Session.event_id == event_id
        parts["sessions"] = sa.select(sa.func.count(Session.id)).where(in_event).scalar_subquery()
        parts["sessions_changed"] = (
            sa.select(sa.func.max(Session.updated_at)).where(in_event).scalar_subquery()
        )
    if Shows.SPEAKERS in shows:
        parts["speakers"] = _fingerprint(
            SessionSpeaker.id, SessionSpeaker.session_id, SessionSpeaker.name,
            SessionSpeaker.title, SessionSpeaker.role, SessionSpeaker.position,
            User.display_name, User.organisation_name, Organisation.name, Organisation.acronym,
            joins=[
                (Session, Session.id == SessionSpeaker.session_id, False),
                (User, User.id == SessionSpeaker.user_id, True),
                (Organisation, Organisation.id == SessionSpeaker.organisation_id, True),
            ],
            where=[Session.event_id == event_id],
            order_by=[SessionSpeaker.id],
        )  # fmt: skip
    if Shows.REGISTRATION_FORM in shows:
        # The directory only: a registrant's private organisation must not change the public
        # form's version, or comparing versions would tell that someone registered.
        parts["organisations"] = _fingerprint(
            Organisation.id,
            Organisation.name,
            Organisation.acronym,
            where=[Organisation.status == OrganisationStatus.APPROVED],
            order_by=[Organisation.id],
        )
    return parts


@cache
def _application_version(*folders: str) -> str:
    """The code, templates, translations and static files this process serves: a new release
    changes every page. Hashed by content, so that every machine agrees."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def _version_query(shows: Shows) -> tuple[sa.Select, tuple[str, ...]]:
    """The query of a response's version, by event slug, and the names of its parts; built
    once, since building it took as long as running it."""
    slug = sa.bindparam("slug", type_=sa.String)
    event_id = sa.select(Event.id).where(Event.slug == slug).scalar_subquery()
    parts = _parts(event_id, shows)
    statement = (
        sa.select(Event.status, Event.updated_at, Series.name.label("series"), RegistrationSettings)
        .outerjoin(Series, Series.id == Event.series_id)
        .outerjoin(RegistrationSettings, RegistrationSettings.event_id == Event.id)
        .add_columns(*(part.label(name) for name, part in parts.items()))
        .where(Event.slug == slug)
    )
    return statement, tuple(parts)


def _versions(slug: str, shows: Shows, page: bool) -> tuple[str, str] | None:
    """The ETag of what this visitor would get, and the version of the content (the same
    for every visitor, the CSRF token aside); None when the response is not to be
    revalidated."""
    # A debug server reloads templates without restarting: its pages would seem unchanged.
    # Signed-in visitors' pages are never stored (see register_security_headers).
    if current_app.debug or current_user.is_authenticated:
        return None
    # A flashed message is shown once: a 304 would not show it, and the page that shows it
    # must not be taken for the page without it.
    if page and session.get("_flashes"):
        return None
    statement, parts = _version_query(shows)
    row = db.session.execute(statement, {"slug": slug}).first()
    # Drafts are for their team, who are signed in: the view answers anyone else's 404.
    if row is None or row.status is EventStatus.DRAFT:
        return None
    version = [
        _application_version(
            current_app.root_path, current_app.template_folder, current_app.static_folder
        ),
        shows.value,
        str(get_locale()),
        request.host,
        request.full_path,
        row.status.value,
        row.updated_at,
        row.series,
        *(row._mapping[name] for name in parts),
    ]
    settings = row.RegistrationSettings
    if Shows.REGISTRATION in shows and settings is not None:
        now = now_utc()
        version += [
            window(settings, now).value,
            settings.opens_at,
            settings.closes_at,
            settings.seats_left,
            settings.waitlist_enabled,
        ]
    if Shows.REGISTRATION_FORM in shows and settings is not None:
        # Not the count of confirmed participants: the form shows only the places left
        # (above), and a version that moved with each registration would tell that someone
        # registered.
        version += [
            getattr(settings, column.key)
            for column in sa.inspect(RegistrationSettings).column_attrs
            if column.key != "confirmed_count"
        ]
    content = hashlib.sha256(repr(version).encode()).hexdigest()[:32]
    if not page:
        return content, content
    # The page holds the visitor's CSRF token, signed from this raw one: a stored copy must
    # never be confirmed to another session.
    generate_csrf()
    token = session[current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")]
    return hashlib.sha256(f"{content}:{token}".encode()).hexdigest()[:32], content


class RenderedPages:
    """Event pages, agendas and blank registration forms as rendered for anonymous visitors,
    by content version, with a mark where the visitor's CSRF token goes; the least recently
    used go first. Each process keeps its own: a page is rendered once per version and
    process rather than at every visit, and a version that changes is never asked for
    again."""

    # Never in a rendered page: pages are text, and NUL is refused in every input.
    MARK = "\x00csrf-token\x00"

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def of(cls, app: Flask) -> "RenderedPages":
        return app.extensions.setdefault("rendered_pages", cls(app.config["RENDERED_PAGES_KEPT"]))

    def get(self, content: str, token: str) -> str | None:
        with self._lock:
            page = self._pages.get(content)
            if page is not None:
                self._pages.move_to_end(content)
        return page.replace(self.MARK, token) if page is not None else None

    def keep(self, content: str, page: str, token: str) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._pages[content] = page.replace(token, self.MARK)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


def _with_etag(response: Response, etag: str, page: bool) -> Response:
    response.set_etag(etag, weak=True)
    # Kept, but checked at each use rather than for a while: nobody should be shown a
    # cancelled session or a place that has gone, and the check costs one query.
    response.cache_control.no_cache = True
    # A page holds the visitor's CSRF token: no shared cache may keep it.
    response.cache_control.private = page or None
    # The language comes from the session cookie or from Accept-Language.
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _page_text(result) -> str | None:
    """The page a view returned, if it returned nothing else: a status other than 200 or
    headers of its own would not be kept."""
    if isinstance(result, tuple) and len(result) == 2 and result[1] == 200:
        result = result[0]
    return result if isinstance(result, str) else None


def revalidated(shows: Shows, page: bool = False) -> Callable:
    """For a view of an event's public page or calendar (``page`` for HTML): answers 304 to a
    visitor whose copy is current without running the view, gives the view's response its
    ETag, and keeps pages rendered (see ``RenderedPages``). Other methods than GET go
    straight to the view."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def revalidating_view(slug: str, **kwargs):
            # A form sent is never answered from what an earlier request saw.
            if request.method not in ("GET", "HEAD"):
                return view(slug=slug, **kwargs)
            versions = _versions(slug, shows, page)
            if versions is None:
                return view(slug=slug, **kwargs)
            etag, content = versions
            # Werkzeug decides, as it would on the rendered response: 304, or 412 when an
            # If-Match fails.
            unchanged = _with_etag(current_app.response_class(), etag, page)
            unchanged.make_conditional(request)
            if unchanged.status_code != 200:
                return unchanged
            if not page:
                response = make_response(view(slug=slug, **kwargs))
            else:
                rendered, token = RenderedPages.of(current_app), generate_csrf()
                body = rendered.get(content, token)
                if body is None:
                    body = view(slug=slug, **kwargs)
                    # Kept only if nothing changed while it was rendered: on PostgreSQL each
                    # query sees the latest changes, so the page may show newer data than
                    # its version, which a later undo (a place taken, then freed) would bring
                    # back.
                    text = _page_text(body)
                    if text is not None and _versions(slug, shows, page) == versions:
                        rendered.keep(content, text, token)
                response = make_response(body)
            if response.status_code == 200:
                _with_etag(response, etag, page)
            return response

        return revalidating_view

    return decorate
