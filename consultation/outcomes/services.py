"""Recording outcomes: each session's summary, key points, recommendations and commitments, numbered for good once given, and kept in the order their rapporteur chooses."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from consultation.db import db
from consultation.errors import Conflict, ConsultationError, NotFound
from consultation.events.models import Event
from consultation.events.services import short_code_for
from consultation.multilingual import isolated
from consultation.organisations.models import Organisation
from consultation.outcomes.models import (
    Addressee,
    Commitment,
    CommitmentStatus,
    EventOutcome,
    KeyPoint,
    Priority,
    Recommendation,
    ReviewStatus,
    SessionOutcome,
)
from consultation.outcomes.reading import _stored, _stored_event_outcome
from consultation.taxonomy.models import Theme

# Access --------------------------------------------------------------------------------------


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
    # References of the earlier recommendations of the series it follows up
    follows: list[str] = field(default_factory=list)


def _themes(theme_ids: list[int]) -> list[Theme]:
    if not theme_ids:
        return []
    return list(db.session.scalars(sa.select(Theme).where(Theme.id.in_(theme_ids))))


def _apply_recommendation(
    event: Event, item: Recommendation, details: RecommendationDetails
) -> list[Recommendation]:
    """Applies the details but the threads: the earlier recommendations it follows up are
    returned, for the caller to set once the item is in the session (their ``followed_by``
    would otherwise hold an item the session does not know)."""
    if not details.addressees and not (details.other_addressee or "").strip():
        raise ConsultationError(
            _l("Say whom the recommendation is addressed to."), field="addressees"
        )
    item.text = _required_text(details.text)
    item.addressees = [addressee.value for addressee in details.addressees]
    item.other_addressee = (details.other_addressee or "").strip() or None
    item.priority = details.priority
    item.themes = _themes(details.theme_ids)
    return _earlier_recommendations(event, details.follows)


def _earlier_recommendations(event: Event, references: list[str]) -> list[Recommendation]:
    """The recommendations of earlier editions of the event's series with these references."""
    wanted = {reference.strip().upper() for reference in references if reference.strip()}
    if not wanted:
        return []
    found = []
    if event.series_id is not None:
        found = list(
            db.session.scalars(
                sa.select(Recommendation)
                .join(Event, Event.id == Recommendation.event_id)
                .where(
                    Event.series_id == event.series_id,
                    Event.edition_year < event.edition_year,
                    Recommendation.reference.in_(wanted),
                )
            )
        )
    unknown = sorted(wanted - {item.reference for item in found})
    if unknown:
        raise ConsultationError(
            # gettext, not _l: the lazy string would count as safe markup, and the
            # references are what the user typed.
            gettext(
                "No earlier edition of this series has a recommendation %(references)s.",
                references=", ".join(isolated(reference) for reference in unknown),
            ),
            field="follows",
        )
    return found


def add_recommendation(
    event: Event, outcome: SessionOutcome, details: RecommendationDetails
) -> Recommendation:
    check_editable(outcome.review_status)
    item = Recommendation(event_id=event.id, position=_next_position(outcome.recommendations))
    set_committed_value(item, "themes", [])
    set_committed_value(item, "updates", [])
    set_committed_value(item, "follows", [])
    follows = _apply_recommendation(event, item, details)
    _give_reference(event, item)
    _stored(outcome).recommendations.append(item)
    item.follows = follows
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


def add_commitment(event: Event, outcome: SessionOutcome, details: CommitmentDetails) -> Commitment:
    check_editable(outcome.review_status)
    item = Commitment(
        event_id=event.id,
        position=_next_position(outcome.commitments),
        status=CommitmentStatus.PLANNED,
    )
    set_committed_value(item, "updates", [])
    set_committed_value(item, "contacts", [])
    _apply_commitment(item, details)
    _give_reference(event, item)
    _stored(outcome).commitments.append(item)
    return item


def update_key_point(outcome: SessionOutcome, item: KeyPoint, text: str) -> None:
    check_editable(outcome.review_status)
    item.text = _required_text(text)


def update_recommendation(
    event: Event, outcome: SessionOutcome, item: Recommendation, details: RecommendationDetails
) -> None:
    check_editable(outcome.review_status)
    item.follows = _apply_recommendation(event, item, details)


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
