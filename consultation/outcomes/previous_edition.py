"""What a new edition takes up from the one before it in its series: the recommendations and
commitments still open, offered for following up, and an agenda session to review them."""

from dataclasses import dataclass
from datetime import time

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consultation.agenda.models import Attribution, Session, SessionKind
from consultation.agenda.services import SessionDetails, save_session
from consultation.db import db
from consultation.errors import Conflict
from consultation.events.models import Event, EventStatus
from consultation.multilingual import INTERFACE_LANGUAGES
from consultation.outcomes.models import (
    Commitment,
    CommitmentStatus,
    Recommendation,
    RecommendationStatus,
    open_statuses,
)
from consultation.outcomes.visibility import publicly_readable


@dataclass
class OpenItems:
    edition: Event
    recommendations: list[Recommendation]
    commitments: list[Commitment]

    def __bool__(self) -> bool:
        return bool(self.recommendations or self.commitments)


def _public(model, edition: Event, statuses) -> list:
    """The edition's items in these statuses that anyone may read: of published sessions'
    outcomes, never a closed session's. A new edition's team, and its public agenda, see
    no more of an earlier edition than that."""
    return list(
        db.session.scalars(
            sa.select(model)
            .where(
                model.event_id == edition.id, model.status.in_(statuses), *publicly_readable(model)
            )
            .order_by(model.number)
        )
    )


def previous_edition(event: Event) -> Event | None:
    """The series' latest public edition before this one."""
    if event.series_id is None:
        return None
    return db.session.scalar(
        sa.select(Event)
        .where(
            Event.series_id == event.series_id,
            Event.edition_year < event.edition_year,
            Event.status != EventStatus.DRAFT,
        )
        .order_by(Event.edition_year.desc())
        .limit(1)
    )


def previous_open_items(event: Event) -> OpenItems | None:
    """The open items of the series' latest public edition before this one, if any."""
    edition = previous_edition(event)
    if edition is None:
        return None
    return OpenItems(
        edition,
        _public(Recommendation, edition, open_statuses(RecommendationStatus)),
        _public(Commitment, edition, open_statuses(CommitmentStatus)),
    )


def _description(items: OpenItems) -> str:
    lines = [
        _(
            "Where the recommendations and commitments of %(year)d still open stand:",
            year=items.edition.edition_year,
        ),
        "",
    ]
    for item in [*items.recommendations, *items.commitments]:
        lines.append(f"- **{item.reference}** ({item.status.label}): {item.text}")
    return "\n".join(lines)


def _texts(items: OpenItems, language: str) -> dict[str, str]:
    with force_locale(language):
        return {
            "title": _("Progress since the last consultation"),
            "description": _description(items),
        }


def add_progress_session(event: Event) -> Session:
    """A plenary on the first morning that reviews the previous edition's open items, its
    description listing them, in each language; the organisers move it where it belongs."""
    items = previous_open_items(event)
    if not items:
        raise Conflict(_l("The previous edition of the series has no open item to review."))
    texts = _texts(items, event.content_language)
    exists = db.session.scalar(
        sa.select(Session.id).where(Session.event_id == event.id, Session.title == texts["title"])
    )
    if exists is not None:
        raise Conflict(_l("The agenda has this session already."))
    session = save_session(
        event,
        None,
        SessionDetails(
            title=texts["title"],
            kind=SessionKind.PLENARY,
            day=event.start_date,
            start=time(9),
            end=time(10),
            description=texts["description"],
            attribution=Attribution.ON_RECORD,
        ),
    )
    for language in INTERFACE_LANGUAGES:
        if language != event.content_language:
            session.set_translations(language, _texts(items, language))
    return session
