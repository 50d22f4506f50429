"""The register as a spreadsheet: the items the filters keep, formula-safe, each export in
the audit log."""

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from consultation.accounts.models import User
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.follow_up.register import RegisterFilters, register_items
from consultation.outcomes.models import Commitment, Recommendation
from consultation.spreadsheets import spreadsheet
from consultation.taxonomy.models import Series


def _session(item) -> str:
    return item.outcome.session.title


def _latest_published(item) -> str:
    dates = [update.reported_on for update in item.updates if update.is_published]
    return max(dates).isoformat() if dates else ""


COMMON: list[tuple[str, Callable]] = [
    (_l("Reference"), lambda item: item.reference),
    (_l("Session"), _session),
    (_l("Attribution"), lambda item: str(item.outcome.session.attribution.label)),
    (_l("Text"), lambda item: item.text),
    (_l("Status"), lambda item: str(item.status.label)),
    (_l("Latest published update"), _latest_published),
]
RECOMMENDATION_COLUMNS: list[tuple[str, Callable[[Recommendation], object]]] = [
    *COMMON,
    (_l("Themes"), lambda item: ", ".join(theme.label for theme in item.themes)),
    (_l("Addressed to"), lambda item: ", ".join(item.addressed_to)),
    (_l("Priority"), lambda item: str(item.priority.label)),
]
COMMITMENT_COLUMNS: list[tuple[str, Callable[[Commitment], object]]] = [
    *COMMON,
    (_l("Themes"), lambda item: ", ".join(t.label for t in item.outcome.session.themes)),
    (_l("Owner"), lambda item: item.owner.name if item.owner else ""),
    (_l("Due date"), lambda item: item.due_on.isoformat() if item.due_on else ""),
    (_l("Progress (0–5)"), lambda item: "" if item.progress is None else item.progress),
    (_l("Overdue"), lambda item: str(_l("yes") if item.is_overdue else _l("no"))),
]


def export_register(
    series: Series, filters: RegisterFilters, file_format: str, exporter: User
) -> bytes:
    items = register_items(series, filters)
    columns = RECOMMENDATION_COLUMNS if filters.kind == "recommendations" else COMMITMENT_COLUMNS
    audit.record(
        AuditAction.FOLLOW_UP_EXPORTED,
        actor=exporter,
        subject=f"series:{series.id}",
        items=filters.kind,
        format=file_format,
        rows=len(items),
    )
    return spreadsheet(
        file_format,
        str(_l("Recommendations") if filters.kind == "recommendations" else _l("Commitments")),
        [str(heading) for heading, _value in columns],
        [[value(item) for _heading, value in columns] for item in items],
    )
