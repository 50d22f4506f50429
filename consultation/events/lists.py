"""Lists of events: the public list with its filters, and an organiser's dashboard."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload, selectinload

from consultation.accounts.models import Role, User
from consultation.db import db, now_utc
from consultation.events import signals
from consultation.events.models import (
    Event,
    EventMember,
    EventStatus,
    Region,
    TeamRole,
    event_themes,
)
from consultation.taxonomy.models import Theme

# Access --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFilters:
    region: Region | None = None
    theme: str | None = None
    year: int | None = None
    when: str | None = None  # "upcoming", "past" or None for both

    @property
    def active(self) -> bool:
        return any((self.region, self.theme, self.year, self.when))

    def as_query(self) -> dict[str, str]:
        values = {
            "region": self.region.value if self.region else None,
            "theme": self.theme,
            "year": str(self.year) if self.year else None,
            "when": self.when,
        }
        return {name: value for name, value in values.items() if value}


def public_events(filters: EventFilters, page: int) -> Pagination:
    """Published and archived events: coming ones soonest first, then past ones, newest first."""
    today = now_utc().date()
    is_over = sa.case((Event.end_date < today, 1), else_=0)
    statement = (
        sa.select(Event)
        .where(Event.status != EventStatus.DRAFT)
        .options(selectinload(Event.themes), joinedload(Event.series))
        .order_by(is_over, sa.case((is_over == 0, Event.start_date)), Event.start_date.desc())
        .order_by(Event.id)
    )
    if filters.region:
        statement = statement.where(Event.region == filters.region)
    if filters.year:
        statement = statement.where(Event.edition_year == filters.year)
    if filters.when == "upcoming":
        statement = statement.where(Event.end_date >= today)
    elif filters.when == "past":
        statement = statement.where(Event.end_date < today)
    if filters.theme:
        statement = statement.where(
            Event.id.in_(
                sa.select(event_themes.c.event_id)
                .join(Theme, Theme.id == event_themes.c.theme_id)
                .where(Theme.slug == filters.theme)
            )
        )
    return db.paginate(
        statement, page=page, per_page=current_app.config["EVENTS_PER_PAGE"], error_out=False
    )


def edition_years() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Event.edition_year)
            .where(Event.status != EventStatus.DRAFT)
            .distinct()
            .order_by(Event.edition_year.desc())
        )
    )


@dataclass(frozen=True)
class ManagedEvent:
    event: Event
    session_count: int
    # None for administrators, who are on no team but manage every event.
    role: TeamRole | None

    @property
    def organised(self) -> bool:
        return self.role in (None, TeamRole.ORGANISER)


def managed_events(user: User) -> list[ManagedEvent]:
    if user.role is Role.ADMIN:
        role = sa.null()
    else:
        role = (
            sa.select(EventMember.role)
            .where(EventMember.event_id == Event.id, EventMember.user_id == user.id)
            .correlate(Event)
            .scalar_subquery()
        )
    statement = (
        sa.select(Event, role)
        .options(joinedload(Event.series))
        .order_by(Event.start_date.desc(), Event.id)
    )
    if user.role is not Role.ADMIN:
        statement = statement.where(
            Event.id.in_(sa.select(EventMember.event_id).where(EventMember.user_id == user.id))
        )
    rows = db.session.execute(statement).all()
    counts = signals.collected(signals.events_counted, [event for event, _ in rows])
    return [
        ManagedEvent(
            event,
            counts.get("session_count", {}).get(event.id, 0),
            TeamRole(role) if role else None,
        )
        for event, role in rows
    ]
