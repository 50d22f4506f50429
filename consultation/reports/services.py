"""Report exports: each export recorded and made in the background when large, the same PDF kept once by the hash of its source, and downloads counted."""

import hashlib
import importlib.metadata
import logging
import threading
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from consultation import jobs
from consultation.accounts.models import User
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.db import db, now_utc
from consultation.errors import ConsultationError, NotAllowed, NotFound, Unavailable
from consultation.events.access import EVENT_PAGE_OPTIONS
from consultation.events.models import Event
from consultation.reports.access import can_export
from consultation.reports.gather import report_size
from consultation.reports.models import (
    JOB_DEADLINE,
    Audience,
    ExportState,
    ReportExport,
    ReportKind,
)
from consultation.reports.pdf import STATIC_ROOT
from consultation.reports.rendering import render_report, report_html
from consultation.reports.store import report_store

logger = logging.getLogger(__name__)


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
