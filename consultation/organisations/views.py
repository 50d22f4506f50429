from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from consultation.accounts.access import permission_required
from consultation.accounts.models import Permission
from consultation.db import db
from consultation.errors import ConsultationError
from consultation.forms import attach_error, query_int, render_form
from consultation.multilingual import isolated
from consultation.organisations import services
from consultation.organisations.forms import OrganisationForm
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
    organisation = services.organisation_or_404(organisation_id) if organisation_id else None
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            save(form, organisation)
        except ConsultationError as error:
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("The organisation is saved."), "success")
            return redirect(url_for("organisations.organisation_list"))
    return render_form("organisations/form.html", form, organisation=organisation)


@bp.route("/<int:organisation_id>/delete", methods=["POST"])
# The directory is shared by every event's team: only administrators remove entries.
@permission_required(Permission.MANAGE_USERS)
def delete_organisation(organisation_id: int):
    organisation = services.organisation_or_404(organisation_id)
    services.delete_organisation(organisation)
    db.session.commit()
    flash(_("%(name)s is removed from the directory.", name=isolated(organisation.name)), "success")
    return redirect(url_for("organisations.organisation_list"))
