"""The outcome report of a later edition opens with progress on the previous edition's items."""

from datetime import date

import sqlalchemy as sa

from consultation.accounts.models import User
from consultation.db import db
from consultation.events import access as event_access
from consultation.follow_up import access, updates
from consultation.follow_up.register import item_or_404
from consultation.outcomes.models import ReviewStatus, SessionOutcome
from consultation.reports import rendering
from consultation.reports.models import Audience, ReportKind
from tests.follow_up.fixtures import publish_all_outcomes


def report(
    app, year: int, audience: Audience, kind=ReportKind.OUTCOME, language: str = "en"
) -> str:
    with app.test_request_context():
        event = event_access.event_by_slug(f"mena-{year}", *event_access.EVENT_PAGE_OPTIONS)
        return rendering.report_html(event, kind, audience, language)


def chapter(html: str) -> str:
    start = html.find('id="progress"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_the_next_editions_report_opens_with_the_previous_ones_progress(app, series_world):
    refs = series_world.references
    with app.app_context():
        policy = db.session.get(User, series_world.users["policy"].id)
        item, event = item_or_404("recommendations", series_world.items["r26_local"])
        updates.post_update(
            item,
            updates.UpdateDetails(date(2026, 9, 1), "superseded", "Taken up again."),
            policy,
            access.event_access(event, policy),
        )
        db.session.commit()
    # Another edition is shown as the public sees it: nothing until its outcomes are published.
    assert chapter(report(app, 2027, Audience.INTERNAL)) == ""
    publish_all_outcomes(app)
    internal = chapter(report(app, 2027, Audience.INTERNAL))
    assert "Progress on previous commitments" in internal
    for name in ("r26_access", "r26_local", "c26_overdue", "c26_done"):
        assert refs[name] in internal
    assert "Recommendations superseded by new ones" in internal
    overdue = internal[internal.find("Overdue commitments") :]
    assert refs["c26_overdue"] in overdue and refs["c26_done"] not in overdue
    # On the record in 2026: the overdue commitment's owner is named.
    assert "International Organization for Migration" in overdue or "IOM" in overdue
    # Nothing of 2027 itself in the chapter, and no chapter for the first edition.
    assert refs["r27_protocol"] not in internal
    assert chapter(report(app, 2026, Audience.INTERNAL)) == ""


def test_the_public_report_shows_only_published_sessions_of_the_previous_edition(app, series_world):
    assert chapter(report(app, 2027, Audience.PUBLIC)) == ""
    with app.app_context():
        for outcome in db.session.scalars(sa.select(SessionOutcome)):
            outcome.review_status = ReviewStatus.PUBLISHED
        db.session.commit()
    public = chapter(report(app, 2027, Audience.PUBLIC))
    assert series_world.references["r26_access"] in public
