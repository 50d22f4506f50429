"""The event's organisers review the organisations its registrants typed (see
``organisation_review``)."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consultation.events import access
from consultation.forms import query_int
from consultation.multilingual import isolated
from consultation.organisations import services as organisations
from consultation.organisations.models import OrganisationStatus
from consultation.organisations.views import merge_page
from consultation.registrations import organisation_review as review

bp = Blueprint("organisation_review", __name__, url_prefix="/manage/events/<slug>/organisations")


@bp.after_request
def keep_personal_data_out_of_caches(response: Response) -> Response:
    # The names typed here are as private as the registrations they come from.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/")
@login_required
def queue(slug: str):
    event = access.managed_event(slug, current_user)
    kept_private = request.args.get("kept") == "1"
    status = OrganisationStatus.PRIVATE if kept_private else OrganisationStatus.PROPOSED
    return render_template(
        "registrations/manage/organisation_review.html",
        event=event,
        kept_private=kept_private,
        registrations=review.review_queue(
            event, status, request.args.get("page", 1, type=query_int)
        ),
        waiting=review.waiting_for_review(event),
    )


def _back(event, organisation=None):
    kept = organisation is not None and organisation.status is OrganisationStatus.PRIVATE
    return redirect(
        url_for("organisation_review.queue", slug=event.slug, kept="1" if kept else None)
    )


def _decide(slug: str, organisation_id: int, decide, message: str):
    event = access.managed_event(slug, current_user)
    organisation = review.private_organisation(event, organisation_id)
    decide(organisation, current_user)
    flash(message % {"name": isolated(organisation.name)}, "success")
    return _back(event)


@bp.route("/<int:organisation_id>/approve", methods=["POST"])
@login_required
def approve(slug: str, organisation_id: int):
    return _decide(
        slug,
        organisation_id,
        organisations.approve_organisation,
        _("%(name)s is in the directory: every event's registration form now offers it."),
    )


@bp.route("/<int:organisation_id>/keep-private", methods=["POST"])
@login_required
def keep_private(slug: str, organisation_id: int):
    return _decide(
        slug,
        organisation_id,
        organisations.keep_private,
        _("%(name)s stays private to its registration: only this event's organisers see it."),
    )


@bp.route("/<int:organisation_id>/merge", methods=["GET", "POST"])
@login_required
def merge(slug: str, organisation_id: int):
    event = access.managed_event(slug, current_user)
    duplicate = review.private_organisation(event, organisation_id)
    return merge_page(
        duplicate,
        url_for("organisation_review.queue", slug=event.slug),
        _("Organisations to review"),
    )
