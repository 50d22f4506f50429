"""What each report shows to whom, gathered in a fixed number of queries whatever the event's size."""

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from consultation.agenda.models import Attribution, Session
from consultation.agenda.services import agenda_by_day, agenda_sessions
from consultation.db import db
from consultation.events.models import Event
from consultation.follow_up.progress import (
    EditionProgress,
    progress_of,
    progress_since,
    series_progress,
)
from consultation.follow_up.public import publicly_shown
from consultation.i18n import country_name
from consultation.multilingual import text_direction
from consultation.organisations.models import Organisation
from consultation.outcomes.models import (
    Commitment,
    EventOutcome,
    Recommendation,
    SessionOutcome,
)
from consultation.outcomes.reading import event_outcome, outcome_sessions, session_outcomes
from consultation.registrations.configuration import settings_for
from consultation.registrations.models import Gender, Registration, RegistrationStatus
from consultation.reports import charts
from consultation.reports.models import (
    Audience,
    ReportKind,
)
from consultation.taxonomy.models import Theme

# A PDF annex of thousands of names costs minutes to render and nobody reads it: above this,
# the annex points to the participant list and the spreadsheet export instead.
PARTICIPANT_ANNEX_LIMIT = 500


@dataclass
class SessionReport:
    session: Session
    outcome: SessionOutcome
    # Speakers named next to the outcomes: only on-the-record sessions have any.
    named_speakers: list
    is_draft: bool


@dataclass
class ThemeChapter:
    theme: Theme | None
    sessions: list[SessionReport]


@dataclass
class Breakdown:
    title: str
    bars: list[charts.Bar]

    @property
    def rows(self) -> list[tuple[charts.Bar, Markup]]:
        scale = charts.largest(self.bars)
        right_to_left = text_direction(str(get_locale())) == "rtl"
        return [(bar, charts.bar_svg(bar, scale, right_to_left=right_to_left)) for bar in self.bars]


@dataclass
class Participation:
    total: int
    organisations: int
    countries: int
    breakdowns: list[Breakdown]
    # Public reports count only the organisations they may name.
    unnamed_organisations_left_out: bool = False

    @property
    def total_shown(self) -> str:
        return charts.Bar("", self.total).shown


@dataclass
class ReportData:
    event: Event
    kind: ReportKind
    audience: Audience
    language: str
    conclusions: EventOutcome | None = None
    chapters: list[ThemeChapter] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    participation: Participation | None = None
    organisations: list[Organisation] = field(default_factory=list)
    participants: list[Registration] = field(default_factory=list)
    days: list = field(default_factory=list)
    agenda: list[Session] = field(default_factory=list)
    recommendation_count: int = 0
    # Sessions whose commitments are listed without their owner (Chatham House rule).
    unattributed: set[int] = field(default_factory=set)
    annex_too_long: bool = False
    annex_limit: int = PARTICIPANT_ANNEX_LIMIT
    has_drafts: bool = False
    # Progress on the previous edition's items (outcome reports of a series' later editions)
    progress: EditionProgress | None = None
    # For each kind of item, each status with its tally and bar
    progress_bars: dict[str, list] = field(default_factory=dict)
    # The series progress report: each edition's progress and bars, the latest first
    editions: list[tuple[EditionProgress, dict]] = field(default_factory=list)

    @property
    def internal(self) -> bool:
        return self.audience is Audience.INTERNAL

    @property
    def title(self) -> str:
        return f"{self.kind.label} — {self.event.text('title')}"


def _included(outcome_status, audience: Audience) -> bool:
    return audience is Audience.INTERNAL or outcome_status.is_public


def _session_reports(
    event: Event, sessions: list[Session], audience: Audience
) -> list[SessionReport]:
    outcomes = session_outcomes(event)
    reports = []
    for session in sessions:
        outcome = outcomes.get(session.id)
        if outcome is None or not _included(outcome.review_status, audience):
            continue
        if session.attribution is Attribution.CLOSED and audience is Audience.PUBLIC:
            continue
        named = session.speakers if session.attribution is Attribution.ON_RECORD else []
        reports.append(SessionReport(session, outcome, named, not outcome.review_status.is_public))
    return reports


def _chapters(session_reports: list[SessionReport]) -> list[ThemeChapter]:
    """One chapter per theme, each session under its first theme, so nothing is repeated."""
    by_theme: dict[int | None, ThemeChapter] = {}
    for report in session_reports:
        theme = report.session.themes[0] if report.session.themes else None
        key = theme.id if theme else None
        by_theme.setdefault(key, ThemeChapter(theme, [])).sessions.append(report)
    return sorted(
        by_theme.values(),
        key=lambda chapter: (chapter.theme is None, chapter.theme.position if chapter.theme else 0),
    )


def _confirmed(event: Event):
    return sa.and_(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
    )


def participation(event: Event) -> Participation:
    """Confirmed participants counted by organisation type, level, country and gender."""
    rows = db.session.execute(
        sa.select(
            Organisation.type,
            Organisation.level,
            Registration.country_of_work,
            Registration.gender,
            Registration.organisation_id,
        )
        # Outer: an erased participant's private or small organisation is forgotten.
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .where(_confirmed(event))
    ).all()
    not_recorded = _("Not recorded")
    by_type = Counter(str(row.type.label) if row.type else not_recorded for row in rows)
    by_level = Counter(str(row.level.label) if row.level else not_recorded for row in rows)
    by_country = Counter(
        country_name(row.country_of_work) if row.country_of_work else not_recorded for row in rows
    )
    by_gender = _gender_counts(event, rows)
    return Participation(
        total=len(rows),
        organisations=len({row.organisation_id for row in rows} - {None}),
        countries=len({row.country_of_work for row in rows} - {None}),
        breakdowns=[
            Breakdown(_("By type of organisation"), charts.breakdown(by_type)),
            Breakdown(_("By level of organisation"), charts.breakdown(by_level)),
            Breakdown(
                _("By country of work"),
                charts.breakdown(by_country, limit=12, other_label=_("Other countries")),
            ),
            Breakdown(_("By gender"), charts.breakdown(by_gender)),
        ],
    )


def _gender_counts(event: Event, rows) -> Counter:
    """Answers still held, and the counts kept when the retention job cleared the others."""
    kept = {
        Gender(value): count for value, count in ((settings_for(event).gender_counts or {}).items())
    }
    counts = Counter(row.gender for row in rows if row.gender) + Counter(kept)
    unknown = len(rows) - sum(counts.values())
    shown = Counter({str(gender.label): count for gender, count in counts.items()})
    if unknown > 0:
        shown[_("Not asked or not answered")] = unknown
    return shown


def _participating_organisations(event: Event) -> list[Organisation]:
    """Organisations named in the annex: those with a participant who agreed to be named in
    the public report, or with enough participants that naming the organisation singles
    nobody out."""
    listed_or_many = (
        sa.select(Registration.organisation_id)
        .where(_confirmed(event))
        .group_by(Registration.organisation_id)
        .having(
            sa.or_(
                sa.func.count(Registration.id) >= charts.SMALL_GROUP,
                sa.func.max(sa.case((Registration.named_in_report, 1), else_=0)) == 1,
            )
        )
    )
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.id.in_(listed_or_many))
            .order_by(Organisation.name_key)
        )
    )


def _participants(
    event: Event, consent: sa.ColumnElement | None, limit: int | None = None
) -> list[Registration]:
    """The confirmed participants; with ``consent``, only those who gave it (the list given
    to participants, or being named in the public report)."""
    statement = (
        sa.select(Registration)
        # Nothing remains of an erased participant to list.
        .where(_confirmed(event), Registration.anonymised_at.is_(None))
        .options(joinedload(Registration.organisation))
        .order_by(sa.func.lower(Registration.full_name), Registration.id)
    )
    if consent is not None:
        statement = statement.where(consent.is_(True))
    if limit is not None:
        statement = statement.limit(limit)
    return list(db.session.scalars(statement))


def gather(event: Event, kind: ReportKind, audience: Audience, language: str) -> ReportData:
    data = ReportData(event, kind, audience, language)
    if kind is ReportKind.AGENDA:
        data.days = agenda_by_day(event, agenda_sessions(event))
        return data
    if kind is ReportKind.PROGRESS:
        _own_progress(event, data)
        return data
    if kind is ReportKind.SERIES_PROGRESS:
        for progress in series_progress(event, internal=data.internal):
            _only_public_followers(progress, data)
            data.editions.append((progress, _bars(progress)))
        return data
    if kind is ReportKind.PARTICIPANTS:
        data.participants = _participants(
            event, Registration.listed_to_participants if audience is Audience.PUBLIC else None
        )
        return data
    conclusions = event_outcome(event)
    data.conclusions = conclusions if _included(conclusions.review_status, audience) else None
    sessions = outcome_sessions(event)
    # A closed session is not even named outside the team.
    data.agenda = [
        session
        for session in sessions
        if audience is Audience.INTERNAL or session.attribution is not Attribution.CLOSED
    ]
    data.unattributed = {
        session.id for session in sessions if session.attribution is Attribution.CHATHAM_HOUSE
    }
    session_reports = _session_reports(event, data.agenda, audience)
    draft_conclusions = not conclusions.review_status.is_public and any(
        (conclusions.executive_summary, conclusions.conclusions, conclusions.next_steps)
    )
    data.has_drafts = any(report.is_draft for report in session_reports) or (
        data.conclusions is not None and draft_conclusions
    )
    data.chapters = _chapters(session_reports)
    data.recommendations = sorted(
        (item for report in session_reports for item in report.outcome.recommendations),
        key=lambda item: item.number,
    )
    data.commitments = sorted(
        (item for report in session_reports for item in report.outcome.commitments),
        key=lambda item: item.number,
    )
    data.participation = participation(event)
    organisations = _participating_organisations(event)
    if not data.internal:
        # The count of organisations would otherwise tell that one is left unnamed, and with
        # the breakdowns, which.
        data.participation.organisations = len(organisations)
        data.participation.unnamed_organisations_left_out = True
    if kind is ReportKind.OUTCOME:
        data.progress = _progress(event, data)
        data.organisations = organisations
        listed = _participants(
            event, Registration.named_in_report, limit=PARTICIPANT_ANNEX_LIMIT + 1
        )
        data.annex_too_long = len(listed) > PARTICIPANT_ANNEX_LIMIT
        data.participants = [] if data.annex_too_long else listed
    return data


def _progress(event: Event, data: ReportData) -> EditionProgress | None:
    """Progress on the previous edition, with the later recommendations this report shows.
    Another edition is shown as the public sees it, whoever reads this one's report."""
    progress = progress_since(event)
    if progress is not None:
        _progress_bars(progress, data)
        # A later recommendation is named only if this report shows it.
        shown = {item.id for item in data.recommendations}
        progress.superseded = [
            (item, [later for later in followers if later.id in shown])
            for item, followers in progress.superseded
        ]
    return progress


def _progress_bars(progress: EditionProgress, data: ReportData) -> None:
    data.progress_bars = _bars(progress)


def _bars(progress: EditionProgress) -> dict[str, list]:
    """For each kind of item, each status with its tally and bar."""
    right_to_left = text_direction(str(get_locale())) == "rtl"
    bars = {}
    for kind in ("recommendations", "commitments"):
        totals = getattr(progress, kind).totals
        tallies = [
            (status, charts.Tally(str(status.label), totals[status]))
            for status in getattr(progress, kind).statuses
        ]
        scale = charts.largest([tally for _status, tally in tallies])
        bars[kind] = [
            (status, tally, charts.bar_svg(tally, scale, right_to_left=right_to_left))
            for status, tally in tallies
        ]
    return bars


def _own_progress(event: Event, data: ReportData) -> None:
    """The progress report: where this edition's items stand. Public reports see what the
    public follow-up page sees, later recommendations included."""
    data.progress = progress_of(event, public_only=not data.internal)
    if data.progress is not None:
        _progress_bars(data.progress, data)
        _only_public_followers(data.progress, data)


def _only_public_followers(progress: EditionProgress, data: ReportData) -> None:
    """A public report names only the later recommendations the public may read."""
    if data.internal:
        return
    shown = publicly_shown(
        {later.id for _item, followers in progress.superseded for later in followers}
    )
    progress.superseded = [
        (item, [later for later in followers if later.id in shown])
        for item, followers in progress.superseded
    ]


def report_size(event: Event, kind: ReportKind) -> int:
    """Rows the report may hold, counted cheaply, to choose where to render it."""
    participants = (
        sa.select(sa.func.count(Registration.id)).where(_confirmed(event)).scalar_subquery()
    )
    sessions = (
        sa.select(sa.func.count(Session.id)).where(Session.event_id == event.id).scalar_subquery()
    )
    recommendations = (
        sa.select(sa.func.count(Recommendation.id))
        .where(Recommendation.event_id == event.id)
        .scalar_subquery()
    )
    counted = {
        ReportKind.AGENDA: sessions,
        ReportKind.PARTICIPANTS: participants,
        ReportKind.SUMMARY: recommendations,
    }.get(kind, participants + sessions + recommendations)
    return db.session.scalar(sa.select(counted))
