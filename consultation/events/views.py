from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from consultation.accounts.access import permission_required
from consultation.accounts.models import Permission
from consultation.events import access, http_cache, lists, services, signals
from consultation.events import team as event_team
from consultation.events import translations as event_translations
from consultation.events.forms import (
    CopyEventForm,
    EventForm,
    EventThemesForm,
    PartnerForm,
    TeamMemberForm,
    translation_form,
)
from consultation.events.models import EventStatus, PartnerRole, Region, TeamRole
from consultation.forms import domain_errors, query_int, render_form
from consultation.multilingual import INTERFACE_LANGUAGES
from consultation.organisations.services import directory_organisation, organisation_choices
from consultation.taxonomy import services as taxonomy

bp = Blueprint("events", __name__)


# Public pages -------------------------------------------------------------------------------


def filters_from_request() -> lists.EventFilters:
    region = request.args.get("region")
    year = request.args.get("year", type=query_int)
    when = request.args.get("when")
    return lists.EventFilters(
        region=Region(region) if region in set(Region) else None,
        theme=request.args.get("theme") or None,
        year=year,
        when=when if when in ("upcoming", "past") else None,
    )


@bp.route("/events")
@bp.route("/")
def home():
    filters = filters_from_request()
    return render_template(
        "events/list.html",
        events=lists.public_events(filters, request.args.get("page", 1, type=query_int)),
        filters=filters,
        regions=list(Region),
        themes=taxonomy.all_themes(),
        years=lists.edition_years(),
    )


@bp.route("/events/<slug>")
@http_cache.revalidated(page=True)
def event_page(slug: str):
    event = access.visible_event(slug, current_user, *access.EVENT_PAGE_OPTIONS)
    return render_template(
        "events/event.html",
        event=event,
        can_manage=access.can_manage(event, current_user),
        **signals.collected(signals.event_page_shown, event),
    )


# Organiser pages -----------------------------------------------------------------------------


def series_choices(current=None) -> list[SelectChoice]:
    return [
        SelectChoice(series.id, series.name)
        for series in taxonomy.series_for(current_user, current)
    ]


@bp.route("/manage/")
@login_required
def dashboard():
    if not current_user.is_staff:
        abort(403)
    return render_template(
        "events/manage/dashboard.html", events=lists.managed_events(current_user)
    )


@bp.route("/manage/events/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_EVENTS)
def create_event():
    form = EventForm(series_choices())
    if form.validate_on_submit():
        with domain_errors(form):
            event = services.create_event(current_user, slug=form.slug.data, **form.event_fields())
            flash(
                _(
                    "The event is created as a draft. Add its partners, themes and agenda, then publish it."
                ),
                "success",
            )
            return redirect(url_for("events.manage_event", slug=event.slug))
    return render_form("events/manage/event_form.html", form, event=None)


@bp.route("/manage/events/<slug>")
@login_required
def manage_event(slug: str):
    event = access.managed_event(slug, current_user, *access.EVENT_PAGE_OPTIONS)
    return render_template(
        "events/manage/event.html",
        event=event,
        team=event_team.event_team(event),
        statuses=EventStatus,
        **signals.collected(signals.event_overview_shown, event),
    )


@bp.route("/manage/events/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_event(slug: str):
    event = access.managed_event(slug, current_user)
    form = EventForm(series_choices(event.series), obj=event, series_id=event.series_id or 0)
    if form.validate_on_submit():
        with domain_errors(form):
            services.update_event(
                event, slug=form.slug.data, editor=current_user, **form.event_fields()
            )
            flash(_("The event is saved."), "success")
            return redirect(url_for("events.manage_event", slug=event.slug))
    return render_form("events/manage/event_form.html", form, event=event)


@bp.route("/manage/events/<slug>/copy", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_EVENTS)
def copy_event(slug: str):
    source = access.managed_event(slug, current_user)
    form = CopyEventForm()
    if form.validate_on_submit():
        with domain_errors(form):
            copy = services.copy_event(
                source,
                current_user,
                form.title.data.strip(),
                form.start_date.data,
                slug=form.slug.data,
            )
            flash(
                _(
                    "The new edition is created as a draft, with the themes, partners and agenda of the previous one."
                ),
                "success",
            )
            return redirect(url_for("events.manage_event", slug=copy.slug))
    return render_form("events/manage/copy.html", form, event=source)


@bp.route("/manage/events/<slug>/status", methods=["POST"])
@login_required
def change_status(slug: str):
    event = access.managed_event(slug, current_user)
    status = request.form.get("status")
    if status not in set(EventStatus):
        abort(400)
    services.set_status(event, EventStatus(status))
    messages = {
        EventStatus.PUBLISHED: _("The event is published: everyone can see it and its agenda."),
        EventStatus.ARCHIVED: _(
            "The event is archived: it stays readable but is no longer listed as coming."
        ),
        EventStatus.DRAFT: _("The event is back to draft: only its team can see it."),
    }
    flash(messages[event.status], "success")
    return redirect(url_for("events.manage_event", slug=event.slug))


@bp.route("/manage/events/<slug>/partners", methods=["GET", "POST"])
@login_required
def partners(slug: str):
    event = access.managed_event(slug, current_user, *access.EVENT_PAGE_OPTIONS)
    form = PartnerForm(organisation_choices())
    if form.validate_on_submit():
        with domain_errors(form):
            services.add_partner(
                event,
                directory_organisation(form.organisation_id.data),
                PartnerRole(form.role.data),
            )
            flash(_("The partner is added."), "success")
            return redirect(url_for("events.partners", slug=event.slug))
    return render_form("events/manage/partners.html", form, event=event)


@bp.route("/manage/events/<slug>/partners/<int:partner_id>/delete", methods=["POST"])
@login_required
def remove_partner(slug: str, partner_id: int):
    event = access.managed_event(slug, current_user)
    services.remove_partner(event, partner_id)
    flash(_("The partner is removed from this event."), "success")
    return redirect(url_for("events.partners", slug=event.slug))


@bp.route("/manage/events/<slug>/themes", methods=["GET", "POST"])
@login_required
def event_themes(slug: str):
    event = access.managed_event(slug, current_user, *access.EVENT_PAGE_OPTIONS)
    form = EventThemesForm(
        [SelectChoice(theme.id, theme.label) for theme in taxonomy.all_themes()],
        themes=[theme.id for theme in event.themes],
    )
    if form.validate_on_submit():
        services.set_event_themes(event, form.themes.data)
        flash(_("The event's themes are saved."), "success")
        return redirect(url_for("events.manage_event", slug=event.slug))
    return render_form("events/manage/themes.html", form, event=event)


@bp.route("/manage/events/<slug>/translations")
@login_required
def translations(slug: str):
    event = access.managed_event(slug, current_user)
    return render_template(
        "events/manage/translations.html",
        event=event,
        progress=event_translations.translation_progress(
            event_translations.translatable_texts(event)
        ),
    )


@bp.route(
    f"/manage/events/<slug>/translations/<any({', '.join(INTERFACE_LANGUAGES)}):language>",
    methods=["GET", "POST"],
)
@login_required
def translate(slug: str, language: str):
    event = access.managed_event(slug, current_user)
    event_translations.check_translation_language(event, language)
    subjects = event_translations.translatable_texts(event)
    form = translation_form(language, subjects)
    if form.validate_on_submit():
        event_translations.translate(subjects, language, form.texts)
        flash(_("The translation is saved."), "success")
        return redirect(url_for("events.translations", slug=event.slug))
    return render_form("events/manage/translate.html", form, event=event, language=language)


@bp.route("/manage/events/<slug>/team", methods=["GET", "POST"])
@login_required
def team(slug: str):
    event = access.managed_event(slug, current_user)
    form = TeamMemberForm()
    if form.validate_on_submit():
        with domain_errors(form):
            event_team.add_team_member(event, form.email.data, TeamRole(form.role.data))
            flash(_("The team member is added."), "success")
            return redirect(url_for("events.team", slug=event.slug))
    return render_form(
        "events/manage/team.html", form, event=event, team=event_team.event_team(event)
    )


@bp.route("/manage/events/<slug>/team/<int:member_id>/delete", methods=["POST"])
@login_required
def remove_team_member(slug: str, member_id: int):
    event = access.managed_event(slug, current_user)
    event_team.remove_team_member(event, member_id, current_user)
    flash(_("The person is removed from the team."), "success")
    return redirect(url_for("events.team", slug=event.slug))
