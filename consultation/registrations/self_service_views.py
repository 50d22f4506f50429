"""A participant's own registration, reached through the link emailed to them: the link is
exchanged for a cookie on first use (``link_access``), and the pages after it carry no token."""

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext as _

from consultation.agenda.calendar import calendar_for
from consultation.agenda.services import agenda_sessions
from consultation.events import access
from consultation.forms import domain_errors, render_form
from consultation.registrations import configuration, link_access, links, services
from consultation.registrations.views import keep_personal_data_out_of_caches, registration_form
from consultation.unit_of_work import writes

bp = Blueprint("self_service", __name__)
bp.after_request(keep_personal_data_out_of_caches)


@bp.route("/registrations/<int:registration_id>/<token>")
@writes  # opening the newest link emailed makes it the registration's link
def open_link(registration_id: int, token: str):
    registration = links.registration_by_token(registration_id, token)
    response = redirect(url_for("self_service.manage", registration_id=registration.id), 303)
    return link_access.grant(response, registration)


@bp.route("/registrations/<int:registration_id>", methods=["GET", "POST"])
def manage(registration_id: int):
    registration = link_access.registration_from_cookie(registration_id)
    event = access.event_by_slug(registration.event.slug, *access.EVENT_PAGE_OPTIONS)
    settings = configuration.settings_for(event)
    form = registration_form(
        event,
        settings,
        registration,
        correcting=True,
        obj=registration,
        organisation_id=registration.organisation_id,
    )
    if form.validate_on_submit():
        with domain_errors(form):
            services.update_answers(registration, form.answers())
            flash(_("Your registration is updated."), "success")
            return redirect(request.path)
    return render_form("registrations/manage.html", form, event=event, registration=registration)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["POST"])
def cancel(registration_id: int):
    registration = link_access.registration_from_cookie(registration_id)
    services.cancel(registration)
    flash(_("Your registration is cancelled. We have sent you a confirmation."), "success")
    return redirect(url_for("self_service.manage", registration_id=registration.id))


@bp.route("/registrations/<int:registration_id>/event.ics")
def event_calendar(registration_id: int):
    event = services.calendar_of(link_access.registration_from_cookie(registration_id))
    return Response(
        calendar_for(event, agenda_sessions(event)),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}.ics"'},
    )
