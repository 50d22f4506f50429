import hashlib
import http.server
import io
import re
import threading
from datetime import timedelta

import pdfplumber
import pypdf
import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from fontTools.ttLib import TTFont

from consultation import PROJECT_ROOT
from consultation.accounts.models import Role
from consultation.agenda.models import (
    Attribution,
    Session,
    SessionSpeaker,
)
from consultation.db import db, now_utc
from consultation.events import access as event_access
from consultation.events.models import Event, EventStatus, TeamRole
from consultation.jobs import background_pool
from consultation.organisations.models import Organisation, OrganisationLevel, OrganisationType
from consultation.outcomes import reading
from consultation.outcomes import services as outcomes
from consultation.outcomes.models import (
    KeyPoint,
    Priority,
    Recommendation,
    ReviewStatus,
)
from consultation.registrations.models import Registration, RegistrationStatus
from consultation.reports import rendering
from consultation.reports.models import Audience, ExportState, ReportExport, ReportKind
from consultation.reports.pdf import render_pdf
from tests.factories import add_organisation, add_registration, recommendation
from tests.helpers import pdf_text, render
from tests.reports.fixtures import (
    ON_RECORD_SPEAKER,
    SPEAKER,
    SPEAKER_ORGANISATION,
    add_session,
    record,
)


def page_texts(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def test_the_public_outcome_report_holds_every_section_and_only_reviewed_content(app, consultation):
    content = render(app, consultation)
    text = pdf_text(content)
    for heading in (
        "Contents",
        "Executive summary",
        "About the consultation",
        "Participation at a glance",
        "Agenda",
        "Recommendations",
        "Commitments and action points",
        "Conclusions and next steps",
        "Annex 1: Participating organisations",
        "Annex 2: Participants",
    ):
        assert heading in text, heading
    assert "MENA-2027-R01" in text and "Publish access data yearly." in text
    assert "Negotiate monitored access." in text
    # Drafts and closed sessions stay inside the team.
    assert "Unreviewed diversion idea." not in text
    assert "Share incident reports in confidence." not in text
    assert "Draft" not in text
    # "Page X of Y" in the footer; bookmarks lead to the pages the contents announce.
    pages = page_texts(content)
    assert f"Page 2 of {len(pages)}" in pages[1]
    reader = pypdf.PdfReader(io.BytesIO(content))
    bookmarks = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in bookmarks][:4] == [
        "Contents",
        "Executive summary",
        "About the consultation",
        "Participation at a glance",
    ]
    for item in bookmarks:
        assert item.title in pages[reader.get_destination_page_number(item)]


def test_the_internal_report_marks_drafts_and_adds_closed_sessions(app, consultation):
    text = pdf_text(render(app, consultation, audience=Audience.INTERNAL))
    assert "Unreviewed diversion idea." in text
    assert "Share incident reports in confidence." in text
    assert "Security incidents debrief" in text
    assert "Draft" in text and "Do not circulate" in text
    # Outside the team, a closed session is not even named.
    assert "Security incidents debrief" not in pdf_text(render(app, consultation))


def test_statistics_equal_the_database_and_hide_small_groups(app, consultation):
    text = pdf_text(render(app, consultation))
    with app.app_context():
        confirmed = db.session.scalar(
            sa.select(sa.func.count(Registration.id)).where(
                Registration.status == RegistrationStatus.CONFIRMED
            )
        )
    assert confirmed == 12
    assert re.search(rf"Participants\s*{confirmed}\b", text)
    # A public report counts the organisations it may name: both, here.
    assert re.search(r"Organisations named\s*2\b", text)
    # 7 from an international NGO, 5 from a national one; one country of work.
    assert re.search(r"International NGO\s*7\b", text)
    assert re.search(r"National NGO\s*5\b", text)


def test_small_groups_are_shown_as_fewer_than_five(app, consultation):
    with app.app_context():
        event = db.session.get(Event, consultation.id)
        lone = add_organisation(
            "Tiny Local Group", OrganisationType.LOCAL_NGO, OrganisationLevel.LOCAL
        )
        add_registration(event, 50, lone, consent=False, country="LB")
        db.session.commit()
    text = pdf_text(render(app, consultation))
    assert re.search(r"Local NGO / community-based\s+organisation\s*<5", text)
    assert not re.search(r"Local NGO / community-based\s+organisation\s*1\b", text)
    # 13 in all: the other groups (7 and 5) are rounded, or subtraction would give the 1.
    assert re.search(r"Participants\s*13\b", text)
    assert re.search(r"International NGO\s*≈5", text)
    assert not re.search(r"International NGO\s*7\b", text)
    # Its organisation has one participant, who did not agree to be listed: not named.
    assert "Tiny Local Group" not in text
    assert "Global Relief" in text


def test_only_consenting_participants_are_named(app, consultation):
    text = pdf_text(render(app, consultation))
    for number in range(1, 13):
        name = f"Participant {number:03d}"
        consented = number % 2 == 0 and number <= 10
        assert (name in text) is consented, name
    assert "@" not in text
    assert "Wheelchair" not in text


def test_the_public_report_names_only_who_agreed_to_it_not_to_the_participants_list(
    app, consultation
):
    """Two consents: on the list given to participants, and named in the public report.
    Someone who gave only the first is on the circulated list, not in the public report."""
    with app.app_context():
        listed_only = db.session.scalar(
            sa.select(Registration).where(Registration.full_name == "Participant 002")
        )
        listed_only.named_in_report = False
        db.session.commit()
    public_report = pdf_text(render(app, consultation))
    circulated = pdf_text(render(app, consultation, kind=ReportKind.PARTICIPANTS))
    assert "Participant 002" not in public_report and "Participant 004" in public_report
    assert "Participant 002" in circulated


def test_chatham_house_outcomes_name_nobody(app, consultation):
    pages = page_texts(render(app, consultation, audience=Audience.INTERNAL))
    chatham_pages = [
        page
        for page in pages
        if "Negotiate monitored access." in page and "Key point of Access" in page
    ]
    assert chatham_pages
    for page in chatham_pages:
        assert SPEAKER not in page and SPEAKER_ORGANISATION not in page
    on_record = next(page for page in pages if "Key point of Opening on the record" in page)
    assert ON_RECORD_SPEAKER in on_record


def test_chatham_house_commitments_are_listed_without_their_owner(app, consultation):
    with app.app_context():
        event = db.session.get(Event, consultation.id)
        owner = db.session.scalar(
            sa.select(Organisation).where(Organisation.name == SPEAKER_ORGANISATION)
        )
        for title, text in (
            ("Access to detention centres", "Open a monitoring desk"),
            ("Opening on the record", "Publish the access map"),
        ):
            session = db.session.scalar(sa.select(Session).where(Session.title == title))
            _, outcome = reading.outcome_for_session(event, session.id)
            status, outcome.review_status = outcome.review_status, ReviewStatus.DRAFT
            outcomes.add_commitment(
                event, outcome, outcomes.CommitmentDetails(text, owner.id, None)
            )
            outcome.review_status = status
        db.session.commit()
    pages = page_texts(render(app, consultation))
    table = next(page for page in pages if "Open a monitoring desk" in page)
    assert "Publish the access map" in table
    assert "Not attributed" in table
    assert " ".join(table.split()).count(SPEAKER_ORGANISATION) == 1  # the on-the-record one


def test_pdf_metadata_has_title_and_language_and_no_personal_data(app, consultation):
    reader = pypdf.PdfReader(io.BytesIO(render(app, consultation)))
    metadata = reader.metadata
    assert metadata.title == "Outcome report — Regional Humanitarian Consultation"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    values = " ".join(str(value) for value in metadata.values())
    assert "@" not in values and "Participant" not in values and "organiser" not in values
    assert not reader.attachments


@pytest.fixture
def listener():
    """A local HTTP server that records every request it gets."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()


HOSTILE = """<img src="file:///etc/hostname"> <link rel="attachment" href="file:///etc/passwd">
<link rel="stylesheet" href="{url}/style.css"> <img src="{url}/pixel.png">
<div style="background: url({url}/background.png)">x</div>
<style>@import url("{url}/import.css"); body {{ background: url("file:///etc/hostname") }}</style>"""


def test_the_fetcher_refuses_files_and_the_network(app, listener):
    url, requests = listener
    html = f"<html><body><p>Report</p>{HOSTILE.format(url=url)}</body></html>"
    rendered = render_pdf(html)
    reader = pypdf.PdfReader(io.BytesIO(rendered.content))
    assert requests == []
    assert not reader.attachments
    # Nothing but the page's own text: no file's content came in.
    assert pdf_text(rendered.content).split() == ["Report", "x"]


def test_html_in_user_text_reaches_the_pdf_only_as_text(app, consultation, listener):
    url, requests = listener
    with app.app_context():
        event = db.session.get(Event, consultation.id)
        session = db.session.scalar(
            sa.select(Session).where(Session.title == "Opening on the record")
        )
        _, outcome = reading.outcome_for_session(event, session.id)
        outcome.summary = HOSTILE.format(url=url)
        db.session.commit()
    content = render(app, consultation)
    assert requests == []
    assert not pypdf.PdfReader(io.BytesIO(content)).attachments


def test_the_summary_never_exceeds_two_pages(app, consultation):
    with app.app_context():
        event = db.session.get(Event, consultation.id)
        session = db.session.scalar(
            sa.select(Session).where(Session.title == "Opening on the record")
        )
        _, outcome = reading.outcome_for_session(event, session.id)
        outcome.review_status = ReviewStatus.DRAFT
        for number in range(60):
            priority = Priority.HIGH if number < 3 else Priority.LOW
            outcomes.add_recommendation(
                event,
                outcome,
                recommendation(f"Recommendation {number} " + "with detail " * 12, priority),
            )
        outcome.review_status = ReviewStatus.PUBLISHED
        db.session.commit()
    pages = page_texts(render(app, consultation, kind=ReportKind.SUMMARY))
    assert len(pages) <= 2
    text = "\n".join(pages)
    assert "Recommendation 0 " in text and "Recommendation 2 " in text
    assert "Recommendation 59 " not in text


def test_gathering_a_report_takes_the_same_queries_whatever_its_size(
    app, consultation, count_queries, themes
):
    def build():
        with app.test_request_context():
            event = event_access.event_by_slug(consultation.slug, *event_access.EVENT_PAGE_OPTIONS)
            rendering.report_html(event, ReportKind.OUTCOME, Audience.INTERNAL, "en")

    before = count_queries(build)
    with app.app_context():
        event = db.session.get(Event, consultation.id)
        for hour in (14, 15, 16):
            session = add_session(
                event, f"Extra {hour}", Attribution.ON_RECORD, hour, "Extra Speaker"
            )
            record(event, session, None, ["One", "Two"], ReviewStatus.PUBLISHED)
        extra = add_organisation("Another NGO")
        for number in range(100, 130):
            add_registration(event, number, extra, consent=True)
        # Beyond 500 items, where loading by lists of ids would take a second query.
        _, outcome = reading.outcome_for_session(event, session.id)
        outcome.review_status = ReviewStatus.DRAFT
        theme = db.session.merge(themes[0])
        for number in range(520):
            outcome.key_points.append(KeyPoint(text=f"Point {number}", position=number))
            item = outcomes.add_recommendation(event, outcome, recommendation(f"Many {number}"))
            item.themes = [theme]
        outcome.review_status = ReviewStatus.PUBLISHED
        db.session.commit()
    assert count_queries(build) == before


@pytest.fixture
def team_client(app, consultation, make_user, add_to_team):
    def team_client(role: Role, team_role: TeamRole | None):
        user = make_user(role)
        if team_role:
            add_to_team(consultation, user, team_role)
        client = app.test_client()
        client.login(user.email)
        return client

    return team_client


def test_the_team_downloads_reports_and_each_download_is_recorded(app, consultation, team_client):
    client = team_client(Role.POLICY, TeamRole.POLICY)
    page = f"/manage/events/{consultation.slug}/reports"
    response = client.submit(page, {"kind": "summary", "audience": "public", "language": "en"})
    assert response.status_code == 303
    download = client.get(response.headers["Location"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Cache-Control"] == "no-store"
    with app.app_context():
        export = db.session.scalar(sa.select(ReportExport))
        assert export.kind is ReportKind.SUMMARY and export.state is ExportState.READY
        assert export.user.role is Role.POLICY
        assert export.sha256 == hashlib.sha256(download.data).hexdigest()
    # The same content again is served from the stored file.
    again = client.submit(page, {"kind": "summary", "audience": "public", "language": "en"})
    assert client.get(again.headers["Location"]).data == download.data
    assert "1 page" in client.get(page).get_data(as_text=True)
    # Participant lists are for organisers.
    refused = client.submit(
        page, {"kind": "participants", "audience": "internal", "language": "en"}
    )
    assert refused.status_code == 422
    preview = client.get(f"{page}/preview?kind=outcome&audience=internal&language=en")
    assert preview.status_code == 200 and "Unreviewed diversion idea." in preview.get_data(
        as_text=True
    )


def test_people_outside_the_team_get_no_report(
    app, consultation, team_client, make_event, add_to_team
):
    page = f"/manage/events/{consultation.slug}/reports"
    assert app.test_client().get(page).status_code == 302
    for client in (team_client(Role.PARTICIPANT, None), team_client(Role.ORGANISER, None)):
        assert client.get(page).status_code == 403
        assert (
            client.get(f"{page}/preview?kind=outcome&audience=internal&language=en").status_code
            == 403
        )
    organiser = team_client(Role.ORGANISER, TeamRole.ORGANISER)
    response = organiser.submit(
        page, {"kind": "participants", "audience": "internal", "language": "en"}
    )
    export_url = response.headers["Location"]
    assert organiser.get(export_url).status_code == 200
    # A rapporteur of the event may not fetch the organisers' participant list by its address.
    assert team_client(Role.RAPPORTEUR, TeamRole.RAPPORTEUR).get(export_url).status_code == 403


def test_anyone_downloads_the_agenda_of_a_published_event(app, consultation, make_event):
    response = app.test_client().get(f"/events/{consultation.slug}/agenda.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Access to detention centres" in text and ON_RECORD_SPEAKER in text
    draft = make_event(status=EventStatus.DRAFT)
    assert app.test_client().get(f"/events/{draft.slug}/agenda.pdf").status_code == 404


def test_large_reports_are_made_in_the_background(app, consultation, team_client):
    client = team_client(Role.ORGANISER, TeamRole.ORGANISER)
    threshold = app.config["REPORT_BACKGROUND_THRESHOLD"]
    app.config["REPORT_BACKGROUND_THRESHOLD"] = 0
    try:
        response = client.submit(
            f"/manage/events/{consultation.slug}/reports",
            {"kind": "agenda", "audience": "public", "language": "en"},
        )
    finally:
        app.config["REPORT_BACKGROUND_THRESHOLD"] = threshold
    progress = response.headers["Location"]
    assert progress.endswith(tuple("0123456789"))
    background_pool(app).wait(timeout=60)
    page = client.get(progress).get_data(as_text=True)
    assert "The report is ready." in page
    download = re.search(r'href="([^"]+\.pdf)"', page).group(1)
    assert client.get(download).mimetype == "application/pdf"


def test_a_failed_or_abandoned_export_says_so(app, consultation, team_client, monkeypatch):
    client = team_client(Role.ORGANISER, TeamRole.ORGANISER)

    def broken_renderer(*args, **kwargs):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(rendering, "render_pdf", broken_renderer)
    response = client.submit(
        f"/manage/events/{consultation.slug}/reports",
        {"kind": "agenda", "audience": "public", "language": "en"},
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The report could not be made." in page
    with app.app_context():
        export = db.session.scalar(sa.select(ReportExport))
        assert export.state is ExportState.FAILED and export.error == "RuntimeError"
        # A queued export whose job never ended is shown as failed, not "being prepared".
        export.state = ExportState.QUEUED
        export.created_at = now_utc() - timedelta(hours=2)
        db.session.commit()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The report could not be made." in page and "http-equiv" not in page


def test_the_command_line_writes_the_report(app, consultation, tmp_path):
    target = tmp_path / "report.pdf"
    result = app.test_cli_runner().invoke(
        args=["reports", "render", consultation.slug, "--kind", "agenda", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "Access to detention centres" in pdf_text(target.read_bytes())
    with app.app_context():
        export = db.session.scalar(sa.select(ReportExport))
        assert export.user_id is None and export.kind is ReportKind.AGENDA
    missing = app.test_cli_runner().invoke(args=["reports", "render", "nope", "-o", str(target)])
    assert missing.exit_code != 0 and "no event" in missing.output


ARABIC_TITLE = "المشاورة الإنسانية الإقليمية"
ARABIC_SESSION = "الوصول إلى مراكز الاحتجاز"


@pytest.mark.parametrize("kind", [ReportKind.OUTCOME, ReportKind.SUMMARY, ReportKind.AGENDA])
def test_reports_in_arabic_hold_arabic_text_in_reading_order(app, consultation, kind):
    with app.app_context():
        event = db.session.get(Event, consultation.id)
        event.set_translations("ar", {"title": ARABIC_TITLE})
        session = db.session.scalar(
            sa.select(Session).where(Session.title == "Access to detention centres")
        )
        session.set_translations("ar", {"title": ARABIC_SESSION})
        db.session.commit()
    content = render(app, consultation, kind, language="ar")
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    assert reader.metadata.title.endswith(ARABIC_TITLE)
    # pypdf gives Arabic in logical order: the words read as they were written.
    text = pdf_text(content)
    assert ARABIC_TITLE in text
    with app.test_request_context(), force_locale("ar"):
        assert str(kind.label) in text
    # Arabic month names, Western digits (a PDF keeps digits in visual order, so the two are
    # checked apart).
    assert "مارس" in text and "2027" in text
    assert not re.search("[\u0660-\u0669]", text)
    if kind is not ReportKind.SUMMARY:
        assert ARABIC_SESSION in text
    # A recommendation written in English stays whole, in its own direction.
    if kind is ReportKind.OUTCOME:
        assert "Publish access data yearly." in text


def test_reports_in_french_translate_headings_and_dates(app, consultation):
    text = pdf_text(render(app, consultation, language="fr"))
    assert "Résumé analytique" in text
    assert "1 mars 2027" in text
    # Untranslated texts appear in their original language.
    assert "Regional Humanitarian Consultation" in text


def test_the_team_may_export_in_any_interface_language(app, consultation, team_client):
    client = team_client(Role.POLICY, TeamRole.POLICY)
    page = f"/manage/events/{consultation.slug}/reports"
    form = client.get(page).get_data(as_text=True)
    # The event works in English and Arabic; French is offered too.
    assert re.search(r'<option[^>]*value="en".*value="ar".*value="fr"', form, re.S)
    response = client.submit(page, {"kind": "summary", "audience": "public", "language": "fr"})
    assert response.status_code == 303
    download = client.get(response.headers["Location"])
    assert "Résumé analytique" in pdf_text(download.data)


SHIPPED_FONTS = PROJECT_ROOT / "static" / "fonts"


def shipped_font_names() -> set[str]:
    """The full names ("Noto Sans Bold") of the font files in static/fonts/."""
    return {
        TTFont(path)["name"].getDebugName(4)
        for path in SHIPPED_FONTS.rglob("*")
        if path.suffix in {".ttf", ".otf", ".woff", ".woff2"}
    }


def embedded_font_names(content: bytes) -> dict[str, str | None]:
    """For each font the PDF uses (by its PDF name), the full name written in the font
    program it embeds; None for a font that embeds none."""
    names: dict[str, str | None] = {}

    def visit(resources) -> None:
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = described.get("/FontDescriptor")
            program = next(
                (
                    descriptor[key].get_object().get_data()
                    for key in ("/FontFile2", "/FontFile3", "/FontFile")
                    if descriptor is not None and key in descriptor.get_object()
                ),
                None,
            )
            names[str(font["/BaseFont"])] = (
                TTFont(io.BytesIO(program))["name"].getDebugName(4) if program else None
            )
        for drawing in resources.get("/XObject", {}).values():
            drawing = drawing.get_object()
            if "/Resources" in drawing:
                visit(drawing["/Resources"].get_object())

    for page in pypdf.PdfReader(io.BytesIO(content)).pages:
        visit(page["/Resources"].get_object())
    return names


EMOJI = "🌍🎉✅👍🏽❤️"


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("kind", list(ReportKind))
def test_every_font_in_a_report_is_one_the_application_ships(app, consultation, kind, language):
    """A character the shipped fonts lack is drawn from whatever font the machine has, so
    that the same report differs from one server to the next."""
    with app.app_context():
        event = db.session.get(Event, consultation.id)
        event.title = f"Regional Humanitarian Consultation {EMOJI}"
        event.venue = f"Hall {EMOJI}"
        for session in db.session.scalars(sa.select(Session).where(Session.event_id == event.id)):
            session.title = f"{session.title} {EMOJI}"
            session.room = f"Room {EMOJI}"
        for speaker in db.session.scalars(sa.select(SessionSpeaker)):
            speaker.name = f"{speaker.name} {EMOJI}"
        for registration in db.session.scalars(sa.select(Registration)):
            registration.full_name = f"{registration.full_name} {EMOJI}"
            registration.job_title = f"Coordinator {EMOJI}"
        for organisation in db.session.scalars(sa.select(Organisation)):
            organisation.name = f"{organisation.name} {EMOJI}"
        for model in (KeyPoint, Recommendation):
            for item in db.session.scalars(sa.select(model)):
                item.text = f"{item.text} {EMOJI}"
        outcome = reading.event_outcome(event)
        outcome.executive_summary = f"We agreed {EMOJI}"
        # A group of fewer than five: the other groups are shown rounded, "≈5".
        lone = add_organisation("Tiny Local Group", OrganisationType.LOCAL_NGO)
        add_registration(event, 50, lone, consent=False, country="LB")
        db.session.commit()
    content = render(app, consultation, kind, Audience.INTERNAL, language)
    if kind is ReportKind.OUTCOME:
        assert "≈5" in pdf_text(content)
    shipped = shipped_font_names()
    embedded = embedded_font_names(content)
    assert embedded, "no font in the PDF"
    assert {name: full for name, full in embedded.items() if full not in shipped} == {}


def drawn_text(content: bytes) -> str:
    """The PDF's characters as drawn, left to right along each line (pdfplumber groups them
    into lines by position, loosely: Amiri and Noto Sans sit at different heights on one
    line): a right-to-left word is spelt backwards, and punctuation shows on which side it is."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "\n".join(page.extract_text(y_tolerance=6) for page in pdf.pages)


def line_holding(content: bytes, text: str) -> str:
    """The line of the PDF that shows ``text``, its characters from left to right (a list's
    numbers are drawn after the page's text, so they are not beside it in drawing order)."""
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        for page in pdf.pages:
            drawn = "".join(char["text"] for char in page.chars)
            if text in drawn:
                top = page.chars[drawn.index(text)]["top"]
                line = [char for char in page.chars if abs(char["top"] - top) < 1]
                return "".join(char["text"] for char in sorted(line, key=lambda c: c["x0"]))
    raise AssertionError(f"{text!r} is not in the PDF")


def rename_people(app, event, person: str, speaker: str, organisation: str, job_title: str):
    """The first participant listed, the on-the-record speaker and their organisation
    (which also owns a commitment) get the names given."""
    with app.app_context():
        stored = db.session.get(Event, event.id)
        registration = db.session.scalar(
            sa.select(Registration).where(Registration.full_name == "Participant 002")
        )
        registration.full_name, registration.job_title = person, job_title
        db.session.scalar(
            sa.select(SessionSpeaker).where(SessionSpeaker.name == ON_RECORD_SPEAKER)
        ).name = speaker
        relief = db.session.scalar(
            sa.select(Organisation).where(Organisation.name == "Global Relief")
        )
        relief.name = organisation
        session = db.session.scalar(
            sa.select(Session).where(Session.title == "Opening on the record")
        )
        _, outcome = reading.outcome_for_session(stored, session.id)
        status, outcome.review_status = outcome.review_status, ReviewStatus.DRAFT
        outcomes.add_commitment(
            stored, outcome, outcomes.CommitmentDetails("Map access.", relief.id, None)
        )
        outcomes.add_key_point(outcome, "Be safe.")
        outcome.review_status = status
        db.session.commit()


LATIN_PERSON, LATIN_SPEAKER = "Ali Jr.", "Omar Farouk Jr."
LATIN_ORGANISATION, LATIN_JOB = "Global Relief Ltd.", "Field officer (MENA)."
SHOWN_PEOPLE = {
    ReportKind.OUTCOME: [LATIN_PERSON, LATIN_SPEAKER, LATIN_ORGANISATION],
    ReportKind.AGENDA: [LATIN_SPEAKER, LATIN_ORGANISATION],
    ReportKind.PARTICIPANTS: [LATIN_PERSON, LATIN_ORGANISATION, LATIN_JOB],
}


@pytest.mark.parametrize("kind", list(SHOWN_PEOPLE))
def test_latin_names_in_arabic_reports_keep_their_punctuation(app, consultation, kind):
    rename_people(app, consultation, LATIN_PERSON, LATIN_SPEAKER, LATIN_ORGANISATION, LATIN_JOB)
    with app.app_context():
        db.session.get(Event, consultation.id).series.name = "IOM–NGO Consultations (MENA)"
        db.session.commit()
    content = render(app, consultation, kind, Audience.INTERNAL, "ar")
    text, drawn = pdf_text(content), drawn_text(content)
    for name in SHOWN_PEOPLE[kind]:
        # Not ".Ali Jr": the full stop ends the name, on its right.
        assert name in text, name
        assert name in drawn, name
    if kind is ReportKind.OUTCOME:
        # Numbered on the left, as English is: not ".Be safe .1".
        assert "Be safe." in drawn
        assert re.fullmatch(r"\d+\. Be safe\.", line_holding(content, "Be safe."))
    if kind is not ReportKind.PARTICIPANTS:
        assert "IOM–NGO Consultations (MENA)" in drawn


ARABIC_PERSON, ARABIC_SPEAKER = "علي حسن.", "رانيا حداد."
ARABIC_ORGANISATION, ARABIC_JOB = "جمعية الإغاثة.", "منسق ميداني."


@pytest.mark.parametrize("kind", list(SHOWN_PEOPLE))
def test_arabic_names_in_latin_reports_keep_their_punctuation(app, consultation, kind):
    rename_people(app, consultation, ARABIC_PERSON, ARABIC_SPEAKER, ARABIC_ORGANISATION, ARABIC_JOB)
    content = render(app, consultation, kind, Audience.INTERNAL, "en")
    drawn = drawn_text(content)
    names = {
        LATIN_PERSON: ARABIC_PERSON,
        LATIN_SPEAKER: ARABIC_SPEAKER,
        LATIN_ORGANISATION: ARABIC_ORGANISATION,
        LATIN_JOB: ARABIC_JOB,
    }
    for latin in SHOWN_PEOPLE[kind]:
        name = names[latin]
        # Drawn right to left: the full stop that ends the name is on its left.
        assert "." + name.removesuffix(".")[::-1] in drawn, name
