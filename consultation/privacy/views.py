import json

from flask import Blueprint, Response, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from consultation import jobs
from consultation.accounts.access import permission_required
from consultation.accounts.models import Permission, User
from consultation.db import db, scrub_free_space
from consultation.events import access
from consultation.forms import domain_errors, render_form
from consultation.privacy import accounts, services
from consultation.privacy.forms import AccountDeletionForm, OwnAccountDeletionForm
from consultation.registrations import link_access, organisers
from consultation.registrations import services as registrations

bp = Blueprint("privacy", __name__)


@bp.route("/registrations/<int:registration_id>/data.json")
def my_data(registration_id: int):
    registration = link_access.registration_from_cookie(registration_id)
    body = json.dumps(services.registration_data(registration), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="registration-{registration.id}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/registrations/<int:registration_id>/erase", methods=["POST"])
def erase_my_data(registration_id: int):
    registration = link_access.registration_from_cookie(registration_id, extend=False)
    services.erase_registration(registration)
    jobs.after_commit(scrub_free_space)
    return link_access.revoke(
        make_response(render_template("privacy/erased.html")), registration_id
    )


@bp.route("/manage/events/<slug>/registrations/<int:registration_id>/erase", methods=["POST"])
@login_required
def erase_registration(slug: str, registration_id: int):
    event = access.managed_event(slug, current_user)
    registration = organisers.registration_in_event(event, registration_id)
    services.erase_registration(registration, actor=current_user)
    jobs.after_commit(scrub_free_space)
    flash(
        _("The participant's personal data is erased; their seat went to the waiting list."),
        "success",
    )
    return redirect(url_for("registrations.registration_list", slug=event.slug))


# Accounts ------------------------------------------------------------------------------------


def _deleted_message(deletion: accounts.AccountDeletion) -> str:
    if deletion.registrations and deletion.erased:
        return _("The account and its registrations are erased.")
    if deletion.registrations:
        return _(
            "The account is deleted. Its registrations are kept: the links sent by email "
            "still open them."
        )
    return _("The account is deleted.")


def _deletion_page(user: User, form: AccountDeletionForm, actor: User | None, done):
    """Confirming and deleting an account, by its owner (``actor`` None, who confirmed with
    their password) or an administrator; ``done`` answers once the account is deleted."""
    if form.validate_on_submit():
        with domain_errors(form):
            if actor is None:
                accounts.confirm_with_password(user, form.password.data)
            deletion = accounts.delete_account(
                user, accounts.RegistrationsChoice(form.registrations.data), actor=actor
            )
            jobs.after_commit(scrub_free_space)
            flash(_deleted_message(deletion), "success")
            return done()
    return render_form(
        "privacy/delete_account.html",
        form,
        user=user,
        own=actor is None,
        registrations=registrations.registrations_of(user),
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_own_account():
    def signed_out():
        logout_user()
        return redirect(url_for("events.home"))

    user = current_user._get_current_object()
    return _deletion_page(user, OwnAccountDeletionForm(), None, signed_out)


@bp.route("/admin/users/<int:user_id>/delete", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
def delete_account(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        return redirect(url_for("privacy.delete_own_account"))
    return _deletion_page(
        user,
        AccountDeletionForm(),
        current_user._get_current_object(),
        lambda: redirect(url_for("accounts.user_list")),
    )
