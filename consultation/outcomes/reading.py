"""An event's outcomes as its pages and reports read them, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from consultation.agenda.models import Session, SessionKind, SessionSpeaker, session_themes
from consultation.db import db
from consultation.errors import NotFound
from consultation.events.models import Event
from consultation.outcomes.models import (
    Commitment,
    EventOutcome,
    KeyPoint,
    Recommendation,
    ReviewStatus,
    SessionOutcome,
    recommendation_themes,
)
from consultation.taxonomy.models import Theme

# Access --------------------------------------------------------------------------------------


def _outcome_options():
    return (
        selectinload(SessionOutcome.key_points),
        selectinload(SessionOutcome.recommendations).selectinload(Recommendation.themes),
        selectinload(SessionOutcome.recommendations).selectinload(Recommendation.follows),
        selectinload(SessionOutcome.commitments),
    )


def _grouped(pairs) -> defaultdict:
    groups = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return groups


def outcome_sessions(event: Event) -> list[Session]:
    """The sessions that can have outcomes (not breaks), in agenda order, with their themes
    and people, in three queries whatever their number."""
    in_event = sa.and_(Session.event_id == event.id, Session.kind != SessionKind.BREAK)
    sessions = list(
        db.session.scalars(
            sa.select(Session).where(in_event).order_by(Session.starts_at, Session.room, Session.id)
        )
    )
    themes = _grouped(
        db.session.execute(
            sa.select(session_themes.c.session_id, Theme)
            .join(Theme, Theme.id == session_themes.c.theme_id)
            .join(Session, Session.id == session_themes.c.session_id)
            .where(in_event)
            .order_by(Theme.position)
        )
    )
    speakers = _grouped(
        (speaker.session_id, speaker)
        for speaker in db.session.scalars(
            sa.select(SessionSpeaker)
            .join(Session, Session.id == SessionSpeaker.session_id)
            .where(in_event)
            .options(joinedload(SessionSpeaker.user), joinedload(SessionSpeaker.organisation))
            .order_by(SessionSpeaker.position, SessionSpeaker.id)
        )
    )
    for session in sessions:
        set_committed_value(session, "event", event)
        set_committed_value(session, "themes", themes[session.id])
        set_committed_value(session, "speakers", speakers[session.id])
    return sessions


def session_outcomes(event: Event) -> dict[int, SessionOutcome]:
    """Every recorded session outcome of the event with its key points, recommendations (and
    their themes) and commitments, by session id, in five queries whatever their number."""
    outcomes = {
        outcome.session_id: outcome
        for outcome in db.session.scalars(
            sa.select(SessionOutcome).where(SessionOutcome.event_id == event.id)
        )
    }
    key_points = _grouped(
        (point.session_id, point)
        for point in db.session.scalars(
            sa.select(KeyPoint)
            .join(SessionOutcome, SessionOutcome.session_id == KeyPoint.session_id)
            .where(SessionOutcome.event_id == event.id)
            .order_by(KeyPoint.position, KeyPoint.id)
        )
    )
    recommendations = list(
        db.session.scalars(
            sa.select(Recommendation)
            .where(Recommendation.event_id == event.id)
            .order_by(Recommendation.position, Recommendation.id)
        )
    )
    recommendation_theme_lists = _grouped(
        db.session.execute(
            sa.select(recommendation_themes.c.recommendation_id, Theme)
            .join(Theme, Theme.id == recommendation_themes.c.theme_id)
            .join(Recommendation, Recommendation.id == recommendation_themes.c.recommendation_id)
            .where(Recommendation.event_id == event.id)
            .order_by(Theme.position)
        )
    )
    commitments = list(
        db.session.scalars(
            sa.select(Commitment)
            .where(Commitment.event_id == event.id)
            .order_by(Commitment.position, Commitment.id)
        )
    )
    for item in recommendations:
        set_committed_value(item, "themes", recommendation_theme_lists[item.id])
    by_session = {
        "key_points": key_points,
        "recommendations": _grouped((item.session_id, item) for item in recommendations),
        "commitments": _grouped((item.session_id, item) for item in commitments),
    }
    for session_id, outcome in outcomes.items():
        for name, groups in by_session.items():
            set_committed_value(outcome, name, groups[session_id])
    return outcomes


def event_outcome(event: Event) -> EventOutcome:
    """The event's conclusions; a blank, unsaved one until someone writes them."""
    outcome = db.session.get(EventOutcome, event.id)
    return outcome or EventOutcome(
        event_id=event.id,
        review_status=ReviewStatus.DRAFT,
        last_recommendation_number=0,
        last_commitment_number=0,
    )


def _stored_event_outcome(event: Event) -> EventOutcome:
    outcome = db.session.get(EventOutcome, event.id)
    if outcome is not None:
        return outcome
    try:
        with db.session.begin_nested():
            outcome = EventOutcome(event_id=event.id)
            db.session.add(outcome)
    except IntegrityError:
        # Another request created it first.
        outcome = db.session.get(EventOutcome, event.id, populate_existing=True)
    return outcome


def outcome_for_session(event: Event, session_id: int) -> tuple[Session, SessionOutcome]:
    """A session of the event and its outcome (blank and unsaved until something is recorded)."""
    session = db.session.scalar(
        sa.select(Session)
        .where(Session.id == session_id, Session.event_id == event.id)
        .options(selectinload(Session.themes), selectinload(Session.speakers))
    )
    if session is None or session.kind is SessionKind.BREAK:
        raise NotFound(_l("This event has no such session."))
    outcome = db.session.scalar(
        sa.select(SessionOutcome)
        .where(SessionOutcome.session_id == session.id)
        .options(*_outcome_options())
    )
    if outcome is None:
        outcome = SessionOutcome(
            session_id=session.id, event_id=event.id, review_status=ReviewStatus.DRAFT
        )
        for name in ("key_points", "recommendations", "commitments"):
            set_committed_value(outcome, name, [])
    set_committed_value(outcome, "session", session)
    return session, outcome


def _stored(outcome: SessionOutcome) -> SessionOutcome:
    if outcome not in db.session:
        db.session.add(outcome)
        db.session.flush()
    return outcome


@dataclass(frozen=True)
class OutcomeSummary:
    session: Session
    status: ReviewStatus
    key_points: int
    recommendations: int
    commitments: int


def outcomes_overview(event: Event) -> list[OutcomeSummary]:
    sessions = outcome_sessions(event)
    counts = {
        row.session_id: row
        for row in db.session.execute(
            sa.select(
                SessionOutcome.session_id,
                SessionOutcome.review_status,
                sa.select(sa.func.count(KeyPoint.id))
                .where(KeyPoint.session_id == SessionOutcome.session_id)
                .scalar_subquery()
                .label("key_points"),
                sa.select(sa.func.count(Recommendation.id))
                .where(Recommendation.session_id == SessionOutcome.session_id)
                .scalar_subquery()
                .label("recommendations"),
                sa.select(sa.func.count(Commitment.id))
                .where(Commitment.session_id == SessionOutcome.session_id)
                .scalar_subquery()
                .label("commitments"),
            ).where(SessionOutcome.event_id == event.id)
        )
    }
    summaries = []
    for session in sessions:
        row = counts.get(session.id)
        summaries.append(
            OutcomeSummary(
                session,
                row.review_status if row else ReviewStatus.DRAFT,
                row.key_points if row else 0,
                row.recommendations if row else 0,
                row.commitments if row else 0,
            )
        )
    return summaries
