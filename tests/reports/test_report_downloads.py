"""What a report download costs and leaves behind: anyone's agenda download is served from
the store and counted, not recorded; the same large export asked for many times is made
once; background renders share a bounded pool; who downloads what is audited."""

import threading

import sqlalchemy as sa

from consultation import jobs
from consultation.accounts.models import Role
from consultation.audit.models import AuditAction, AuditEvent
from consultation.db import db
from consultation.events.models import TeamRole
from consultation.reports import rendering
from consultation.reports import services as reports
from consultation.reports.models import ExportState, ReportExport


def exports(app) -> list[ReportExport]:
    with app.app_context():
        return db.session.scalars(sa.select(ReportExport).order_by(ReportExport.id)).all()


def organiser_client(app, event, make_user, add_to_team):
    organiser = make_user(Role.ORGANISER)
    add_to_team(event, organiser, TeamRole.ORGANISER)
    client = app.test_client()
    client.login(organiser.email)
    return client


def test_a_hundred_agenda_downloads_make_one_pdf_and_no_rows_for_the_organisers(
    app, client, make_event, make_user, add_to_team, monkeypatch
):
    event = make_event()
    renders = []
    render_pdf = rendering.render_pdf
    monkeypatch.setitem(app.config, "ANONYMOUS_DOWNLOAD_LIMIT", "1000 per minute")
    monkeypatch.setattr(
        rendering, "render_pdf", lambda *a, **k: renders.append(1) or render_pdf(*a, **k)
    )
    url = f"/events/{event.slug}/agenda.pdf"
    bodies = {client.get(url).data for _ in range(100)}
    assert len(bodies) == 1 and len(renders) == 1
    [export] = exports(app)
    assert export.download_count == 100
    organiser = organiser_client(app, event, make_user, add_to_team)
    page = organiser.get(f"/manage/events/{event.slug}/reports").get_data(as_text=True)
    assert "Public agenda downloaded 100 times" in page
    assert "No report has been generated yet" in page
    with app.app_context():
        assert reports.recent_exports(db.session.merge(event)) == []


def test_a_changed_agenda_is_made_again(app, client, make_event, monkeypatch):
    event = make_event()
    url = f"/events/{event.slug}/agenda.pdf"
    first = client.get(url).data
    with app.app_context():
        stored = db.session.merge(event)
        stored.venue = "Another venue"
        db.session.commit()
    assert client.get(url).data != first
    assert [export.download_count for export in exports(app)] == [1, 1]


def test_the_same_report_asked_for_a_dozen_times_is_made_once(
    app, make_event, make_user, add_to_team, monkeypatch
):
    event = make_event()
    client = organiser_client(app, event, make_user, add_to_team)
    monkeypatch.setitem(app.config, "REPORT_BACKGROUND_THRESHOLD", -1)
    started = threading.Event()
    release = threading.Event()
    produce = reports.produce

    def slow_produce(export_id):
        started.set()
        release.wait(timeout=30)
        return produce(export_id)

    monkeypatch.setattr(reports, "produce", slow_produce)
    fields = {"kind": "agenda", "audience": "public", "language": "en"}
    locations = {
        client.submit(f"/manage/events/{event.slug}/reports", fields).headers["Location"]
        for _ in range(12)
    }
    assert started.wait(timeout=30)
    release.set()
    jobs.background_pool(app).wait(timeout=60)
    assert len(locations) == 1
    [export] = exports(app)
    assert export.state is ExportState.READY


def test_background_renders_never_exceed_the_pool(app):
    """Twelve different long jobs at once: never more than BACKGROUND_WORKERS run together."""
    running, most, lock = [0], [0], threading.Lock()
    two_running, release = threading.Event(), threading.Event()

    def job():
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            if running[0] == 2:
                two_running.set()
        release.wait(timeout=5)
        with lock:
            running[0] -= 1

    with app.test_request_context():
        for number in range(12):
            jobs.enqueue_background(job, key=f"job-{number}")
    # The pool starts its second thread a moment after the first: the jobs are let go once two
    # run together (or after 5 s if they never do), so that a quick first job hides nothing.
    two_running.wait(timeout=5)
    release.set()
    jobs.background_pool(app).wait(timeout=60)
    assert most[0] == app.config["BACKGROUND_WORKERS"] == 2


def test_downloading_a_report_that_names_people_is_audited(app, make_event, make_user, add_to_team):
    event = make_event()
    client = organiser_client(app, event, make_user, add_to_team)
    fields = {"kind": "participants", "audience": "internal", "language": "en"}
    download = client.submit(f"/manage/events/{event.slug}/reports", fields).headers["Location"]
    assert client.get(download).mimetype == "application/pdf"
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == [AuditAction.REPORT_EXPORTED, AuditAction.REPORT_DOWNLOADED]
