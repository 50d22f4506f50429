"""A commitment owner's update page, opened with their emailed link (no account): the link
is exchanged for a cookie, and the page carries no token."""

from flask import Blueprint, after_this_request, flash, redirect, render_template, request
from flask import session as browser_session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consultation.db import today_utc
from consultation.errors import NotAllowed, NotFound
from consultation.follow_up import contacts
from consultation.follow_up.forms import UpdateForm
from consultation.forms import UNPROCESSABLE, domain_errors
from consultation.private_links import AccessEnded

bp = Blueprint("owner_updates", __name__)

ACCESS_ENDED = _l(
    "This browser can no longer open the update page: open the link in your latest email "
    "again, or ask the organisers for a new one."
)


@bp.route("/follow-up/contacts/<int:contact_id>/<token>")
def open_update_link(contact_id: int, token: str):
    contact = contacts.contact_by_token(contact_id, token)
    path = contacts.page_path(contact.id)
    return contacts.COOKIE.grant(redirect(path, 303), contact.id, contact.token_hash, path)


def _contact_from_cookie(contact_id: int):
    try:
        contact = contacts.contact_by_digest(contact_id, contacts.COOKIE.digest(contact_id))
    except (AccessEnded, NotFound) as error:
        raise NotAllowed(ACCESS_ENDED) from error
    after_this_request(
        lambda response: contacts.COOKIE.grant(
            response, contact.id, contact.token_hash, contacts.page_path(contact.id)
        )
    )
    return contact


@bp.route("/follow-up/contacts/<int:contact_id>", methods=["GET", "POST"])
def contact_page(contact_id: int):
    contact = _contact_from_cookie(contact_id)
    # The page speaks the contact's language, as their emails do, unless this browser chose
    # another with the language switcher.
    with force_locale(browser_session.get("language") or contact.language):
        return _contact_page(contact)


def _contact_page(contact):
    commitment = contact.commitment
    form = UpdateForm(commitment, data=None if request.method == "POST" else _defaults(contact))
    if request.method == "POST" and form.validate():
        with domain_errors(form):
            contacts.report_progress(contact, form.details())
            flash(_("Thank you: the policy team publishes your update after review."), "success")
            return redirect(request.path)
    status = UNPROCESSABLE if form.errors else 200
    return (
        render_template(
            "follow_up/owner.html",
            contact=contact,
            commitment=commitment,
            form=form,
            own_updates=contacts.own_updates(contact),
            published=[update for update in commitment.updates if update.is_published],
        ),
        status,
    )


def _defaults(contact) -> dict:
    return {"reported_on": today_utc(), "language": contact.language}
