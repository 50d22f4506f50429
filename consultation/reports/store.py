"""The PDFs kept on disk by content hash, pruned when no export needs them, forgotten with their event."""

from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from consultation.db import db, now_utc
from consultation.errors import NotFound
from consultation.reports.models import (
    ExportState,
    ReportExport,
    ReportKind,
)


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
