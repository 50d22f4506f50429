"""Every version of an event's privacy notice, readable by anyone who may see the event:
what someone agreed to stays readable after the notice changes."""

from flask import Blueprint, render_template
from flask_login import current_user

from consultation.events import access
from consultation.registrations import configuration, consents

bp = Blueprint("privacy_notices", __name__)


@bp.route("/events/<slug>/privacy-notice")
@bp.route("/events/<slug>/privacy-notice/<int:version>")
def notice(slug: str, version: int | None = None):
    event = access.visible_event(slug, current_user)
    settings = configuration.settings_for(event)
    shown = consents.notice_version(event.id, version or settings.privacy_notice_version, settings)
    return render_template(
        "registrations/privacy_notice.html",
        event=event,
        notice=shown,
        current_version=settings.privacy_notice_version,
        versions=consents.notice_versions(event.id),
    )
