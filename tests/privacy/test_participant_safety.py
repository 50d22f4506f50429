"""Participant safety beneath the pages: an account reaches only the registrations of its own
confirmed address, every file the application writes is its owner's alone, and a closed
session names nobody outside the team."""

import os
import stat
from datetime import time, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa

from consultation import create_app, mail
from consultation.accounts.models import Role
from consultation.agenda import services as agenda
from consultation.agenda.models import Attribution, Session, SessionKind, SpeakerRole
from consultation.audit.models import AuditEvent
from consultation.backup import backup_database
from consultation.db import db, now_utc
from consultation.events import services as events
from consultation.events.access import EVENT_PAGE_OPTIONS
from consultation.events.models import Event, EventStatus, Region, TeamRole
from consultation.privacy import retention
from consultation.privacy import services as privacy
from consultation.registrations.models import (
    Moderation,
    Registration,
    RegistrationSettings,
    registration_theme_interests,
)
from consultation.reports.models import Audience, ReportKind
from consultation.reports.store import report_store
from tests.conftest import Client, app_config
from tests.factories import configure, form
from tests.helpers import CSRF_INPUT, link_in, open_link, pdf_text, render

# Registering someone else's address ---------------------------------------------------------


@pytest.fixture
def open_event(app, make_event, make_organisation):
    event = make_event()
    make_organisation("Amel Association", "AMEL")
    configure(app, event, capacity=None, moderation=Moderation.AUTOMATIC)
    return event


def registration_id(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(Registration.id).where(Registration.email == email))


def test_registering_another_person_s_address_does_not_reach_their_registration(
    app, client, open_event, make_user
):
    """M1: a participant registered victim@…, then opened it from My registrations and read
    the victim's accessibility answers, and the victim's emailed link died."""
    user = make_user(Role.PARTICIPANT, email="mallory@ngo.example")
    client.login(user.email)
    url = f"/events/{open_event.slug}/register"
    assert client.submit(url, form("victim@ngo.example")).status_code == 200
    victim = registration_id(app, "victim@ngo.example")
    with app.app_context():
        assert db.session.get(Registration, victim).user_id is None
    mine = client.get("/account/registrations").get_data(as_text=True)
    assert "Step-free access" not in mine and f"/account/registrations/{victim}/open" not in mine
    assert client.submit(f"/account/registrations/{victim}/open").status_code == 404


def test_a_registration_linked_before_the_rule_stays_out_of_reach(
    app, client, open_event, make_user
):
    user = make_user(Role.PARTICIPANT, email="mallory@ngo.example")
    assert (
        app.test_client()
        .submit(f"/events/{open_event.slug}/register", form("victim@ngo.example"))
        .status_code
        == 200
    )
    victim = registration_id(app, "victim@ngo.example")
    with app.app_context():
        db.session.get(Registration, victim).user_id = user.id
        db.session.commit()
    client.login(user.email)
    assert f"/account/registrations/{victim}/open" not in client.get(
        "/account/registrations"
    ).get_data(as_text=True)
    assert client.submit(f"/account/registrations/{victim}/open").status_code == 404


def test_one_s_own_confirmed_address_is_linked_and_an_unconfirmed_one_is_not(
    app, client, open_event, make_user
):
    confirmed = make_user(Role.PARTICIPANT, email="leila@ngo.example")
    client.login(confirmed.email)
    url = f"/events/{open_event.slug}/register"
    assert client.submit(url, form(" Leila@NGO.example ")).status_code == 200
    own = registration_id(app, "Leila@NGO.example")
    assert client.submit(f"/account/registrations/{own}/open").status_code == 302

    unconfirmed = make_user(Role.PARTICIPANT, email="omar@ngo.example", confirmed=False)
    other = app.test_client()
    other.login(unconfirmed.email)
    assert other.submit(url, form("omar@ngo.example")).status_code == 200
    with app.app_context():
        registration = db.session.get(Registration, registration_id(app, "omar@ngo.example"))
        assert registration.user_id is None


# Files at rest ----------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_every_file_the_application_writes_is_its_owner_s_alone(tmp_path, loose_umask):
    database = tmp_path / "data" / "consultation.sqlite3"
    database.parent.mkdir()
    app = create_app(
        app_config(
            f"sqlite:///{database}",
            MAIL_BACKEND="console",
            MAIL_OUTBOX_DIR=str(tmp_path / "outbox"),
            REPORT_STORE_DIR=str(tmp_path / "reports"),
        )
    )
    assert mode(Path(app.instance_path)) == 0o700
    with app.app_context():
        db.create_all()
        (report_store() / "report.pdf").write_bytes(b"%PDF")
        message = EmailMessage()
        message["To"] = "leila@ngo.example"
        message.set_content("Your link: https://consultation.example/registrations/1/token")
        mail._send_console(message)
        backup = backup_database(app, tmp_path / "backups" / "copy.sqlite3")
        db.engine.dispose()
    written = [database, *database.parent.glob("consultation.sqlite3-*"), backup]
    written += [*(tmp_path / "reports").iterdir(), *(tmp_path / "outbox").iterdir()]
    assert len(written) >= 4
    for path in written:
        assert mode(path) == 0o600, path
    for folder in (tmp_path / "reports", tmp_path / "outbox", tmp_path / "backups"):
        assert mode(folder) == 0o700, folder


# Closed sessions --------------------------------------------------------------------------

CLOSED_TITLE = "Talks with the detention authorities"
NAMED_CLOSED_TITLE = "Donor round table"
SPEAKER = "Rania Haddad"


@pytest.fixture
def agenda_with_closed_sessions(app, make_event):
    event = make_event()
    with app.app_context():
        loaded = db.session.get(Event, event.id, options=EVENT_PAGE_OPTIONS)
        for hour, title, attribution, title_public in (
            (9, "Opening plenary", Attribution.ON_RECORD, False),
            (11, CLOSED_TITLE, Attribution.CLOSED, False),
            (14, NAMED_CLOSED_TITLE, Attribution.CLOSED, True),
        ):
            session = agenda.save_session(
                loaded,
                None,
                agenda.SessionDetails(
                    title=title,
                    kind=SessionKind.PANEL,
                    day=loaded.start_date,
                    start=time(hour),
                    end=time(hour + 1),
                    room=f"Room {hour}",
                    description=f"About {title}.",
                    attribution=attribution,
                    title_public=title_public,
                ),
            )
            agenda.add_speaker(session, SpeakerRole.SPEAKER, name=f"{SPEAKER} {hour}")
        db.session.commit()
        ids = dict(db.session.execute(sa.select(Session.title, Session.id)).all())
    return event, ids


def test_a_closed_session_keeps_its_title_and_people_out_of_every_public_output(
    app, client, agenda_with_closed_sessions
):
    event, ids = agenda_with_closed_sessions
    outputs = {
        "agenda": client.get(f"/events/{event.slug}/agenda").get_data(as_text=True),
        "calendar": client.get(f"/events/{event.slug}/agenda.ics").get_data(as_text=True),
        "api": client.get(f"/api/v1/events/{event.slug}").get_data(as_text=True),
        "pdf": pdf_text(client.get(f"/events/{event.slug}/agenda.pdf").data),
    }
    for name, text in outputs.items():
        assert "Opening plenary" in text, name
        # Calendars name nobody at all.
        assert name == "calendar" or f"{SPEAKER} 9" in text, name
        assert CLOSED_TITLE not in text and "Room 11" not in text, name
        assert NAMED_CLOSED_TITLE in text, name
        # Nobody of a closed session is named, whether its title is public or not.
        assert f"{SPEAKER} 11" not in text and f"{SPEAKER} 14" not in text, name
        assert f"About {NAMED_CLOSED_TITLE}" not in text, name
    assert "Closed session" in outputs["agenda"] and "Closed session" in outputs["calendar"]
    hidden = ids[CLOSED_TITLE]
    assert client.get(f"/events/{event.slug}/sessions/{hidden}").status_code == 404
    assert client.get(f"/events/{event.slug}/sessions/{hidden}.ics").status_code == 404
    named = client.get(f"/events/{event.slug}/sessions/{ids[NAMED_CLOSED_TITLE]}")
    assert NAMED_CLOSED_TITLE in named.get_data(as_text=True)
    assert f"{SPEAKER} 14" not in named.get_data(as_text=True)


def test_the_team_s_agenda_report_still_shows_closed_sessions(app, agenda_with_closed_sessions):
    event, _ = agenda_with_closed_sessions
    text = pdf_text(render(app, event, kind=ReportKind.AGENDA, audience=Audience.INTERNAL))
    assert CLOSED_TITLE in text and f"{SPEAKER} 11" in text


def test_an_organiser_makes_a_closed_session_s_title_public(
    app, client, agenda_with_closed_sessions, make_user, add_to_team
):
    event, ids = agenda_with_closed_sessions
    organiser = make_user(Role.ORGANISER)
    add_to_team(event, organiser, TeamRole.ORGANISER)
    client.login(organiser.email)
    url = f"/manage/events/{event.slug}/sessions/{ids[CLOSED_TITLE]}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "Show the title of this closed session on the public agenda" in page
    with app.app_context():
        day = db.session.get(Event, event.id).start_date.isoformat()
    response = client.submit(
        url,
        {
            "title": CLOSED_TITLE,
            "kind": "panel",
            "day": day,
            "start": "11:00",
            "end": "12:00",
            "room": "Room 11",
            "attribution": "closed",
            "title_public": "y",
        },
    )
    assert response.status_code == 302
    assert CLOSED_TITLE in client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)


# What erasure leaves on disk ----------------------------------------------------------------

ERASED_ADDRESS = "leila.mansour.erased@ngo.example"
ANONYMISED_ADDRESS = "omar.haddad.anonymised@ngo.example"
SECRET_NEED = "Wheelchair and a carer travelling with me"


def test_erased_and_anonymised_data_is_gone_from_the_sqlite_files(tmp_path):
    """SQLite keeps overwritten rows in free pages and in its write-ahead log unless told
    otherwise; after an erasure and the retention job, the raw bytes of the database and its
    log hold neither the address nor the answer."""
    database = tmp_path / "consultation.sqlite3"
    app = create_app(
        app_config(f"sqlite:///{database}", ERASURE_LEDGER=str(tmp_path / "erasures.jsonl"))
    )
    long_ago = now_utc().date() - timedelta(days=400)
    with app.app_context():
        db.create_all()
        for slug, start in (("coming", now_utc().date() + timedelta(days=30)), ("past", long_ago)):
            event = Event(
                slug=slug,
                title=f"Consultation {slug}",
                city="Amman",
                country="JO",
                start_date=start,
                end_date=start + timedelta(days=1),
                edition_year=start.year,
                timezone="Asia/Amman",
                region=Region.MIDDLE_EAST_NORTH_AFRICA,
                working_languages=["en"],
                status=EventStatus.PUBLISHED,
            )
            db.session.add(event)
            db.session.flush()
            db.session.add(
                RegistrationSettings(
                    event_id=event.id,
                    confirmed_count=0,
                    opens_at=now_utc() - timedelta(days=1),
                    closes_at=None,
                    capacity=None,
                    moderation=Moderation.AUTOMATIC,
                    questions=["accessibility_needs"],
                )
            )
        db.session.commit()
    # Buffered, so the registration put off until after the response is made before post returns.
    app.test_client_class = Client
    client = app.test_client()
    for slug, address in (("coming", ERASED_ADDRESS), ("past", ANONYMISED_ADDRESS)):
        response = client.post(
            f"/events/{slug}/register",
            data={**form(address, accessibility_needs=SECRET_NEED), "csrf_token": _token(client)},
        )
        assert response.status_code == 200
    erasing = open_link(client, link_in(app.extensions["mail_outbox"][0]))
    client.post(f"{erasing}/erase", data={"csrf_token": _token(client, erasing)})
    with app.app_context():
        assert retention.run_retention().anonymised == 1
        # Read while the application still has the database open, as a copy of a running
        # server's disk would be: closing the last connection would checkpoint the log.
        files = [database, *tmp_path.glob("consultation.sqlite3-*")]
        raw = b"".join(path.read_bytes() for path in files)
        db.engine.dispose()
    for secret in (ERASED_ADDRESS, ANONYMISED_ADDRESS, SECRET_NEED, "Leila Mansour"):
        assert secret.encode() not in raw, secret


def _token(client, page: str = "/") -> str:
    return CSRF_INPUT.search(client.get(page).get_data(as_text=True)).group(1)


# Sensitive answers and administrators -------------------------------------------------------


@pytest.fixture
def sensitive_registration(app, open_event):
    configure(
        app,
        open_event,
        capacity=None,
        moderation=Moderation.AUTOMATIC,
        questions=["gender", "accessibility_needs", "visa_letter"],
    )
    response = app.test_client().submit(
        f"/events/{open_event.slug}/register",
        form("amal@ngo.example", accessibility_needs="Hearing loop", gender="woman"),
    )
    assert response.status_code == 200
    return registration_id(app, "amal@ngo.example")


def test_an_administrator_sees_sensitive_answers_only_after_breaking_the_glass(
    app, client, open_event, sensitive_registration, make_user, add_to_team
):
    admin = make_user(Role.ADMIN, display_name="Ada Admin")
    client.login(admin.email)
    page_url = f"/manage/events/{open_event.slug}/registrations/{sensitive_registration}"
    page = client.get(page_url).get_data(as_text=True)
    assert "Hearing loop" not in page and "See the sensitive answers" in page
    export = client.submit(
        f"/manage/events/{open_event.slug}/registrations/export",
        {"columns": ["full_name", "accessibility_needs"], "file_format": "csv", "status": ""},
    )
    assert export.status_code == 422 and "Hearing loop" not in export.get_data(as_text=True)
    too_short = client.submit(
        f"/manage/events/{open_event.slug}/sensitive-answers", {"reason": "x", "next": page_url}
    )
    assert too_short.status_code == 302
    assert "Hearing loop" not in client.get(page_url).get_data(as_text=True)
    reason = "The participant asked the helpdesk to check her access needs"
    client.submit(
        f"/manage/events/{open_event.slug}/sensitive-answers", {"reason": reason, "next": page_url}
    )
    assert "Hearing loop" in client.get(page_url).get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "sensitive_access_opened" in actions and "sensitive_answers_viewed" in actions
    # The event's organisers are shown who looked, and why.
    organiser = make_user(Role.ORGANISER)
    add_to_team(open_event, organiser, TeamRole.ORGANISER)
    team = app.test_client()
    team.login(organiser.email)
    listing = team.get(f"/manage/events/{open_event.slug}/registrations").get_data(as_text=True)
    assert "Ada Admin" in listing and reason in listing
    assert "Hearing loop" in team.get(page_url).get_data(as_text=True)


def test_the_glass_closes_again_after_a_while(
    app, client, open_event, sensitive_registration, make_user, monkeypatch
):
    admin = make_user(Role.ADMIN)
    client.login(admin.email)
    monkeypatch.setitem(app.config, "BREAK_GLASS_MINUTES", 0)
    client.submit(
        f"/manage/events/{open_event.slug}/sensitive-answers",
        {"reason": "Checking a complaint about the venue's access"},
    )
    page_url = f"/manage/events/{open_event.slug}/registrations/{sensitive_registration}"
    assert "Hearing loop" not in client.get(page_url).get_data(as_text=True)


def test_the_log_keeps_a_participant_s_address_only_as_a_pseudonym(
    app, client, open_event, sensitive_registration, make_user, add_to_team, outbox
):
    participant = app.test_client()
    page = open_link(participant, link_in(outbox[-1]))
    participant.submit(f"{page}/erase", headers={"Referer": page})
    organiser = make_user(Role.ORGANISER)
    add_to_team(open_event, organiser, TeamRole.ORGANISER)
    client.login(organiser.email)
    with app.app_context():
        addresses = dict(
            db.session.execute(sa.select(AuditEvent.action, AuditEvent.ip_address)).all()
        )
    # The participant erased their own data; the organiser signed in.
    assert addresses["registration_erased"].startswith("h:")
    assert "127.0.0.1" not in addresses["registration_erased"]
    assert addresses["signed_in"] == "127.0.0.1"


def test_what_remains_of_an_erased_participant_points_at_nobody(
    app, client, open_event, make_organisation, themes, tmp_path, monkeypatch
):
    """For someone alone from their organisation or country, the organisation and the
    country are forgotten too; theme interests go, and so do the console's email files."""
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path / "outbox"))
    with app.app_context():
        events.set_event_themes(
            db.session.get(Event, open_event.id, options=EVENT_PAGE_OPTIONS),
            [theme.id for theme in themes[:2]],
        )
        db.session.commit()
    configure(
        app,
        open_event,
        capacity=None,
        moderation=Moderation.AUTOMATIC,
        questions=["theme_interests"],
    )
    big = make_organisation("Big Network", "BIG")
    url = f"/events/{open_event.slug}/register"
    for number in range(5):
        answers = form(
            f"member{number}@ngo.example", organisation_id=str(big.id), country_of_work="JO"
        )
        assert app.test_client().submit(url, answers).status_code == 200
    lone = make_organisation("Lone Helpers")
    alone = form(
        "alone@ngo.example",
        organisation_id=str(lone.id),
        country_of_work="KW",
        theme_interests=[str(themes[0].id)],
    )
    crowd = form("crowd@ngo.example", organisation_id=str(big.id), country_of_work="JO")
    for answers in (alone, crowd):
        assert app.test_client().submit(url, answers).status_code == 200
    written = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(written) == 7
    erasing = [
        registration_id(app, address) for address in ("alone@ngo.example", "crowd@ngo.example")
    ]
    with app.app_context():
        for number in erasing:
            privacy.erase_registration(db.session.get(Registration, number), actor=None)
        db.session.commit()
        erased = {
            row.id: row
            for row in db.session.scalars(
                sa.select(Registration).where(Registration.anonymised_at.is_not(None))
            )
        }
        interests = db.session.scalar(
            sa.select(sa.func.count()).select_from(registration_theme_interests)
        )
    alone_row, crowd_row = sorted(erased.values(), key=lambda row: row.id)
    assert alone_row.organisation_id is None and alone_row.country_of_work is None
    # Six shared the network and Jordan: keeping them points at nobody.
    assert crowd_row.organisation_id == big.id and crowd_row.country_of_work == "JO"
    assert interests == 0
    remaining = list((tmp_path / "outbox").glob("*.eml"))
    assert len(remaining) == 5
    assert not any(b"alone@ngo.example" in path.read_bytes() for path in remaining)
