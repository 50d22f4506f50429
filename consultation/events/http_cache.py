"""Conditional requests for an event's public pages and calendars.

A response's version is the event's content version and the site's (see ``content_version``:
they move in the transaction that changes anything the pages show), read in one query before
anything is rendered, so that a visitor whose copy is current gets a 304 without the page
being built. The body cannot be hashed instead: pages hold the visitor's CSRF token and
calendars a DTSTAMP, which differ at each request while the content does not; the ETags are
weak.

The same version keys the pages rendered for anonymous visitors, kept in each process (see
``RenderedPages``): a page is built once per version and handed to each visitor with their own
CSRF token put in.

There is no Last-Modified, so If-Modified-Since is ignored: no date covers what changes a
response without an update time of its own (a speaker deleted, a theme renamed, a new
release, another language, another visitor's CSRF token), and a 304 on the date alone would
have kept stale copies.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Response, current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from consultation import content_version
from consultation.db import db
from consultation.events.models import Event, EventStatus


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


_VERSIONS = sa.select(
    Event.status,
    Event.content_version,
    Event.content_moments,
    content_version.site_version().label("site_version"),
).where(Event.slug == sa.bindparam("slug", type_=sa.String))


def _versions(slug: str, page: bool) -> tuple[str, str] | None:
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
    row = db.session.execute(_VERSIONS, {"slug": slug}).first()
    # Drafts are for their team, who are signed in: the view answers anyone else's 404.
    if row is None or row.status is EventStatus.DRAFT:
        return None
    version = [
        _application_version(
            current_app.root_path, current_app.template_folder, current_app.static_folder
        ),
        str(get_locale()),
        request.host,
        request.full_path,
        row.status.value,
        row.content_version,
        row.site_version,
        # Registration opens, then closes, with no change to the data.
        content_version.moments_passed(row.content_moments),
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


def revalidated(page: bool = False) -> Callable:
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
            versions = _versions(slug, page)
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
                    if text is not None and _versions(slug, page) == versions:
                        rendered.keep(content, text, token)
                response = make_response(body)
            if response.status_code == 200:
                _with_etag(response, etag, page)
            return response

        return revalidating_view

    return decorate
