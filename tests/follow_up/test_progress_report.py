"""The progress report of an edition: where its items stand and the updates published about
them, for the public or the team, in every language, from the web and the command line."""

import sqlalchemy as sa

from consultation.accounts.models import Role
from consultation.db import db
from consultation.events.models import TeamRole
from consultation.outcomes.models import ReviewStatus, SessionOutcome
from consultation.reports.models import Audience, ReportKind
from tests.follow_up.fixtures import publish_all_outcomes
from tests.follow_up.test_progress_chapter import report
from tests.helpers import pdf_text


def progress(app, audience: Audience, language: str = "en") -> str:
    return report(app, 2026, audience, ReportKind.PROGRESS, language)


def test_the_internal_report_shows_every_item_and_the_published_updates(app, series_world):
    html = progress(app, Audience.INTERNAL)
    refs = series_world.references
    for name in ("r26_access", "r26_local", "c26_overdue", "c26_done"):
        assert refs[name] in html
    assert refs["r27_protocol"] not in html
    assert "Shared with 40 NGOs." in html and "Updates since the consultation" in html
    assert "Overdue commitments" in html


def test_the_public_report_holds_only_published_sessions(app, series_world):
    html = progress(app, Audience.PUBLIC)
    assert "no recommendation or commitment to report on yet" in html
    with app.app_context():
        for outcome in db.session.scalars(sa.select(SessionOutcome)):
            outcome.review_status = ReviewStatus.PUBLISHED
        db.session.commit()
    assert series_world.references["r26_access"] in progress(app, Audience.PUBLIC)


def test_the_report_reads_right_to_left_in_arabic(app, series_world):
    html = progress(app, Audience.INTERNAL, "ar")
    assert 'lang="ar" dir="rtl"' in html


def test_the_command_line_renders_the_progress_report(app, series_world, tmp_path):
    output = tmp_path / "progress.pdf"
    result = app.test_cli_runner().invoke(
        args=["reports", "render", "mena-2026", "--kind", "progress", "--audience", "internal",
              "-o", str(output)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(pdf_text(output.read_bytes()).split())
    assert "Progress report" in text and series_world.references["c26_done"] in text


def test_the_policy_team_makes_it_from_the_web(app, client, series_world):
    client.login(series_world.users["policy"].email)
    response = client.submit(
        "/manage/events/mena-2026/reports",
        {"kind": "progress", "audience": "internal", "language": "fr"},
    )
    # A small report is made at once, and the browser sent on to its PDF.
    assert response.status_code == 303
    pdf = client.get(response.headers["Location"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(pdf_text(pdf.data).split())
    assert "Rapport d’avancement" in text
    assert series_world.references["c26_done"] in text


def test_the_series_report_covers_every_edition_up_to_this_one(app, series_world):
    refs = series_world.references
    # The 2027 team's internal report: its own edition whole, 2026 as the public sees it.
    html = report(app, 2027, Audience.INTERNAL, ReportKind.SERIES_PROGRESS)
    assert refs["r27_protocol"] in html and refs["r26_access"] not in html
    publish_all_outcomes(app)
    html = report(app, 2027, Audience.INTERNAL, ReportKind.SERIES_PROGRESS)
    istanbul, tunis = (
        f'The {year} consultation in <bdi dir="ltr">{city}</bdi>'
        for year, city in ((2027, "Istanbul"), (2026, "Tunis"))
    )
    assert istanbul in html and tunis in html
    assert html.index("The 2027 consultation") < html.index("The 2026 consultation")
    for name in ("r26_access", "c26_done", "r27_protocol", "c27_open"):
        assert refs[name] in html
    # Up to this edition: the 2026 edition's series report knows nothing of 2027.
    earlier = report(app, 2026, Audience.INTERNAL, ReportKind.SERIES_PROGRESS)
    assert refs["r27_protocol"] not in earlier and refs["r26_access"] in earlier


def test_an_event_outside_a_series_offers_no_series_report(
    app, client, make_user, make_event, add_to_team
):
    event = make_event(slug="standalone")
    organiser = make_user(Role.ORGANISER)
    add_to_team(event, organiser, TeamRole.ORGANISER)
    client.login(organiser.email)
    page = client.get("/manage/events/standalone/reports").get_data(as_text=True)
    assert 'value="progress"' in page and 'value="series_progress"' not in page
