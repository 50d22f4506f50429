"""Bearer tokens stay out of the access log: a whole self-service session through gunicorn,
run as ``make serve`` runs it, then every token any email carried is looked for in its log."""

import json
import os
import re
import socket
import subprocess
import sys
import time
from email import message_from_bytes
from email.policy import default
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consultation import PROJECT_ROOT
from consultation.access_log import redacted
from consultation.accounts.models import Role
from consultation.db import db
from consultation.events.models import Event, TeamRole
from consultation.follow_up.models import CommitmentContact
from consultation.outcomes import reading
from consultation.outcomes import services as outcomes
from tests.conftest import app_config
from tests.factories import add_session
from tests.helpers import CSRF_INPUT, PASSWORD
from tests.registering import REGISTRATION_FORM, take_registrations

SERVED = """
import json, os
from consultation import create_app
app = create_app(json.loads(os.environ["SERVED_CONFIG"]))
"""
NEW_PASSWORD = {"password": PASSWORD, "password_confirm": PASSWORD}


def serve_logger_class() -> str:
    """The logger class ``make serve`` gives gunicorn."""
    match = re.search(r"--logger-class (\S+)", (PROJECT_ROOT / "Makefile").read_text())
    assert match, "make serve names no logger class"
    return match.group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A browser on the served site: cookies kept, redirects followed, CSRF tokens sent."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path if path.startswith("/") else path) as response:
            return response.geturl(), response.read().decode()

    def submit(self, path: str, fields: dict) -> tuple[str, str]:
        page_url, page = self.get(path)
        token = CSRF_INPUT.search(page).group(1)
        data = urlencode({**fields, "csrf_token": token}, doseq=True).encode()
        with self.opener.open(page_url, data) as response:
            return response.geturl(), response.read().decode()

    def post(self, path: str, referer: str, fields: dict | None = None) -> str:
        _, page = self.get(referer)
        token = CSRF_INPUT.search(page).group(1)
        data = urlencode({**(fields or {}), "csrf_token": token}).encode()
        with self.opener.open(self.base + path, data) as response:
            return response.read().decode()


class Inbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def messages(self) -> list:
        return [
            message_from_bytes(path.read_bytes(), policy=default)
            # Written in order; names only tell the second.
            for path in sorted(self.folder.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
        ]

    def wait_for(self, count: int) -> list:
        # Sign-up and the link again are looked up after the response has been sent.
        deadline = time.monotonic() + 30
        while len(messages := self.messages()) < count:
            assert time.monotonic() < deadline, f"{len(messages)} emails, expected {count}"
            time.sleep(0.05)
        return messages

    def last_link(self, count: int) -> str:
        text = self.wait_for(count)[-1].get_body(preferencelist=("plain",)).get_content()
        return re.search(r"(http://127\.0\.0\.1:\d+/\S+)", text).group(1)

    def links(self) -> list[str]:
        return [
            link
            for message in self.messages()
            for link in re.findall(
                r"http://127\.0\.0\.1:\d+(/\S+)",
                message.get_body(preferencelist=("plain",)).get_content(),
            )
        ]


@pytest.fixture
def served(app, database_url, make_event, tmp_path):
    event = take_registrations(app, make_event())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    (tmp_path / "served.py").write_text(SERVED)
    outbox = tmp_path / "outbox"
    config = app_config(
        database_url,
        TESTING=False,
        BASE_URL=base,
        MAIL_BACKEND="console",
        MAIL_OUTBOX_DIR=str(outbox),
        REPORT_STORE_DIR=str(tmp_path / "reports"),
        ERASURE_LEDGER=str(tmp_path / "erasures.jsonl"),
        BACKUP_DIR=str(tmp_path / "backups"),
        AUDIT_ANCHOR_FILE=str(tmp_path / "anchors.jsonl"),
        DEMO_CREDENTIALS_FILE=str(tmp_path / "demo-accounts.txt"),
    )
    access_log = tmp_path / "access.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--logger-class",
            serve_logger_class(),
            "--pythonpath",
            f"{tmp_path}{os.pathsep}{PROJECT_ROOT}",
            "served:app",
        ],
        env={**os.environ, "SERVED_CONFIG": json.dumps(config), "REDIS_URL": ""},
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, "gunicorn stopped"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        yield event, Browser(base), Inbox(outbox), access_log
    finally:
        server.terminate()
        server.wait(timeout=30)


def contact_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(CommitmentContact.id))


def owner_commitment(app, event) -> int:
    """A commitment of the event, for its owner's contact to report on."""
    with app.app_context():
        stored = db.session.get(Event, event.id, options=[selectinload(Event.themes)])
        session = add_session(stored, "Access", 9)
        _, outcome = reading.outcome_for_session(stored, session.id)
        commitment = outcomes.add_commitment(
            stored, outcome, outcomes.CommitmentDetails("Map detention sites", None, None)
        )
        db.session.commit()
        return commitment.id


def test_no_token_of_a_self_service_session_reaches_the_access_log(
    served, app, make_user, add_to_team
):
    event, browser, inbox, access_log = served
    organiser = make_user(Role.ORGANISER)
    add_to_team(event, organiser, TeamRole.ORGANISER)
    commitment_id = owner_commitment(app, event)
    # Register, open the emailed link, correct the answers, take the calendar and the data.
    form = REGISTRATION_FORM
    browser.submit(f"/events/{event.slug}/register", form)
    landed, page = browser.get(inbox.last_link(1))
    assert re.fullmatch(r".*/registrations/\d+", landed) and "Leila Mansour" in page
    manage = landed.removeprefix(browser.base)
    _, page = browser.submit(manage, {**form, "job_title": "Protection officer"})
    assert "Your registration is updated." in page
    browser.get(f"{manage}/event.ics")
    browser.get(f"{manage}/data.json")
    # Ask for the link again, open the new one, cancel.
    register_page = f"/events/{event.slug}/register"
    browser.post(
        f"/events/{event.slug}/register/link", register_page, {"email": REGISTRATION_FORM["email"]}
    )
    browser.get(inbox.last_link(2))
    browser.post(f"{manage}/cancel", manage)
    # Sign up and choose a password; forget it and choose another.
    browser.submit(
        "/signup", {"display_name": "Leila", "email": "leila.account@ngo.example", "language": "en"}
    )
    count = len(inbox.wait_for(4))
    _, page = browser.submit(inbox.last_link(count), NEW_PASSWORD)
    assert "Your new password is saved" in page
    browser.post("/logout", "/account")
    browser.submit("/password/forgot", {"email": "leila.account@ngo.example"})
    _, page = browser.submit(inbox.last_link(count + 1), NEW_PASSWORD)
    assert "Your new password is saved" in page
    # An organiser sends a commitment owner's contact their update link; they report.
    team = Browser(browser.base)
    team.submit("/login", {"email": organiser.email, "password": PASSWORD})
    item = f"/manage/follow-up/commitments/{commitment_id}"
    team.post(
        f"{item}/contacts", item, {"name": "Rana", "email": "rana@lca.example", "language": "en"}
    )
    team.post(f"{item}/contacts/{contact_id(app)}/link", item)
    owner = Browser(browser.base)
    landed, page = owner.get(inbox.last_link(count + 2))
    assert re.fullmatch(r".*/follow-up/contacts/\d+", landed) and "Map detention sites" in page
    _, page = owner.submit(
        landed.removeprefix(browser.base),
        {"reported_on": "2026-11-02", "status": "in_progress", "text": "Begun.", "language": "en"},
    )
    assert "the policy team publishes your update after review" in page

    links = inbox.links()
    tokens = [link.rstrip("/").rsplit("/", 1)[1] for link in links if redacted(link) != link]
    # Registration (1), the link again (1), cancellation (1), activation, reset, owner's link.
    assert len(tokens) >= 6
    time.sleep(0.5)
    log = access_log.read_text()
    assert re.search(r"GET /registrations/\d+/… ", log) and "GET /activate/… " in log
    assert "GET /password/reset/… " in log
    assert re.search(r"GET /follow-up/contacts/\d+/… ", log)
    for token in tokens:
        assert token not in log


def test_every_kind_of_emailed_token_is_redacted():
    token = "A" * 43
    for path in (
        f"/registrations/7/{token}",
        f"/follow-up/contacts/7/{token}",
        f"/follow-up/news/stop/{token}.sig-nature_x",
        f"/activate/{token}",
        f"/password/reset/{token}",
    ):
        line = f'"GET {path} HTTP/1.1" 200'
        assert token not in redacted(line), path
    assert (
        redacted('"GET /registrations/7/cancel HTTP/1.1"')
        == '"GET /registrations/7/cancel HTTP/1.1"'
    )
