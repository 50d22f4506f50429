"""The register of a series: every recommendation and commitment of every edition, searched,
filtered, sorted and paged in SQL, so a page costs the same few statements at any size."""

from dataclasses import dataclass, replace

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from consultation.agenda.models import Session, session_themes
from consultation.db import db, today_utc
from consultation.errors import NotFound
from consultation.events.models import Event, event_themes
from consultation.follow_up.models import CommitmentContact, FollowUpUpdate, UpdateReview
from consultation.organisations.models import Organisation
from consultation.outcomes.models import (
    Addressee,
    Commitment,
    CommitmentStatus,
    Priority,
    Recommendation,
    RecommendationStatus,
    SessionOutcome,
    open_statuses,
    recommendation_themes,
)
from consultation.taxonomy.models import Series, Theme

KINDS: dict[str, type[Recommendation] | type[Commitment]] = {
    "recommendations": Recommendation,
    "commitments": Commitment,
}
SORTS = ("reference", "status", "priority", "due", "owner")


@dataclass(frozen=True)
class RegisterFilters:
    kind: str = "recommendations"
    query: str | None = None
    edition_id: int | None = None
    theme_id: int | None = None
    status: str | None = None
    # Recommendations only
    addressee: Addressee | None = None
    priority: Priority | None = None
    # Commitments only
    owner_id: int | None = None
    overdue: bool = False
    # Commitments whose owner's contacts have never reported
    silent: bool = False
    to_review: bool = False
    sort: str = "reference"
    descending: bool = False

    @property
    def model(self):
        return KINDS[self.kind]

    @property
    def statuses(self):
        return RecommendationStatus if self.kind == "recommendations" else CommitmentStatus

    def as_query(self, **changes) -> dict[str, str]:
        values = {
            "kind": self.kind,
            "q": self.query,
            "edition": self.edition_id,
            "theme": self.theme_id,
            "status": self.status,
            "addressee": self.addressee.value if self.addressee else None,
            "priority": self.priority.value if self.priority else None,
            "owner": self.owner_id,
            "overdue": "1" if self.overdue else None,
            "silent": "1" if self.silent else None,
            "review": "1" if self.to_review else None,
            "sort": self.sort,
            "order": "desc" if self.descending else "asc",
        }
        values.update(changes)
        return {name: str(value) for name, value in values.items() if value}

    def of_kind(self, kind: str) -> "RegisterFilters":
        """The filters that still apply on the other kind's tab."""
        return replace(
            self,
            kind=kind,
            status=None,
            addressee=None,
            priority=None,
            owner_id=None,
            overdue=False,
            silent=False,
            sort="reference",
        )


def editions(series: Series) -> list[Event]:
    return list(
        db.session.scalars(
            sa.select(Event).where(Event.series_id == series.id).order_by(Event.edition_year)
        )
    )


def _filtered(series: Series, filters: RegisterFilters) -> sa.Select:
    model = filters.model
    statement = (
        sa.select(model).join(Event, Event.id == model.event_id).where(Event.series_id == series.id)
    )
    query = (filters.query or "").strip().casefold()
    if query:
        statement = statement.where(
            sa.or_(
                sa.func.lower(model.text).contains(query, autoescape=True),
                sa.func.lower(model.reference).contains(query, autoescape=True),
            )
        )
    if filters.edition_id:
        statement = statement.where(model.event_id == filters.edition_id)
    if filters.status in {status.value for status in filters.statuses}:
        statement = statement.where(model.status == filters.statuses(filters.status))
    if filters.theme_id:
        statement = statement.where(_has_theme(model, filters.theme_id))
    if filters.to_review:
        column = (
            FollowUpUpdate.recommendation_id
            if model is Recommendation
            else FollowUpUpdate.commitment_id
        )
        statement = statement.where(
            sa.exists().where(column == model.id, FollowUpUpdate.review == UpdateReview.PENDING)
        )
    if model is Recommendation:
        if filters.addressee:
            # The addressees are a JSON list of codes that hold no quotes: the quoted code
            # appears in its text only when it is in the list, on every database.
            statement = statement.where(
                sa.cast(Recommendation.addressees, sa.Text).contains(f'"{filters.addressee.value}"')
            )
        if filters.priority:
            statement = statement.where(Recommendation.priority == filters.priority)
    else:
        if filters.owner_id:
            statement = statement.where(Commitment.owner_id == filters.owner_id)
        if filters.overdue:
            statement = statement.where(
                Commitment.due_on < today_utc(),
                Commitment.status.in_(open_statuses(CommitmentStatus)),
            )
        if filters.silent:
            statement = statement.where(
                sa.exists().where(CommitmentContact.commitment_id == Commitment.id),
                ~sa.exists()
                .where(
                    FollowUpUpdate.contact_id == CommitmentContact.id,
                    CommitmentContact.commitment_id == Commitment.id,
                )
                .correlate(Commitment),
            )
    return statement


def _has_theme(model, theme_id: int):
    """Recommendations carry their own themes; a commitment has its session's."""
    if model is Recommendation:
        return sa.exists().where(
            recommendation_themes.c.recommendation_id == Recommendation.id,
            recommendation_themes.c.theme_id == theme_id,
        )
    return sa.exists().where(
        session_themes.c.session_id == Commitment.session_id,
        session_themes.c.theme_id == theme_id,
    )


def _ordered(statement: sa.Select, filters: RegisterFilters) -> sa.Select:
    model = filters.model
    columns = {
        "reference": (Event.edition_year, model.number),
        "status": (model.status,),
        "priority": (
            sa.case(
                {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2},
                value=Recommendation.priority,
            ),
        )
        if model is Recommendation
        else (),
        "due": (Commitment.due_on,) if model is Commitment else (),
        "owner": (),
    }.get(filters.sort, ())
    if filters.sort == "owner" and model is Commitment:
        statement = statement.outerjoin(Organisation, Organisation.id == Commitment.owner_id)
        columns = (Organisation.name_key,)
    keys = [column.desc() if filters.descending else column for column in columns]
    return statement.order_by(*keys, Event.edition_year, model.number)


def _row_options(model):
    options = [
        joinedload(model.outcome).joinedload(SessionOutcome.session).selectinload(Session.themes),
        selectinload(model.updates),
    ]
    if model is Commitment:
        options.append(selectinload(Commitment.contacts))
    if model is Recommendation:
        options += [
            selectinload(Recommendation.themes),
            selectinload(Recommendation.follows),
            selectinload(Recommendation.followed_by),
        ]
    return options


def _listed(series: Series, filters: RegisterFilters) -> sa.Select:
    return _ordered(_filtered(series, filters), filters).options(*_row_options(filters.model))


def register_page(series: Series, filters: RegisterFilters, page: int, per_page: int):
    return db.paginate(_listed(series, filters), page=page, per_page=per_page, error_out=False)


def register_items(series: Series, filters: RegisterFilters) -> list:
    """Every item the filters keep, in the page's order: for the export."""
    return list(db.session.scalars(_listed(series, filters)).unique())


def counts(series: Series) -> dict[str, int]:
    """Items of each kind, and updates waiting for the policy team's review."""
    in_series = sa.select(Event.id).where(Event.series_id == series.id)
    result = {
        kind: db.session.scalar(
            sa.select(sa.func.count(model.id)).where(model.event_id.in_(in_series))
        )
        for kind, model in KINDS.items()
    }
    result["to_review"] = db.session.scalar(
        sa.select(sa.func.count(FollowUpUpdate.id))
        .outerjoin(Recommendation, Recommendation.id == FollowUpUpdate.recommendation_id)
        .outerjoin(Commitment, Commitment.id == FollowUpUpdate.commitment_id)
        .where(
            FollowUpUpdate.review == UpdateReview.PENDING,
            sa.or_(Recommendation.event_id.in_(in_series), Commitment.event_id.in_(in_series)),
        )
    )
    return result


def series_themes(series: Series) -> list[Theme]:
    """The themes the series' editions, sessions and recommendations use, for the filters."""
    in_series = sa.select(Event.id).where(Event.series_id == series.id)
    used = sa.union(
        sa.select(event_themes.c.theme_id).where(event_themes.c.event_id.in_(in_series)),
        sa.select(session_themes.c.theme_id)
        .join(Session, Session.id == session_themes.c.session_id)
        .where(Session.event_id.in_(in_series)),
        sa.select(recommendation_themes.c.theme_id)
        .join(Recommendation, Recommendation.id == recommendation_themes.c.recommendation_id)
        .where(Recommendation.event_id.in_(in_series)),
    )
    return list(
        db.session.scalars(sa.select(Theme).where(Theme.id.in_(used)).order_by(Theme.position))
    )


def series_owners(series: Series) -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(
                Organisation.id.in_(
                    sa.select(Commitment.owner_id)
                    .join(Event, Event.id == Commitment.event_id)
                    .where(Event.series_id == series.id)
                )
            )
            .order_by(Organisation.name_key)
        )
    )


def item_or_404(kind: str, item_id: int) -> tuple[Recommendation | Commitment, Event]:
    """The item with its session, themes and whole history, and its edition."""
    model = KINDS.get(kind)
    item = (
        db.session.scalar(sa.select(model).where(model.id == item_id).options(*_row_options(model)))
        if model
        else None
    )
    if item is None:
        raise NotFound(_l("There is no such recommendation or commitment."))
    event = db.session.scalar(
        sa.select(Event).where(Event.id == item.event_id).options(joinedload(Event.series))
    )
    return item, event
