from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consultation.accounts.access import permission_required, safe_next_url
from consultation.accounts.models import Permission
from consultation.forms import domain_errors, query_int, render_form
from consultation.multilingual import isolated
from consultation.organisations import services
from consultation.organisations.forms import MergeForm, OrganisationForm
from consultation.organisations.models import Organisation, OrganisationLevel, OrganisationType

bp = Blueprint("organisations", __name__, url_prefix="/manage/organisations")


@bp.route("/")
@permission_required(Permission.MANAGE_EVENTS)
def organisation_list():
    query = request.args.get("q", "").strip()
    return render_template(
        "organisations/list.html",
        organisations=services.search_organisations(
            query, request.args.get("page", 1, type=query_int)
        ),
        query=query,
    )


def save(form: OrganisationForm, organisation: Organisation | None):
    return services.save_organisation(
        organisation,
        form.name.data,
        form.acronym.data,
        OrganisationType(form.type.data),
        OrganisationLevel(form.level.data),
        form.country.data,
        form.website.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_EVENTS)
def edit_organisation(organisation_id: int | None = None):
    organisation = (
        services.changeable_organisation(organisation_id, current_user) if organisation_id else None
    )
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        with domain_errors(form):
            save(form, organisation)
            flash(_("The organisation is saved."), "success")
            return redirect(
                safe_next_url(request.args.get("next"), "organisations.organisation_list")
            )
    return render_form("organisations/form.html", form, organisation=organisation)


@bp.route("/<int:organisation_id>/delete", methods=["POST"])
# The directory is shared by every event's team: only administrators remove entries.
@permission_required(Permission.MANAGE_USERS)
def delete_organisation(organisation_id: int):
    organisation = services.visible_organisation(organisation_id, current_user)
    services.delete_organisation(organisation, current_user)
    flash(_("%(name)s is removed from the directory.", name=isolated(organisation.name)), "success")
    return redirect(url_for("organisations.organisation_list"))


def merge_page(duplicate: Organisation, back_url: str, back_label: str | None = None):
    """Choosing the directory organisation a duplicate is merged into, and merging: for the
    directory's administrators and for the organisers reviewing what registrants typed."""
    query = request.args.get("q", "").strip()
    form = MergeForm(services.merge_candidates(duplicate, query))
    if form.validate_on_submit():
        with domain_errors(form):
            kept = services.directory_organisation(form.into.data)
            services.merge_organisation(duplicate, kept, current_user)
            flash(
                _(
                    "%(duplicate)s is merged into %(kept)s.",
                    duplicate=isolated(duplicate.name),
                    kept=isolated(kept.name),
                ),
                "success",
            )
            return redirect(back_url)
    return render_form(
        "organisations/merge.html",
        form,
        organisation=duplicate,
        query=query,
        search_url=request.path,
        back_url=back_url,
        back_label=back_label,
    )


@bp.route("/<int:organisation_id>/merge", methods=["GET", "POST"])
# Merging removes a directory entry that other events may use, like removing it.
@permission_required(Permission.MANAGE_USERS)
def merge_organisation(organisation_id: int):
    duplicate = services.visible_organisation(organisation_id, current_user)
    return merge_page(duplicate, url_for("organisations.organisation_list"))
