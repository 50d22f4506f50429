"""Reports rendered from Jinja templates into PDF; a summary is cut to fit its pages."""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from consultation.events.models import Event
from consultation.outcomes.models import (
    Priority,
    Recommendation,
)
from consultation.reports.gather import gather
from consultation.reports.models import (
    Audience,
    ReportKind,
)
from consultation.reports.pdf import RenderedPDF, render_pdf

SUMMARY_MAX_PAGES = 2


SUMMARY_FIRST_TRY = 20


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
    ReportKind.PROGRESS: "reports/progress.html",
    ReportKind.SERIES_PROGRESS: "reports/series_progress.html",
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
