from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from consultation.audit_log import labels, services
from consultation.events.access import managed_event
from consultation.forms import query_int

bp = Blueprint("audit", __name__)
bp.add_app_template_filter(labels.audit_details)
bp.add_app_template_filter(labels.audit_subject)


@bp.route("/manage/events/<slug>/audit")
@login_required
def event_log(slug: str):
    event = managed_event(slug, current_user)
    page = max(request.args.get("page", 1, type=query_int), 1)
    pagination, lines = services.event_log(event.id, page)
    return render_template(
        "audit_log/event_log.html", event=event, pagination=pagination, lines=lines
    )
