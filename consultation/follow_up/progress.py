"""Progress on a previous edition's recommendations and commitments, as a report shows it:
status by theme, overdue commitments, recommendations superseded by later ones. Public
reports see what the public page sees (published sessions, never a closed one)."""

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from consultation.agenda.models import Attribution, Session
from consultation.db import db
from consultation.events.models import Event, EventStatus
from consultation.outcomes.models import (
    Commitment,
    CommitmentStatus,
    Recommendation,
    RecommendationStatus,
    SessionOutcome,
)
from consultation.outcomes.previous_edition import previous_edition
from consultation.outcomes.visibility import publicly_readable
from consultation.taxonomy.models import Theme


@dataclass
class ThemeRow:
    theme: Theme | None
    counts: Counter

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class KindProgress:
    statuses: list
    rows: list[ThemeRow]

    @property
    def totals(self) -> Counter:
        return sum((row.counts for row in self.rows), Counter())

    @property
    def total(self) -> int:
        return sum(self.totals.values())


@dataclass
class EditionProgress:
    edition: Event
    recommendations: KindProgress
    commitments: KindProgress
    overdue: list[Commitment] = field(default_factory=list)
    # Each superseded recommendation with the later ones that follow it up
    superseded: list[tuple[Recommendation, list[Recommendation]]] = field(default_factory=list)
    # Sessions under the Chatham House rule: their commitments' owners are not named.
    unattributed: set[int] = field(default_factory=set)
    # Every recommendation, then every commitment, in the order of their references
    items: list = field(default_factory=list)
    # The published updates about them, newest first, each with its item
    updates: list = field(default_factory=list)


def _items(model, edition: Event, public_only: bool) -> list:
    statement = (
        sa.select(model)
        .where(model.event_id == edition.id)
        .options(
            joinedload(model.outcome)
            .joinedload(SessionOutcome.session)
            .selectinload(Session.themes)
        )
        .order_by(model.number)
    )
    if public_only:
        statement = statement.where(*publicly_readable(model))
    statement = statement.options(selectinload(model.updates))
    if model is Recommendation:
        statement = statement.options(
            selectinload(Recommendation.themes), selectinload(Recommendation.followed_by)
        )
    return list(db.session.scalars(statement).unique())


def _by_theme(items: list, statuses, theme_of) -> KindProgress:
    rows: dict[int | None, ThemeRow] = {}
    for item in items:
        themes = theme_of(item)
        theme = themes[0] if themes else None
        rows.setdefault(theme.id if theme else None, ThemeRow(theme, Counter())).counts[
            item.status
        ] += 1
    ordered = sorted(
        rows.values(), key=lambda row: (row.theme is None, row.theme.position if row.theme else 0)
    )
    return KindProgress(list(statuses), ordered)


def progress_of(edition: Event, public_only: bool) -> EditionProgress | None:
    """Where the edition's items stand, and the updates published about them; None when it
    recorded nothing that the audience may see."""
    recommendations = _items(Recommendation, edition, public_only)
    commitments = _items(Commitment, edition, public_only)
    if not recommendations and not commitments:
        return None
    items = [*recommendations, *commitments]
    return EditionProgress(
        edition=edition,
        recommendations=_by_theme(recommendations, RecommendationStatus, lambda r: r.themes),
        commitments=_by_theme(commitments, CommitmentStatus, lambda c: c.outcome.session.themes),
        overdue=[item for item in commitments if item.is_overdue],
        superseded=[
            (item, list(item.followed_by))
            for item in recommendations
            if item.status is RecommendationStatus.SUPERSEDED
        ],
        unattributed={
            item.session_id
            for item in commitments
            if item.outcome.session.attribution is not Attribution.ON_RECORD
        },
        items=items,
        updates=sorted(
            ((update, item) for item in items for update in item.updates if update.is_published),
            key=lambda pair: (pair[0].reported_on, pair[0].created_at),
            reverse=True,
        ),
    )


def progress_since(event: Event) -> EditionProgress | None:
    """Progress on the previous edition's items as the public sees them, for the report of
    ``event``; None when there is no previous edition or it recorded nothing."""
    edition = previous_edition(event)
    return progress_of(edition, public_only=True) if edition is not None else None


def series_progress(event: Event, internal: bool) -> list[EditionProgress]:
    """The progress of every edition of the event's series up to it, the latest first. An
    internal report shows the event's own edition whole, and the others as the public sees
    them: its team is not the other editions' team."""
    if event.series_id is None:
        return []
    editions = db.session.scalars(
        sa.select(Event)
        .where(Event.series_id == event.series_id, Event.edition_year <= event.edition_year)
        .order_by(Event.edition_year.desc())
    )
    found = (
        progress_of(edition, public_only=not (internal and edition.id == event.id))
        for edition in editions
        if edition.id == event.id or edition.status is not EventStatus.DRAFT
    )
    return [progress for progress in found if progress is not None]
