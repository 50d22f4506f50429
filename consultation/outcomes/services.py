"""Outcomes: who records and reviews them, the review workflow, and the references that never
change once given."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from consultation.accounts.models import Role, User
from consultation.agenda.models import Session, SessionKind, SessionSpeaker, session_themes
from consultation.db import db, now_utc
from consultation.errors import Conflict, ConsultationError, NotAllowed, NotFound
from consultation.events.access import TEAM_ROLE_PERMISSION, event_by_slug, team_role
from consultation.events.models import Event, TeamRole
from consultation.events.services import short_code_for
from consultation.organisations.models import Organisation
from consultation.outcomes.models import (
    Addressee,
    Commitment,
    CommitmentStatus,
    CommitmentStatusChange,
    EventOutcome,
    KeyPoint,
    Priority,
    Recommendation,
    ReviewStatus,
    SessionOutcome,
    recommendation_themes,
)
from consultation.taxonomy.models import Theme

# Access --------------------------------------------------------------------------------------

RECORDING_ROLES = (TeamRole.ORGANISER, TeamRole.RAPPORTEUR)
REVIEWING_ROLES = (TeamRole.ORGANISER, TeamRole.POLICY)


@dataclass(frozen=True)
class OutcomeAccess:
    """What one user may do with one event's outcomes."""

    can_record: bool
    can_review: bool

    @property
    def can_read(self) -> bool:
        return self.can_record or self.can_review


def outcome_access(event: Event, user: User) -> OutcomeAccess:
    if not user.is_authenticated:
        return OutcomeAccess(False, False)
    if user.role is Role.ADMIN:
        return OutcomeAccess(True, True)
    role = team_role(event, user)
    # The global role must still carry the permission: a demoted user loses the team role.
    if role is None or not user.can(TEAM_ROLE_PERMISSION[role]):
        return OutcomeAccess(False, False)
    return OutcomeAccess(role in RECORDING_ROLES, role in REVIEWING_ROLES)


def outcomes_event(slug: str, user: User, *options) -> tuple[Event, OutcomeAccess]:
    """The event and what this user may do with its outcomes; 403 for anyone off its team."""
    event = event_by_slug(slug, joinedload(Event.series), *options)
    access = outcome_access(event, user)
    if not access.can_read:
        raise NotAllowed(_l("You are not on the team of this event."))
    return event, access


# Reading -------------------------------------------------------------------------------------


def _outcome_options():
    return (
        selectinload(SessionOutcome.key_points),
        selectinload(SessionOutcome.recommendations).selectinload(Recommendation.themes),
        selectinload(SessionOutcome.commitments).selectinload(Commitment.history),
    )


def _grouped(pairs) -> defaultdict:
    groups = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return groups


# The two readers below load each collection with one query on the event's id, never with
# lists of ids: SQLAlchemy splits those into batches of 500, so the number of queries would
# grow with the size of the event.


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


# Recording -----------------------------------------------------------------------------------


def check_editable(status: ReviewStatus) -> None:
    """Submitted, approved and published outcomes are locked until returned to draft."""
    if status is not ReviewStatus.DRAFT:
        raise Conflict(
            _l(
                "These outcomes are %(status)s: return them to draft before changing them.",
                status=status.label,
            )
        )


def save_session_summary(outcome: SessionOutcome, summary: str | None) -> None:
    check_editable(outcome.review_status)
    _stored(outcome).summary = summary or None


def save_conclusions(
    event: Event, executive_summary: str | None, conclusions: str | None, next_steps: str | None
) -> EventOutcome:
    outcome = _stored_event_outcome(event)
    check_editable(outcome.review_status)
    outcome.executive_summary = executive_summary or None
    outcome.conclusions = conclusions or None
    outcome.next_steps = next_steps or None
    return outcome


def reference_prefix(event: Event) -> str:
    """The series' code or the event's short code, and the edition year: MENA-2027. An event
    made without the event form (in no series, with no short code) has its title's initials."""
    code = event.series.code if event.series else event.short_code or short_code_for(event.title)
    return f"{code}-{event.edition_year}"


def _give_reference(event: Event, item: Recommendation | Commitment) -> None:
    """Takes the item's number with one UPDATE ... RETURNING: concurrent rapporteurs never
    get the same one, on SQLite as on PostgreSQL."""
    _stored_event_outcome(event)
    db.session.flush()
    counter = getattr(EventOutcome, item.counter)
    item.number = db.session.execute(
        sa.update(EventOutcome)
        .where(EventOutcome.event_id == event.id)
        .values({counter: counter + 1})
        .returning(counter)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    item.reference = f"{reference_prefix(event)}-{item.letter}{item.number:02d}"


def _next_position(items: list) -> int:
    return max((item.position for item in items), default=-1) + 1


def _required_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ConsultationError(_l("Write the text."), field="text")
    return text


def add_key_point(outcome: SessionOutcome, text: str) -> KeyPoint:
    check_editable(outcome.review_status)
    point = KeyPoint(text=_required_text(text), position=_next_position(outcome.key_points))
    _stored(outcome).key_points.append(point)
    return point


@dataclass
class RecommendationDetails:
    text: str
    addressees: list[Addressee]
    other_addressee: str | None
    priority: Priority
    theme_ids: list[int]


def _themes(theme_ids: list[int]) -> list[Theme]:
    if not theme_ids:
        return []
    return list(db.session.scalars(sa.select(Theme).where(Theme.id.in_(theme_ids))))


def _apply_recommendation(item: Recommendation, details: RecommendationDetails) -> None:
    if not details.addressees and not (details.other_addressee or "").strip():
        raise ConsultationError(
            _l("Say whom the recommendation is addressed to."), field="addressees"
        )
    item.text = _required_text(details.text)
    item.addressees = [addressee.value for addressee in details.addressees]
    item.other_addressee = (details.other_addressee or "").strip() or None
    item.priority = details.priority
    item.themes = _themes(details.theme_ids)


def add_recommendation(
    event: Event, outcome: SessionOutcome, details: RecommendationDetails
) -> Recommendation:
    check_editable(outcome.review_status)
    item = Recommendation(event_id=event.id, position=_next_position(outcome.recommendations))
    set_committed_value(item, "themes", [])
    _apply_recommendation(item, details)
    _give_reference(event, item)
    _stored(outcome).recommendations.append(item)
    return item


@dataclass
class CommitmentDetails:
    text: str
    owner_id: int | None
    due_on: date | None


def _apply_commitment(item: Commitment, details: CommitmentDetails) -> None:
    item.text = _required_text(details.text)
    owner = db.session.get(Organisation, details.owner_id) if details.owner_id else None
    if details.owner_id is not None and (owner is None or not owner.in_directory):
        raise ConsultationError(_l("Choose an organisation from the list."), field="owner_id")
    item.owner_id = details.owner_id
    item.due_on = details.due_on


def add_commitment(
    event: Event, outcome: SessionOutcome, details: CommitmentDetails, actor: User
) -> Commitment:
    check_editable(outcome.review_status)
    item = Commitment(
        event_id=event.id,
        position=_next_position(outcome.commitments),
        status=CommitmentStatus.PLANNED,
    )
    set_committed_value(item, "history", [])
    _apply_commitment(item, details)
    _give_reference(event, item)
    item.history.append(
        CommitmentStatusChange(from_status=None, to_status=CommitmentStatus.PLANNED, actor=actor)
    )
    _stored(outcome).commitments.append(item)
    return item


def update_key_point(outcome: SessionOutcome, item: KeyPoint, text: str) -> None:
    check_editable(outcome.review_status)
    item.text = _required_text(text)


def update_recommendation(
    outcome: SessionOutcome, item: Recommendation, details: RecommendationDetails
) -> None:
    check_editable(outcome.review_status)
    _apply_recommendation(item, details)


def update_commitment(
    outcome: SessionOutcome, item: Commitment, details: CommitmentDetails
) -> None:
    check_editable(outcome.review_status)
    _apply_commitment(item, details)


ITEM_COLLECTIONS = {
    "key-points": "key_points",
    "recommendations": "recommendations",
    "commitments": "commitments",
}


def outcome_item(outcome: SessionOutcome, collection: str, item_id: int):
    """An item of this session's outcome: ids of other sessions' items are not found here."""
    attribute = ITEM_COLLECTIONS.get(collection)
    item = next(
        (item for item in getattr(outcome, attribute, None) or [] if item.id == item_id), None
    )
    if item is None:
        raise NotFound(_l("This item does not exist or belongs to another session."))
    return item


def delete_item(outcome: SessionOutcome, collection: str, item_id: int) -> None:
    """Deletes a draft item; its reference is never given to another item."""
    check_editable(outcome.review_status)
    item = outcome_item(outcome, collection, item_id)
    getattr(outcome, ITEM_COLLECTIONS[collection]).remove(item)


def move_item(outcome: SessionOutcome, collection: str, item_id: int, step: int) -> None:
    """Moves an item one place up (step -1) or down (+1); references stay as they are."""
    check_editable(outcome.review_status)
    # A plain copy: swapping inside the mapped list would take the neighbour out of the
    # collection for a moment, and delete-orphan would delete it.
    items = list(getattr(outcome, ITEM_COLLECTIONS[collection]))
    item = outcome_item(outcome, collection, item_id)
    index = items.index(item)
    other = index + step
    if step not in (-1, 1) or not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        each.position = position


def set_commitment_status(
    commitment: Commitment, status: CommitmentStatus, note: str | None, actor: User
) -> None:
    """Commitments are tracked after the event, whatever the review status of their session."""
    if status is commitment.status:
        raise ConsultationError(
            _l("The commitment is already %(status)s.", status=status.label), field="status"
        )
    commitment.history.append(
        CommitmentStatusChange(
            from_status=commitment.status,
            to_status=status,
            note=(note or "").strip() or None,
            actor=actor,
        )
    )
    commitment.status = status


# Review --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewStep:
    name: str
    label: str
    target: ReviewStatus
    # Who may take the step: "record" (rapporteurs, organisers) or "review" (policy, organisers)
    needs: str


REVIEW_STEPS = {
    ReviewStatus.DRAFT: [
        ReviewStep("submit", _l("Submit for review"), ReviewStatus.IN_REVIEW, "record"),
    ],
    ReviewStatus.IN_REVIEW: [
        ReviewStep("approve", _l("Approve"), ReviewStatus.APPROVED, "review"),
        ReviewStep("return", _l("Return to draft"), ReviewStatus.DRAFT, "review"),
        ReviewStep("withdraw", _l("Withdraw from review"), ReviewStatus.DRAFT, "record"),
    ],
    ReviewStatus.APPROVED: [
        ReviewStep("publish", _l("Publish"), ReviewStatus.PUBLISHED, "review"),
        ReviewStep("reopen", _l("Reopen for changes"), ReviewStatus.DRAFT, "review"),
    ],
    ReviewStatus.PUBLISHED: [
        ReviewStep("reopen", _l("Reopen for changes"), ReviewStatus.DRAFT, "review"),
    ],
}


def review_steps(status: ReviewStatus, access: OutcomeAccess) -> list[ReviewStep]:
    allowed = {"record": access.can_record, "review": access.can_review}
    steps = [step for step in REVIEW_STEPS[status] if allowed[step.needs]]
    # A reviewer returning a submission needs no separate "withdraw" button.
    names = {step.name for step in steps}
    return [step for step in steps if not (step.name == "withdraw" and "return" in names)]


def take_review_step(
    outcome: SessionOutcome | EventOutcome,
    step_name: str,
    access: OutcomeAccess,
    actor: User,
    note: str | None = None,
) -> ReviewStatus:
    step = next(
        (step for step in review_steps(outcome.review_status, access) if step.name == step_name),
        None,
    )
    if step is None:
        raise NotAllowed(
            _l(
                "These outcomes are %(status)s; you cannot do that now.",
                status=outcome.review_status.label,
            )
        )
    if outcome not in db.session:
        db.session.add(outcome)
    outcome.review_status = step.target
    outcome.review_note = (note or "").strip() or None
    outcome.status_changed_by = actor
    outcome.status_changed_at = now_utc()
    return step.target


def review_event_outcome(
    event: Event, step_name: str, access: OutcomeAccess, actor: User, note: str | None = None
) -> ReviewStatus:
    return take_review_step(_stored_event_outcome(event), step_name, access, actor, note)
