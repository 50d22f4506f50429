from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from consultation.accounts.models import User
from consultation.agenda import services
from consultation.agenda.calendar import calendar_for
from consultation.agenda.forms import SessionForm, SpeakerForm
from consultation.agenda.models import Session, SpeakerRole
from consultation.db import db
from consultation.events import access, http_cache
from consultation.events.models import Event
from consultation.forms import domain_errors, render_form
from consultation.organisations.services import directory_organisation, organisation_choices

bp = Blueprint("agenda", __name__)


def ics_response(event: Event, sessions: list[Session], filename: str) -> Response:
    return Response(
        calendar_for(event, sessions),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}.ics"'},
    )


# Public pages -------------------------------------------------------------------------------


@bp.route("/events/<slug>/agenda")
@http_cache.revalidated(page=True)
def agenda(slug: str):
    event = access.visible_event(slug, current_user, *access.EVENT_PAGE_OPTIONS)
    theme = request.args.get("theme") or None
    sessions = services.agenda_sessions(event, theme)
    return render_template(
        "agenda/agenda.html",
        event=event,
        days=services.agenda_by_day(event, sessions),
        theme=theme,
    )


@bp.route("/events/<slug>/sessions/<int:session_id>")
def session_page(slug: str, session_id: int):
    event = access.visible_event(slug, current_user)
    return render_template(
        "agenda/session.html", event=event, session=services.public_session(event, session_id)
    )


@bp.route("/events/<slug>/agenda.ics")
@http_cache.revalidated()
def agenda_calendar(slug: str):
    event = access.visible_event(slug, current_user)
    return ics_response(event, services.agenda_sessions(event), event.slug)


@bp.route("/events/<slug>/sessions/<int:session_id>.ics")
@http_cache.revalidated()
def session_calendar(slug: str, session_id: int):
    event = access.visible_event(slug, current_user)
    session = services.public_session(event, session_id)
    return ics_response(event, [session], f"{event.slug}-session-{session.id}")


# Organiser pages -----------------------------------------------------------------------------


def managed_event_with_themes(slug: str) -> Event:
    return access.managed_event(slug, current_user, *access.EVENT_PAGE_OPTIONS)


@bp.route("/manage/events/<slug>/sessions/new", methods=["GET", "POST"])
@login_required
def create_session(slug: str):
    event = managed_event_with_themes(slug)
    form = SessionForm(event)
    if form.validate_on_submit():
        with domain_errors(form):
            session = services.save_session(event, None, form.details())
            flash(_("The session is added to the agenda. You can now add its speakers."), "success")
            return redirect(url_for("agenda.edit_session", slug=event.slug, session_id=session.id))
    return render_form("agenda/manage/session_form.html", form, event=event, session=None)


def speaker_form(**kwargs) -> SpeakerForm:
    return SpeakerForm(
        [
            SelectChoice(user.id, f"{user.display_name} <{user.email}>")
            for user in services.speaker_candidates()
        ],
        organisation_choices(),
        **kwargs,
    )


@bp.route("/manage/events/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(slug: str, session_id: int):
    event = managed_event_with_themes(slug)
    session = services.session_in_event(event, session_id)
    form = SessionForm.from_session(event, session)
    if form.validate_on_submit():
        with domain_errors(form):
            services.save_session(event, session, form.details())
            flash(_("The session is saved."), "success")
            return redirect(url_for("agenda.edit_session", slug=event.slug, session_id=session.id))
    return render_form(
        "agenda/manage/session_form.html",
        form,
        event=event,
        session=session,
        speaker_form=speaker_form(formdata=None),
    )


@bp.route("/manage/events/<slug>/sessions/<int:session_id>/delete", methods=["POST"])
@login_required
def delete_session(slug: str, session_id: int):
    event = access.managed_event(slug, current_user)
    services.delete_session(services.session_in_event(event, session_id))
    flash(_("The session is deleted from the agenda."), "success")
    return redirect(url_for("events.manage_event", slug=event.slug))


@bp.route("/manage/events/<slug>/sessions/<int:session_id>/speakers", methods=["POST"])
@login_required
def add_speaker(slug: str, session_id: int):
    event = managed_event_with_themes(slug)
    session = services.session_in_event(event, session_id)
    form = speaker_form()
    if form.validate_on_submit():
        with domain_errors(form):
            services.add_speaker(
                session,
                SpeakerRole(form.role.data),
                user=db.session.get(User, form.user_id.data) if form.user_id.data else None,
                name=form.name.data,
                title=form.title.data,
                organisation=directory_organisation(form.organisation_id.data)
                if form.organisation_id.data
                else None,
            )
            flash(_("The person is added to the session."), "success")
            return redirect(url_for("agenda.edit_session", slug=event.slug, session_id=session.id))
    return render_template(
        "agenda/manage/session_form.html",
        form=SessionForm.from_session(event, session, formdata=None),
        event=event,
        session=session,
        speaker_form=form,
    ), 422


@bp.route(
    "/manage/events/<slug>/sessions/<int:session_id>/speakers/<int:speaker_id>/delete",
    methods=["POST"],
)
@login_required
def remove_speaker(slug: str, session_id: int, speaker_id: int):
    event = access.managed_event(slug, current_user)
    session = services.session_in_event(event, session_id)
    services.remove_speaker(session, speaker_id)
    flash(_("The person is removed from the session."), "success")
    return redirect(url_for("agenda.edit_session", slug=event.slug, session_id=session.id))
