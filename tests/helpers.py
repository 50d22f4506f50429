"""Values and small functions shared by the tests (fixtures live in conftest.py)."""

import io
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any
from urllib.parse import urljoin, urlsplit

import psycopg
import pypdf
import sqlalchemy as sa
from babel.messages.pofile import read_po
from sqlalchemy.engine import make_url

from consultation import PROJECT_ROOT
from consultation.db import db
from consultation.events import access as event_access
from consultation.reports import rendering
from consultation.reports.models import Audience, ReportKind


@contextmanager
def listening(app, name: str, listener) -> Iterator[None]:
    """``listener`` hears the database engine's event ``name`` (each statement, each BEGIN)
    while the block runs."""
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, name, listener)
    try:
        yield
    finally:
        sa.event.remove(engine, name, listener)


PASSWORD = "correct horse battery staple"
# The CSRF token a page hands its forms.
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def link_in(message) -> str:
    """The application path of the first link in an email's text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://consultation\.test(/\S+)", text)
    assert match, text
    return match.group(1)


def open_link(client, link: str) -> str:
    """Opens an emailed link as the recipient's browser does. A registration's link hands
    this client the registration's cookie, an activation or password reset link keeps its
    token in the session; either sends it on (303) to the page without the token, whose path
    is returned."""
    response = client.get(link)
    assert response.status_code == 303, response.get_data(as_text=True)
    return urlsplit(response.headers["Location"]).path


def postgres_answers(url: str) -> bool:
    parts = make_url(url)
    try:
        psycopg.connect(
            host=parts.host,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname=parts.database,
            connect_timeout=3,
        ).close()
    except psycopg.Error:
        return False
    return True


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """An empty database on the server of ``server_url``, dropped afterwards."""
    server = make_url(server_url)
    name = f"consultation_test_{uuid.uuid4().hex[:10]}"
    connect = {
        "host": server.host,
        "port": server.port or 5432,
        "user": server.username,
        "password": server.password,
        "dbname": server.database,
        "autocommit": True,
    }
    with psycopg.connect(**connect) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**connect) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Page(HTMLParser):
    """The forms of a page (action, method and fields with their current values) and the
    query parameter names its links use."""

    def __init__(self, url: str, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[SimpleNamespace] = []
        self.link_parameters: set[str] = set()
        self._form = self._select = self._textarea = self._option = None
        self.feed(html)
        self.close()

    def _field(self, name: str, kind: str) -> dict:
        return self._form.fields.setdefault(
            name, {"kind": kind, "values": [], "options": [], "multiple": False}
        )

    def handle_starttag(self, tag: str, attributes: list) -> None:
        found = {name: value or "" for name, value in attributes}
        if tag == "a" and "?" in found.get("href", ""):
            query = urlsplit(found["href"]).query
            self.link_parameters.update(part.split("=")[0] for part in query.split("&") if part)
        if tag == "form":
            action = urlsplit(urljoin(self.url, found.get("action") or self.url)).path
            self._form = SimpleNamespace(
                action=action, method=(found.get("method") or "get").lower(), fields={}
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "option" and self._select is not None:
            self._option = [found.get("value"), "selected" in found, ""]
            return
        name = found.get("name")
        if not name:
            return
        if tag in ("input", "button"):
            kind = found.get("type", "text" if tag == "input" else "submit").lower()
            if kind in ("reset", "image") or (kind == "submit" and tag == "input"):
                return
            field = self._field(name, kind)
            if kind in ("checkbox", "radio", "submit"):
                field["options"].append(found.get("value", "on"))
                field["multiple"] = kind == "checkbox"
                if "checked" in found:
                    field["values"].append(found.get("value", "on"))
            else:
                field["values"].append(found.get("value", ""))
        elif tag == "select":
            self._select = self._field(name, "select")
            self._select["multiple"] = "multiple" in found
        elif tag == "textarea":
            self._textarea = self._field(name, "textarea")
            self._textarea["values"].append("")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["values"][-1] += data
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            value = text.strip() if value is None else value
            self._select["options"].append(value)
            if selected:
                self._select["values"].append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            select = self._select
            if not select["values"] and select["options"] and not select["multiple"]:
                select["values"].append(select["options"][0])
            self._select = None

    def form_for(self, action: str) -> SimpleNamespace | None:
        for found in self.forms:
            if found.method == "post" and found.action == action:
                return found
        return None

    def get_parameters(self) -> set[str]:
        return {
            name for found in self.forms if found.method == "get" for name in found.fields
        } | self.link_parameters


def baseline(fields: dict) -> dict[str, Any]:
    """What the browser would send untouched: current values, ticked boxes, chosen options
    (a submit button's value only when it is the sole one)."""
    values: dict[str, Any] = {}
    for name, field in fields.items():
        if field["kind"] == "submit":
            if len(field["options"]) == 1:
                values[name] = field["options"][0]
        elif field["multiple"]:
            values[name] = list(field["values"])
        elif field["values"]:
            values[name] = field["values"][0]
    return values


def unchanged_form(client, page: str, action: str | None = None) -> dict[str, Any]:
    """What a browser sends when the form at ``action`` (the page itself by default) is
    submitted without a change."""
    found = Page(page, client.get(page).get_data(as_text=True)).form_for(action or page)
    assert found is not None, f"no form posting to {action or page} on {page}"
    return baseline(found.fields)


def shown(html: str) -> str:
    """What a reader sees of a page's text: no tags, and no isolate characters around the
    user text that messages carry."""
    return re.sub(r"<[^>]+>|[\u2066-\u2069]", "", html)


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def render(app, event, kind=ReportKind.OUTCOME, audience=Audience.PUBLIC, language="en") -> bytes:
    with app.test_request_context():
        event = event_access.event_by_slug(event.slug, *event_access.EVENT_PAGE_OPTIONS)
        html = rendering.report_html(event, kind, audience, language)
        return rendering.render_report(event, kind, audience, language, html).content


def translated(language: str, english: str) -> str:
    text = catalogue(language)[english].string
    assert text and text != english
    return text


TRANSLATIONS = PROJECT_ROOT / "consultation" / "translations"


def catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


PRODUCTION = {
    "CONSULTATION_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "BASE_URL": "https://consultation.example.org",
    "MAIL_FROM": "Consultation <consultation@example.org>",
    "AUDIT_KEY": "a" * 40,
}
