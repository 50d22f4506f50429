"""A read-only public JSON view of published events and their agendas."""

from flask import Blueprint, request
from flask_login import current_user

from consultation.agenda.models import Attribution, Session
from consultation.agenda.services import agenda_sessions
from consultation.api import follow_up, openapi
from consultation.events import access, lists
from consultation.events.models import Event
from consultation.forms import query_int
from consultation.mail import external_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def event_summary(event: Event) -> dict:
    return {
        "slug": event.slug,
        "title": event.title,
        "series": event.series.name if event.series else None,
        "edition_year": event.edition_year,
        "region": event.region.value,
        "city": event.city,
        "country": event.country,
        "venue": event.venue,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "timezone": event.timezone,
        "working_languages": event.working_languages,
        # The texts above are in the first working language; these are the others'.
        "translations": event.translations,
        "status": event.status.value,
        "themes": [theme.slug for theme in event.themes],
        "url": external_url("events.event_page", slug=event.slug),
    }


def _public_translations(session: Session, hidden: bool, closed: bool) -> dict:
    if not closed:
        return session.translations
    shown = set() if hidden else {"title"}
    return {
        language: kept
        for language, texts in session.translations.items()
        if (kept := {field: text for field, text in texts.items() if field in shown})
    }


def session_record(session: Session) -> dict:
    """A session as the public sees it: a closed one names nobody and describes nothing, and
    unless its organisers made its title public it is a time slot without a title."""
    hidden = session.title_kept_private
    closed = session.attribution is Attribution.CLOSED
    return {
        "id": session.id,
        "title": None if hidden else session.title,
        "kind": session.kind.value,
        "starts_at": session.local_start.isoformat(),
        "ends_at": session.local_end.isoformat(),
        "room": None if hidden else session.room,
        "attribution": session.attribution.value,
        "themes": [] if hidden else [theme.slug for theme in session.themes],
        "people": [
            {
                "name": speaker.display_name,
                "role": speaker.role.value,
                "title": speaker.title,
                "organisation": speaker.organisation_name,
            }
            for speaker in session.public_speakers
        ],
        "description": None if closed else session.description,
        "translations": _public_translations(session, hidden, closed),
    }


@bp.route("/events")
def event_list():
    page = lists.public_events(lists.EventFilters(), request.args.get("page", 1, type=query_int))
    return {
        "events": [event_summary(event) for event in page.items],
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
    }


@bp.route("/events/<slug>")
def event_detail(slug: str):
    event = access.visible_event(slug, current_user, *access.EVENT_PAGE_OPTIONS)
    return {
        **event_summary(event),
        "summary": event.summary,
        "description": event.description,
        "contact_email": event.contact_email,
        "partners": [
            {
                "name": partner.organisation.name,
                "acronym": partner.organisation.acronym,
                "role": partner.role.value,
            }
            for partner in event.partners
        ],
        "sessions": [session_record(session) for session in agenda_sessions(event)],
    }


@bp.route("/series/<code>/recommendations")
def series_recommendations(code: str):
    """Published recommendations of the series with their published statuses and updates."""
    return follow_up.series_items(code, "recommendations")


@bp.route("/series/<code>/commitments")
def series_commitments(code: str):
    """Published commitments of the series; owners only where their session was on record."""
    return follow_up.series_items(code, "commitments")


@bp.route("/openapi.json")
def openapi_document():
    return openapi.document()
