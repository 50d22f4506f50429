from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from consultation import jobs, throttles
from consultation.events import access, http_cache
from consultation.events.models import Event
from consultation.forms import domain_errors, query_int, query_ints, render_form
from consultation.multilingual import isolated
from consultation.organisations.models import OrganisationLevel, OrganisationType
from consultation.organisations.services import organisation_choices
from consultation.registrations import (
    configuration,
    consents,
    exports,
    links,
    notifications,
    organisation_review,
    organisers,
    seats,
    sensitive_access,
    services,
)
from consultation.registrations.forms import (
    BreakGlassForm,
    ExportForm,
    NotesForm,
    RegistrationForm,
    RegistrationSettingsForm,
    ResendLinkForm,
    StatusChangeForm,
)
from consultation.registrations.models import Moderation, RegistrationStatus
from consultation.spreadsheets import attachment
from consultation.unit_of_work import writes

bp = Blueprint("registrations", __name__)


@bp.after_request
def keep_personal_data_out_of_caches(response: Response) -> Response:
    # Every page here shows someone's registration or the form they are filling in.
    response.headers["Cache-Control"] = "no-store"
    return response


def registration_form(event: Event, settings, registration=None, **kwargs) -> RegistrationForm:
    # A registrant's own private organisation is offered to them alone.
    own = registration.organisation if registration is not None else None
    return RegistrationForm(settings, event, organisation_choices(including=own), **kwargs)


# Participants -------------------------------------------------------------------------------


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@throttles.mail_sending
@http_cache.revalidated(page=True)
def register(slug: str):
    # The form offers the event's themes; the page shows nothing else of its relations.
    event = access.visible_event(slug, current_user, selectinload(Event.themes))
    settings = configuration.settings_for(event)
    window = configuration.window(settings)
    if window is not configuration.Window.OPEN:
        if request.method == "POST":
            abort(403)
        return render_template(
            "registrations/closed.html", event=event, settings=settings, window=window
        )
    prefill = {}
    if current_user.is_authenticated:
        prefill = {"full_name": current_user.display_name, "email": current_user.email}
    form = registration_form(event, settings, **prefill)
    if form.validate_on_submit():
        answers = form.answers()
        with domain_errors(form):
            services.check_answers(answers)
            # Whether the address is registered already is found after the answer, which is
            # the same either way (its owner is emailed their link), in time too.
            jobs.enqueue_after_response(
                services.register_from_form,
                event.id,
                form.email.data,
                str(get_locale()),
                answers,
                current_user.id if current_user.is_authenticated else None,
            )
            return render_template("registrations/sent.html", event=event, email=form.email.data)
    return render_form(
        "registrations/register.html",
        form,
        event=event,
        settings=settings,
        resend_form=ResendLinkForm(formdata=None),
    )


@bp.route("/events/<slug>/register/link", methods=["POST"])
@throttles.mail_sending
def resend_link(slug: str):
    event = access.visible_event(slug, current_user)
    form = ResendLinkForm()
    if not form.validate_on_submit():
        flash(_("Enter the email address you registered with."), "danger")
        return redirect(url_for("registrations.register", slug=event.slug))
    # Whether the address is registered is looked up after the answer, which is the same
    # either way, in time too.
    jobs.enqueue_after_response(services.resend_link, event.id, form.email.data)
    return render_template(
        "registrations/sent.html", event=event, email=form.email.data, link_requested=True
    )


@bp.route("/account/registrations")
@login_required
def my_registrations():
    return render_template(
        "registrations/mine.html", registrations=services.registrations_of(current_user)
    )


@bp.route("/account/registrations/<int:registration_id>/open", methods=["POST"])
@login_required
def open_mine(registration_id: int):
    """The owner, signed in, opens their registration: a fresh link replaces the emailed one."""
    registration = services.registration_of(current_user, registration_id)
    token = links.new_management_token(registration)
    return redirect(url_for("self_service.open_link", registration_id=registration.id, token=token))


# Organisers ---------------------------------------------------------------------------------


@bp.route("/manage/events/<slug>/registration", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    event = access.managed_event(slug, current_user)
    current = configuration.settings_for(event)
    form = RegistrationSettingsForm.from_settings(event, current)
    if form.validate_on_submit():
        with domain_errors(form):
            organisers.update_settings(
                event,
                form.opens_at.data,
                form.closes_at.data,
                form.capacity.data,
                form.waitlist_enabled.data,
                Moderation(form.moderation.data),
                form.questions.data or [],
                form.privacy_notice.data,
                form.retention_days.data,
                current_user,
            )
            flash(_("The registration settings are saved."), "success")
            return redirect(url_for("registrations.settings", slug=event.slug))
    return render_form("registrations/manage/settings.html", form, event=event, current=current)


def filters_from_request() -> organisers.RegistrationFilters:
    args = request.args

    def member(enum_class, value):
        return enum_class(value) if value in set(enum_class) else None

    sort = args.get("sort", "registered")
    return organisers.RegistrationFilters(
        query=args.get("q", "").strip() or None,
        status=member(RegistrationStatus, args.get("status")),
        organisation_type=member(OrganisationType, args.get("type")),
        organisation_level=member(OrganisationLevel, args.get("level")),
        country=args.get("country") or None,
        theme_id=args.get("theme", type=query_int),
        sort=sort if sort in organisers.SORTABLE else "registered",
        descending=args.get("order") == "desc",
    )


@bp.route("/manage/events/<slug>/registrations")
@login_required
def registration_list(slug: str):
    event = access.managed_event(slug, current_user, *access.EVENT_PAGE_OPTIONS)
    filters = filters_from_request()
    settings = configuration.settings_for(event)
    return render_template(
        "registrations/manage/list.html",
        event=event,
        settings=settings,
        bulk_statuses=seats.organiser_statuses(settings),
        filters=filters,
        registrations=organisers.search_registrations(
            event,
            filters,
            request.args.get("page", 1, type=query_int),
            current_app.config["REGISTRATIONS_PER_PAGE"],
        ),
        counts=organisers.registration_counts(event),
        failed_emails=notifications.failed_emails(event),
        organisations_to_review=organisation_review.waiting_for_review(event),
        sensitive_accesses=sensitive_access.recent_accesses(event),
        statuses=list(RegistrationStatus),
        organisation_types=list(OrganisationType),
        organisation_levels=list(OrganisationLevel),
    )


@bp.route("/manage/events/<slug>/registrations/bulk", methods=["POST"])
@login_required
def bulk_change(slug: str):
    """First POST: show what will change and ask to confirm; second POST (confirmed): do it."""
    event = access.managed_event(slug, current_user)
    status = request.form.get("status")
    ids = query_ints(request.form.getlist("registration_id"))
    allowed = seats.organiser_statuses(configuration.settings_for(event))
    if status not in set(allowed) or not ids:
        flash(_("Tick at least one registration and choose what to do with them."), "danger")
        return redirect(url_for("registrations.registration_list", slug=event.slug))
    chosen = organisers.registrations_by_id(event, ids)
    if request.form.get("confirmed") != "yes":
        return render_template(
            "registrations/manage/bulk_confirm.html",
            event=event,
            registrations=chosen,
            status=RegistrationStatus(status),
        )
    refused = seats.change_many(
        chosen, RegistrationStatus(status), current_user, request.form.get("reason")
    )
    changed = len(chosen) - len(refused)
    flash(
        ngettext("%(num)d registration changed.", "%(num)d registrations changed.", changed),
        "success",
    )
    for registration, reason in refused:
        flash(
            _("%(name)s: %(reason)s", name=isolated(registration.full_name), reason=reason),
            "danger",
        )
    return redirect(url_for("registrations.registration_list", slug=event.slug))


@bp.route("/manage/events/<slug>/registrations/<int:registration_id>", methods=["GET", "POST"])
@writes  # who saw sensitive answers is audited
@login_required
def registration_detail(slug: str, registration_id: int):
    event = access.managed_event(slug, current_user)
    registration = organisers.registration_in_event(event, registration_id)
    notes_form = NotesForm(obj=registration)
    if notes_form.validate_on_submit():
        organisers.save_notes(registration, notes_form.internal_notes.data)
        flash(_("The notes are saved."), "success")
        return redirect(request.path)
    sees_sensitive = sensitive_access.sees_sensitive(event, current_user)
    if sees_sensitive:
        organisers.record_sensitive_view(registration, current_user)
    return render_template(
        "registrations/manage/detail.html",
        event=event,
        registration=registration,
        notes_form=notes_form,
        status_form=StatusChangeForm(seats.next_statuses(registration), formdata=None),
        sees_sensitive=sees_sensitive,
        consent_history=consents.consent_history(registration.id),
        break_glass_form=BreakGlassForm(formdata=None),
    )


@bp.route("/manage/events/<slug>/registrations/<int:registration_id>/status", methods=["POST"])
@login_required
def change_status(slug: str, registration_id: int):
    event = access.managed_event(slug, current_user)
    registration = organisers.registration_in_event(event, registration_id)
    form = StatusChangeForm(seats.next_statuses(registration))
    if not form.validate_on_submit():
        notifications.check_not_erased(registration)
        for message in (*form.status.errors, *form.reason.errors):
            flash(str(message), "danger")
    else:
        with domain_errors():
            seats.change_status(
                registration, RegistrationStatus(form.status.data), current_user, form.reason.data
            )
            flash(
                _(
                    "The registration is now: %(status)s. We have emailed the participant.",
                    status=registration.status.label,
                ),
                "success",
            )
    return redirect(
        url_for(
            "registrations.registration_detail", slug=event.slug, registration_id=registration.id
        )
    )


@bp.route("/manage/events/<slug>/emails/<int:message_id>/resend", methods=["POST"])
@login_required
def resend_email(slug: str, message_id: int):
    event = access.managed_event(slug, current_user)
    notifications.resend_failed_email(event, message_id)
    flash(_("The email is back in the outbox."), "success")
    return redirect(url_for("registrations.registration_list", slug=event.slug))


@bp.route("/manage/events/<slug>/registrations/export", methods=["GET", "POST"])
@login_required
def export(slug: str):
    event = access.managed_event(slug, current_user)
    form = ExportForm()
    if form.validate_on_submit():
        with domain_errors(form):
            sensitive_access.check_columns(event, current_user, form.columns.data)
            status = RegistrationStatus(form.status.data) if form.status.data else None
            content = exports.export_registrations(
                event, current_user, form.columns.data, form.file_format.data, status
            )
            return attachment(content, form.file_format.data, f"{event.slug}-registrations")
    return render_form(
        "registrations/manage/export.html", form, event=event, exports=exports.recent_exports(event)
    )
