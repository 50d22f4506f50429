""" "You said, we did": what a series' public may read of its follow-up. Only items of public
editions, whose session's outcomes are published, and never of a closed session; only
published updates; a commitment's owner only where its session was on the record."""

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from consultation.agenda.models import Attribution, Session
from consultation.db import db
from consultation.events.models import Event, EventStatus
from consultation.follow_up.models import FollowUpUpdate
from consultation.outcomes.models import (
    Commitment,
    CommitmentStatus,
    Recommendation,
    RecommendationStatus,
    SessionOutcome,
)
from consultation.outcomes.visibility import publicly_readable
from consultation.taxonomy.models import Series, Theme


@dataclass(frozen=True)
class PublicFilters:
    edition_year: int | None = None
    theme_id: int | None = None
    status: str | None = None

    def as_query(self, **changes) -> dict[str, str]:
        values = {"theme": self.theme_id, "status": self.status, **changes}
        return {name: str(value) for name, value in values.items() if value}


@dataclass
class PublicItem:
    item: Recommendation | Commitment
    edition_year: int
    updates: list[FollowUpUpdate]
    # None where the session's rule forbids naming who took the commitment on
    owner_name: str | None = None


@dataclass
class ThemeGroup:
    theme: Theme | None
    recommendations: list[PublicItem] = field(default_factory=list)
    commitments: list[PublicItem] = field(default_factory=list)


def public_editions(series: Series) -> list[Event]:
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.series_id == series.id, Event.status != EventStatus.DRAFT)
            .order_by(Event.edition_year.desc())
        )
    )


def _public_items(model, series: Series, filters: PublicFilters, theme_of) -> list:
    statement = (
        sa.select(model, Event.edition_year, Session.attribution)
        .join(Event, Event.id == model.event_id)
        .join(Session, Session.id == model.session_id)
        .where(Event.series_id == series.id, *publicly_readable(model))
        .options(selectinload(model.updates))
        .order_by(Event.edition_year.desc(), model.number)
    )
    if filters.edition_year:
        statement = statement.where(Event.edition_year == filters.edition_year)
    statuses = RecommendationStatus if model is Recommendation else CommitmentStatus
    if filters.status:
        if filters.status not in {status.value for status in statuses}:
            # A status of the other kind of item: none of these has it.
            return []
        statement = statement.where(model.status == statuses(filters.status))
    if model is Recommendation:
        statement = statement.options(
            selectinload(Recommendation.themes), selectinload(Recommendation.follows)
        )
    else:
        statement = statement.options(
            joinedload(Commitment.outcome)
            .joinedload(SessionOutcome.session)
            .selectinload(Session.themes)
        )
    found = []
    for item, year, attribution in db.session.execute(statement).unique():
        themes = theme_of(item)
        if filters.theme_id and filters.theme_id not in {theme.id for theme in themes}:
            continue
        published = sorted(
            (update for update in item.updates if update.is_published),
            key=lambda update: (update.reported_on, update.created_at),
            reverse=True,
        )
        owner = (
            item.owner.name
            if model is Commitment and item.owner and attribution is Attribution.ON_RECORD
            else None
        )
        found.append((themes[0] if themes else None, PublicItem(item, year, published, owner)))
    return found


THEME_OF = {
    "recommendations": (Recommendation, lambda item: item.themes),
    "commitments": (Commitment, lambda item: item.outcome.session.themes),
}


def public_items(series: Series, kind: str, filters: PublicFilters) -> list[PublicItem]:
    """The public items of one kind, newest edition first, each with its themes loaded."""
    model, theme_of = THEME_OF[kind]
    return [item for _theme, item in _public_items(model, series, filters, theme_of)]


def follow_up_page(series: Series, filters: PublicFilters) -> list[ThemeGroup]:
    """The public items grouped by their first theme, in the themes' order; items without a
    theme last."""
    groups: dict[int | None, ThemeGroup] = {}
    lists = defaultdict(list)
    for kind, (model, theme_of) in THEME_OF.items():
        for theme, public_item in _public_items(model, series, filters, theme_of):
            key = theme.id if theme else None
            groups.setdefault(key, ThemeGroup(theme))
            lists[(key, kind)].append(public_item)
    for (key, kind), items in lists.items():
        setattr(groups[key], kind, items)
    return sorted(
        groups.values(),
        key=lambda group: (group.theme is None, group.theme.position if group.theme else 0),
    )


def status_counts(groups: list[ThemeGroup]) -> dict[str, dict]:
    """How many public items have each status, by kind: the page's summary."""
    counts = {"recommendations": defaultdict(int), "commitments": defaultdict(int)}
    for group in groups:
        for kind in counts:
            for public_item in getattr(group, kind):
                counts[kind][public_item.item.status] += 1
    return counts


def publicly_shown(recommendation_ids: set[int], model=Recommendation) -> set[int]:
    """Those of the items (recommendations unless told) that anyone may read."""
    if not recommendation_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(model.id).where(model.id.in_(recommendation_ids), *publicly_readable(model))
        )
    )
