"""An administrator breaks the glass to see an event's sensitive answers (see
``sensitive_access``)."""

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consultation.accounts.access import permission_required, safe_next_url
from consultation.accounts.models import Permission
from consultation.events import access
from consultation.forms import domain_errors
from consultation.registrations import sensitive_access
from consultation.registrations.forms import BreakGlassForm

bp = Blueprint("sensitive_access", __name__)


@bp.route("/manage/events/<slug>/sensitive-answers", methods=["POST"])
@permission_required(Permission.MANAGE_USERS)
def break_glass(slug: str):
    event = access.managed_event(slug, current_user)
    form = BreakGlassForm()
    target = request.form.get("next")
    back = (
        safe_next_url(target)
        if target
        else url_for("registrations.registration_list", slug=event.slug)
    )
    if not form.validate_on_submit():
        for message in form.reason.errors:
            flash(str(message), "danger")
        return redirect(back)
    with domain_errors():
        sensitive_access.break_glass(event, current_user, form.reason.data)
        flash(
            _(
                "You see this event's sensitive answers for %(minutes)d minutes. Its organisers "
                "are shown your reason.",
                minutes=current_app.config["BREAK_GLASS_MINUTES"],
            ),
            "warning",
        )
    return redirect(back)
