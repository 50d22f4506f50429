from flask import Blueprint, render_template, request
from flask_login import current_user

from consultation.events import services

bp = Blueprint("events", __name__)


@bp.route("/")
def home():
    page = request.args.get("page", 1, type=int)
    return render_template("events/home.html", events=services.published_events(page))


@bp.route("/events/<slug>")
def event_page(slug: str):
    return render_template("events/event.html", event=services.visible_event(slug, current_user))
