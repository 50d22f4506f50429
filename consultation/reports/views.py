from flask import Blueprint, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from consultation import jobs, throttles
from consultation.db import db
from consultation.events.access import can_manage
from consultation.events.models import Event
from consultation.forms import domain_errors, render_form
from consultation.multilingual import INTERFACE_LANGUAGES, interface_language
from consultation.reports import access, rendering, services
from consultation.reports import store as report_store
from consultation.reports.forms import ReportForm
from consultation.reports.models import Audience, ExportState, ReportExport, ReportKind
from consultation.unit_of_work import writes

bp = Blueprint("reports", __name__)


def _kinds_for(event: Event) -> list[ReportKind]:
    return [kind for kind in ReportKind if access.can_export(event, current_user, kind)]


def _team_event(slug: str) -> Event:
    return access.report_event(slug, current_user, ReportKind.OUTCOME)


def report_form(event: Event, **kwargs) -> ReportForm:
    # Every interface language, the event's working languages first: the headings, dates and
    # labels are translated, and texts without a translation appear in their original.
    languages = [*event.working_languages]
    languages += [code for code in INTERFACE_LANGUAGES if code not in languages]
    return ReportForm(_kinds_for(event), languages, **kwargs)


def _pdf_response(export: ReportExport):
    response = send_file(
        report_store.stored_pdf(export),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=services.pdf_filename(export),
        etag=export.sha256,
    )
    # Outcome reports and participant lists name people: no copy is kept on the way.
    response.headers["Cache-Control"] = (
        "no-store" if export.kind is not ReportKind.AGENDA else "public, max-age=300"
    )
    return response


@bp.route("/manage/events/<slug>/reports", methods=["GET", "POST"])
@login_required
def report_list(slug: str):
    event = _team_event(slug)
    form = report_form(event)
    if form.validate_on_submit():
        kind = ReportKind(form.kind.data)
        with domain_errors(form):
            export = services.record_export(
                event, kind, Audience(form.audience.data), form.language.data, current_user
            )
            export_id = export.id
            if services.runs_in_background(event, kind):
                jobs.after_commit(services.start_in_background, export_id)
            else:
                # Committed before the PDF is made, in transactions of its own: a render must
                # not hold SQLite's write lock.
                db.session.commit()
                if services.produce(export_id) is ExportState.READY:
                    return redirect(
                        url_for("reports.download", slug=event.slug, export_id=export_id), 303
                    )
            return redirect(url_for("reports.progress", slug=event.slug, export_id=export_id), 303)
    return _list_page(event, form)


def _list_page(event: Event, form: ReportForm):
    return render_form(
        "reports/manage/list.html",
        form,
        event=event,
        can_manage=can_manage(event, current_user),
        exports=services.recent_exports(event),
        agenda_downloads=services.public_agenda_downloads(event),
    )


@bp.route("/manage/events/<slug>/reports/preview")
@login_required
def preview(slug: str):
    event = _team_event(slug)
    form = report_form(event, formdata=request.args, meta={"csrf": False})
    if not form.validate():
        return _list_page(event, form)
    return rendering.report_html(
        event,
        ReportKind(form.kind.data),
        Audience(form.audience.data),
        form.language.data,
        preview=True,
    ), {"Cache-Control": "no-store"}


@bp.route("/manage/events/<slug>/reports/<int:export_id>")
@login_required
def progress(slug: str, export_id: int):
    event = _team_event(slug)
    export = services.export_for(event, export_id, current_user)
    return render_template(
        "reports/manage/progress.html",
        event=event,
        export=export,
        can_manage=can_manage(event, current_user),
    )


@bp.route("/manage/events/<slug>/reports/<int:export_id>.pdf")
@writes  # who downloaded it is audited
@login_required
def download(slug: str, export_id: int):
    event = _team_event(slug)
    export = services.export_for(event, export_id, current_user)
    if export.state is not ExportState.READY:
        return redirect(url_for("reports.progress", slug=event.slug, export_id=export.id))
    response = _pdf_response(export)
    services.record_download(export, current_user)
    return response


@bp.route("/events/<slug>/agenda.pdf")
@writes  # each download is counted
@throttles.anonymous_download
def agenda_pdf(slug: str):
    event = access.report_event(slug, current_user, ReportKind.AGENDA)
    export = services.public_agenda(event, interface_language(), current_user)
    return _pdf_response(export)
