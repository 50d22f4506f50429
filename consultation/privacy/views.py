import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consultation.db import db
from consultation.events import services as events
from consultation.privacy import services
from consultation.registrations import services as registrations

bp = Blueprint("privacy", __name__)


@bp.route("/registrations/<int:registration_id>/<token>/data.json")
def my_data(registration_id: int, token: str):
    registration = registrations.registration_by_token(registration_id, token)
    body = json.dumps(services.registration_data(registration), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="registration-{registration.id}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/registrations/<int:registration_id>/<token>/erase", methods=["POST"])
def erase_my_data(registration_id: int, token: str):
    registration = registrations.registration_by_token(registration_id, token)
    services.erase_registration(registration)
    db.session.commit()
    return render_template("privacy/erased.html")


@bp.route("/manage/events/<slug>/registrations/<int:registration_id>/erase", methods=["POST"])
@login_required
def erase_registration(slug: str, registration_id: int):
    event = events.managed_event(slug, current_user)
    registration = registrations.registration_in_event(event, registration_id)
    services.erase_registration(registration, actor=current_user)
    db.session.commit()
    flash(
        _("The participant's personal data is erased; their seat went to the waiting list."),
        "success",
    )
    return redirect(url_for("registrations.registration_list", slug=event.slug))
