"""The demo series' previous edition (2026, Amman) and its year of follow-up: what the
register, the public page and the 2027 edition's threads show on a fresh demo."""

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consultation.agenda.models import Attribution, Session
from consultation.db import db
from consultation.demo import DEMO_EVENT_SLUG
from consultation.events import access as event_access
from consultation.events.models import Event, EventStatus
from consultation.follow_up.models import FollowUpUpdate, UpdateReview
from consultation.outcomes.models import (
    Commitment,
    CommitmentStatus,
    Recommendation,
    RecommendationStatus,
)
from consultation.reports import rendering
from consultation.reports.models import Audience, ReportKind
from tests.helpers import pdf_text


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output


def test_the_previous_edition_is_an_archived_edition_of_the_same_series(app, demo):
    with app.app_context():
        editions = db.session.scalars(sa.select(Event).order_by(Event.edition_year)).all()
        assert [(e.edition_year, e.city, e.status) for e in editions] == [
            (2026, "Amman", EventStatus.ARCHIVED),
            (2027, "Istanbul", EventStatus.PUBLISHED),
        ]
        assert editions[0].series_id == editions[1].series_id is not None


def test_its_follow_up_is_a_realistic_mix(app, demo):
    with app.app_context():
        recommendations = {
            item.reference: item
            for item in db.session.scalars(
                sa.select(Recommendation).options(selectinload(Recommendation.followed_by))
            )
        }
        commitments = {item.reference: item for item in db.session.scalars(sa.select(Commitment))}
        statuses = {r.status for ref, r in recommendations.items() if "2026" in ref}
        assert {
            RecommendationStatus.OPEN,
            RecommendationStatus.ACCEPTED,
            RecommendationStatus.IMPLEMENTED,
            RecommendationStatus.SUPERSEDED,
        } <= statuses
        # Superseded by 2027 items, which follow them up.
        superseded = [r for r in recommendations.values() if r.status.value == "superseded"]
        assert superseded and all(
            any("2027" in later.reference for later in item.followed_by) for item in superseded
        )
        done = commitments["MENA-2026-C02"]
        assert (done.status, done.progress) == (CommitmentStatus.DONE, 5)
        overdue = [c.reference for c in commitments.values() if c.is_overdue]
        if date.today() > date(2026, 10, 31):
            assert {"MENA-2026-C03", "MENA-2026-C04"} <= set(overdue)
        updates = db.session.scalars(sa.select(FollowUpUpdate)).all()
        assert any(u.evidence_links for u in updates)
        assert [u.review for u in updates].count(UpdateReview.PENDING) == 1


def test_the_register_and_the_public_page_show_both_editions(app, client, demo):
    page = client.get("/series/MENA/follow-up").get_data(as_text=True)
    assert "MENA-2026-R03" in page and "MENA-2027-R01" in page
    # The 2026 donor briefing was closed: its recommendation stays with the team.
    assert "MENA-2026-R09" not in page
    assert "Forty-two staff of national NGOs trained" in page
    # The organiser's update on C05 waits for the policy team.
    assert "it opens to all partners in January" not in page


def test_updates_on_chatham_house_commitments_never_name_their_owner(app, demo):
    with app.app_context():
        commitments = db.session.scalars(
            sa.select(Commitment)
            .join(Session, Session.id == Commitment.session_id)
            .where(Session.attribution != Attribution.ON_RECORD)
            .options(selectinload(Commitment.updates))
        ).all()
        checked = 0
        for commitment in commitments:
            names = {commitment.owner.name, commitment.owner.acronym}
            for update in commitment.updates:
                shown = " ".join([update.text or "", *update.evidence_links]).lower()
                assert not [name for name in names if name.lower() in shown], update.text
                checked += 1
        assert checked >= 4


def test_the_2027_outcome_report_has_a_progress_chapter_on_2026(app, demo):
    with app.test_request_context():
        event = event_access.event_by_slug(DEMO_EVENT_SLUG, *event_access.EVENT_PAGE_OPTIONS)
        html = rendering.report_html(event, ReportKind.OUTCOME, Audience.PUBLIC, "en")
        pdf = rendering.render_report(event, ReportKind.OUTCOME, Audience.PUBLIC, "en", html)
    text = " ".join(pdf_text(pdf.content).split())
    assert "Progress on previous commitments" in text
    assert "MENA-2026-R03" in text and "Implemented" in text
    assert "MENA-2026-C03" in text and "Overdue commitments" in text
    # The closed donor briefing of 2026 stays out of the public report.
    assert "MENA-2026-R09" not in text
