"""The reports: what each one shows to whom, gathered in a fixed number of queries, rendered
from Jinja templates, turned into PDF, recorded, and kept by content hash."""

import hashlib
import importlib.metadata
import logging
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from consultation import jobs
from consultation.accounts.models import User
from consultation.agenda.models import Attribution, Session
from consultation.agenda.services import agenda_by_day, agenda_sessions
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.db import db, now_utc
from consultation.errors import ConsultationError, NotAllowed, NotFound, Unavailable
from consultation.events.access import EVENT_PAGE_OPTIONS, can_manage, can_see, event_by_slug
from consultation.events.models import Event
from consultation.i18n import country_name
from consultation.multilingual import text_direction
from consultation.organisations.models import Organisation
from consultation.outcomes.models import (
    Commitment,
    EventOutcome,
    Priority,
    Recommendation,
    SessionOutcome,
)
from consultation.outcomes.services import (
    event_outcome,
    outcome_access,
    outcome_sessions,
    session_outcomes,
)
from consultation.registrations.configuration import settings_for
from consultation.registrations.models import Gender, Registration, RegistrationStatus
from consultation.reports import charts
from consultation.reports.models import (
    JOB_DEADLINE,
    Audience,
    ExportState,
    ReportExport,
    ReportKind,
)
from consultation.reports.pdf import STATIC_ROOT, RenderedPDF, render_pdf
from consultation.taxonomy.models import Theme

logger = logging.getLogger(__name__)

SUMMARY_MAX_PAGES = 2
SUMMARY_FIRST_TRY = 20
# A PDF annex of thousands of names costs minutes to render and nobody reads it: above this,
# the annex points to the participant list and the spreadsheet export instead.
PARTICIPANT_ANNEX_LIMIT = 500

# Access --------------------------------------------------------------------------------------


def can_export(event: Event, user: User, kind: ReportKind) -> bool:
    """The agenda is public like the agenda page; lists of participants are for the event's
    organisers; outcome reports for its whole team."""
    if kind is ReportKind.AGENDA:
        return can_see(event, user)
    if kind is ReportKind.PARTICIPANTS:
        return can_manage(event, user)
    return outcome_access(event, user).can_read


def report_event(slug: str, user: User, kind: ReportKind) -> Event:
    event = event_by_slug(slug, *EVENT_PAGE_OPTIONS)
    if not can_export(event, user, kind):
        if kind is ReportKind.AGENDA:
            raise NotFound(_l("There is no event at this address."))
        raise NotAllowed(_l("This report is for the event's team."))
    return event


# Gathering -----------------------------------------------------------------------------------


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
        data.organisations = organisations
        listed = _participants(
            event, Registration.named_in_report, limit=PARTICIPANT_ANNEX_LIMIT + 1
        )
        data.annex_too_long = len(listed) > PARTICIPANT_ANNEX_LIMIT
        data.participants = [] if data.annex_too_long else listed
    return data


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


# Rendering -----------------------------------------------------------------------------------


def page_counter_css() -> Markup:
    """The footer's "page X of Y" as a CSS ``content`` value, in the report's language."""
    message = _("Page %(page)s of %(pages)s", page="\x00page\x00", pages="\x00pages\x00")
    parts = []
    for index, piece in enumerate(message.split("\x00")):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            escaped = piece.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
            # "<" escaped too, so that no translation can close the <style> element early.
            parts.append('"' + escaped.replace("<", "\\3c ") + '"')
    # Inside <style>, HTML escaping would corrupt the CSS: the value is made safe above.
    return Markup(" ".join(parts))  # noqa: S704 (each part quoted and escaped for CSS above)


TEMPLATES = {
    ReportKind.OUTCOME: "reports/outcome.html",
    ReportKind.SUMMARY: "reports/summary.html",
    ReportKind.AGENDA: "reports/agenda.html",
    ReportKind.PARTICIPANTS: "reports/participants.html",
}


def report_html(
    event: Event,
    kind: ReportKind,
    audience: Audience,
    language: str,
    preview: bool = False,
    summary_limit: int | None = None,
) -> str:
    """The report as HTML. It holds no date of generation, so that the same content always
    gives the same HTML, and the stored PDF made from it can be reused."""
    with force_locale(language):
        data = gather(event, kind, audience, language)
        if kind is ReportKind.SUMMARY:
            data.recommendation_count = len(data.recommendations)
            data.recommendations = _most_urgent_first(data.recommendations)[:summary_limit]
        return render_template(
            TEMPLATES[kind], report=data, preview=preview, page_counter=page_counter_css()
        )


def _most_urgent_first(recommendations: list[Recommendation]) -> list[Recommendation]:
    order = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}
    return sorted(recommendations, key=lambda item: (order[item.priority], item.number))


def render_report(
    event: Event, kind: ReportKind, audience: Audience, language: str, html: str
) -> RenderedPDF:
    """The PDF of ``html``. The summary drops its least urgent recommendations until it
    fits on two pages."""
    if kind is not ReportKind.SUMMARY:
        return render_pdf(html)
    if html.count('class="summary-recommendation"') > SUMMARY_FIRST_TRY:
        # Two pages never hold more: no need to render the whole list first.
        html = report_html(event, kind, audience, language, summary_limit=SUMMARY_FIRST_TRY)
    while (rendered := render_pdf(html, max_pages=SUMMARY_MAX_PAGES)) is None:
        shown = html.count('class="summary-recommendation"')
        if shown == 0:
            return render_pdf(html)
        html = report_html(event, kind, audience, language, summary_limit=shown - 1 - shown // 4)
    return rendered


# Storing and recording -----------------------------------------------------------------------


def report_store() -> Path:
    path = Path(current_app.config["REPORT_STORE_DIR"])
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stored_pdf(export: ReportExport) -> Path:
    if export.state is not ExportState.READY or not export.sha256:
        raise NotFound(_l("This report is not ready."))
    path = report_store() / f"{export.sha256}.pdf"
    if not path.is_file():
        raise NotFound(_l("This report file is no longer kept; generate it again."))
    return path


def forget_report_files(event_ids) -> int:
    """Deletes the stored PDFs of these events' reports that may name participants (every
    report but the public agenda), when their registrations are anonymised or a participant
    erased: a download then asks for a new one, made from what is kept. ``event_ids``: ids,
    or a query of them."""
    digests = db.session.scalars(
        sa.select(ReportExport.sha256)
        .where(
            ReportExport.event_id.in_(event_ids),
            ReportExport.kind != ReportKind.AGENDA,
            ReportExport.sha256.is_not(None),
        )
        .distinct()
    )
    return _delete_stored(set(digests))


def prune_report_store(now: datetime | None = None) -> int:
    """Deletes the stored PDFs that no export has asked for in ``REPORT_FILE_RETENTION_DAYS``
    (reusing a PDF counts as asking): the store would otherwise grow for ever, and keep
    participant lists long after anyone needs them. A file newer than that is kept even if no
    export names it yet, since one may be finishing."""
    cutoff = (now or now_utc()) - timedelta(days=current_app.config["REPORT_FILE_RETENTION_DAYS"])
    wanted = set(
        db.session.scalars(
            sa.select(ReportExport.sha256).where(
                ReportExport.created_at >= cutoff, ReportExport.sha256.is_not(None)
            )
        )
    )
    stale = {
        path.stem
        for path in report_store().glob("*.pdf")
        if path.stem not in wanted and path.stat().st_mtime < cutoff.timestamp()
    }
    return _delete_stored(stale)


def _delete_stored(digests: set[str]) -> int:
    store, deleted = report_store(), 0
    for digest in digests:
        try:
            (store / f"{digest}.pdf").unlink()
        except FileNotFoundError:
            # Already gone: deleted before, or by another machine sharing the store.
            continue
        deleted += 1
    return deleted


def _source_hash(html: str) -> str:
    """Identifies the PDF before it is made: the HTML, and the stylesheet it is printed with."""
    digest = hashlib.sha256(html.encode())
    digest.update((STATIC_ROOT / "css" / "report.css").read_bytes())
    # The fonts' checksums: new fonts make new PDFs.
    digest.update((STATIC_ROOT / "MANIFEST.txt").read_bytes())
    digest.update(importlib.metadata.version("weasyprint").encode())
    return digest.hexdigest()


def _earlier_pdf(source_sha256: str) -> ReportExport | None:
    """An earlier PDF made from the same HTML is the same PDF: it is reused."""
    earlier = db.session.scalar(
        sa.select(ReportExport)
        .where(
            ReportExport.source_sha256 == source_sha256,
            ReportExport.state == ExportState.READY,
        )
        .order_by(ReportExport.id.desc())
        .limit(1)
    )
    if earlier is None or not (report_store() / f"{earlier.sha256}.pdf").is_file():
        return None
    return earlier


@dataclass(frozen=True)
class MadePDF:
    source_sha256: str
    sha256: str
    page_count: int
    size_bytes: int


def _make_pdf(event_id: int, kind: ReportKind, audience: Audience, language: str) -> MadePDF:
    """Reads what the report needs in a transaction that takes no write lock (on SQLite one
    would stop every registration for as long as the render lasts), and renders outside it."""
    db.session.connection(execution_options={"read_only": True})
    event = db.session.get(Event, event_id, options=EVENT_PAGE_OPTIONS, populate_existing=True)
    html = report_html(event, kind, audience, language)
    source_sha256 = _source_hash(html)
    earlier = _earlier_pdf(source_sha256)
    if earlier is not None:
        made = MadePDF(source_sha256, earlier.sha256, earlier.page_count, earlier.size_bytes)
        db.session.commit()
        return made
    if kind is not ReportKind.SUMMARY:
        # Only the summary goes back to the database while rendering (to shorten itself).
        db.session.commit()
    rendered = render_report(event, kind, audience, language, html)
    db.session.commit()
    sha256 = hashlib.sha256(rendered.content).hexdigest()
    target = report_store() / f"{sha256}.pdf"
    if not target.exists():
        partial = target.with_suffix(f".{threading.get_ident()}.part")
        partial.write_bytes(rendered.content)
        partial.replace(target)
    return MadePDF(source_sha256, sha256, rendered.page_count, len(rendered.content))


def produce(export_id: int) -> ExportState:
    """Makes a recorded export's PDF (or reuses an identical one) and records the outcome,
    failure included: an export never stays "being prepared" because its render failed."""
    db.session.commit()
    export = db.session.get(ReportExport, export_id)
    if export is None or export.state is not ExportState.QUEUED:
        return export.state if export else ExportState.FAILED
    wanted = (export.event_id, export.kind, export.audience, export.language)
    db.session.commit()
    try:
        made = _make_pdf(*wanted)
    except Exception as error:
        logger.exception("Report export %s failed", export_id)
        db.session.rollback()
        values = {"state": ExportState.FAILED, "error": type(error).__name__}
    else:
        values = {
            "state": ExportState.READY,
            "source_sha256": made.source_sha256,
            "sha256": made.sha256,
            "page_count": made.page_count,
            "size_bytes": made.size_bytes,
        }
    export = db.session.get(ReportExport, export_id)
    for name, value in {**values, "finished_at": now_utc()}.items():
        setattr(export, name, value)
    db.session.commit()
    return export.state


def record_export(
    event: Event,
    kind: ReportKind,
    audience: Audience,
    language: str,
    user: User | None,
    command_line_user: str | None = None,
) -> ReportExport:
    """Records a requested export, to be made by ``produce`` (the caller commits first).
    ``command_line_user``: the login name of whoever ran the command, for exports made on
    the command line (``user`` is then the account they made it for, if any)."""
    if language not in current_app.config["LANGUAGES"]:
        raise ConsultationError(_l("Choose one of the offered languages."), field="language")
    account = user if user is not None and user.is_authenticated else None
    export = _export_in_progress(event, kind, audience, language)
    if export is None:
        export = ReportExport(
            event_id=event.id,
            kind=kind,
            audience=audience,
            language=language,
            user_id=account.id if account is not None else None,
            command_line_user=command_line_user,
            state=ExportState.QUEUED,
        )
        db.session.add(export)
        db.session.flush()
    # The public agenda names only speakers, and anyone may download it: not audited.
    if kind is not ReportKind.AGENDA:
        on_command_line = {"command_line_user": command_line_user} if command_line_user else {}
        audit.record(
            AuditAction.REPORT_EXPORTED,
            event_id=event.id,
            subject=f"report:{export.id}",
            actor=account,
            kind=kind.value,
            audience=audience.value,
            language=language,
            **on_command_line,
        )
    return export


def _export_in_progress(
    event: Event, kind: ReportKind, audience: Audience, language: str
) -> ReportExport | None:
    """The same report already being prepared: asked for again, it is not made twice (a
    dozen clicks on a large report would otherwise be a dozen renders at once)."""
    return db.session.scalar(
        sa.select(ReportExport)
        .where(
            ReportExport.event_id == event.id,
            ReportExport.kind == kind,
            ReportExport.audience == audience,
            ReportExport.language == language,
            ReportExport.state == ExportState.QUEUED,
            ReportExport.created_at > now_utc() - JOB_DEADLINE,
        )
        .order_by(ReportExport.id.desc())
        .limit(1)
    )


def runs_in_background(event: Event, kind: ReportKind) -> bool:
    return report_size(event, kind) > current_app.config["REPORT_BACKGROUND_THRESHOLD"]


def start_in_background(export_id: int) -> None:
    jobs.enqueue_background(produce, export_id, key=f"report-export-{export_id}")


def public_agenda(event: Event, language: str, user: User | None) -> ReportExport:
    """The public agenda's PDF, as anyone may download it. While the agenda is unchanged the
    stored PDF is served and the download counted on its export: a visitor neither renders
    a PDF nor adds a row to the organisers' list of exports."""
    html = report_html(event, ReportKind.AGENDA, Audience.PUBLIC, language)
    export = _earlier_pdf(_source_hash(html))
    if export is None:
        export_id = record_export(event, ReportKind.AGENDA, Audience.PUBLIC, language, user).id
        db.session.commit()
        if produce(export_id) is not ExportState.READY:
            raise Unavailable(_l("The agenda could not be made just now. Try again shortly."))
        export = db.session.get(ReportExport, export_id)
    db.session.execute(
        sa.update(ReportExport)
        .where(ReportExport.id == export.id)
        .values(download_count=ReportExport.download_count + 1)
    )
    return export


def public_agenda_downloads(event: Event) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ReportExport.download_count), 0)).where(
            ReportExport.event_id == event.id, ReportExport.kind == ReportKind.AGENDA
        )
    )


def record_download(export: ReportExport, user: User) -> None:
    """Who downloaded a report that may name people (the public agenda names speakers only)."""
    if export.kind is not ReportKind.AGENDA:
        audit.record(
            AuditAction.REPORT_DOWNLOADED,
            event_id=export.event_id,
            subject=f"report:{export.id}",
            actor=user,
        )


def export_for(event: Event, export_id: int, user: User) -> ReportExport:
    export = db.session.scalar(
        sa.select(ReportExport).where(
            ReportExport.id == export_id, ReportExport.event_id == event.id
        )
    )
    if export is None:
        raise NotFound(_l("There is no such report."))
    if not can_export(event, user, export.kind):
        raise NotAllowed(_l("This report is for the event's team."))
    return export


def recent_exports(event: Event, limit: int = 20) -> list[ReportExport]:
    # Asked for by someone: not the agenda made when a visitor downloaded it first.
    asked = sa.or_(ReportExport.user_id.is_not(None), ReportExport.command_line_user.is_not(None))
    return list(
        db.session.scalars(
            sa.select(ReportExport)
            .where(ReportExport.event_id == event.id, asked)
            .order_by(ReportExport.created_at.desc(), ReportExport.id.desc())
            .limit(limit)
        )
    )


def pdf_filename(export: ReportExport) -> str:
    return f"{export.event.slug}-{export.kind.value}-{export.audience.value}-{export.language}.pdf"
