from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from consultation.agenda.models import Session
from consultation.errors import NotAllowed
from consultation.events.access import can_manage
from consultation.events.models import Event
from consultation.forms import UNPROCESSABLE, domain_errors, render_form
from consultation.organisations.services import organisation_choices
from consultation.outcomes import access as outcome_access
from consultation.outcomes import previous_edition, reading, services
from consultation.outcomes import review as outcome_review
from consultation.outcomes.access import OutcomeAccess
from consultation.outcomes.forms import (
    CommitmentForm,
    ConclusionsForm,
    KeyPointForm,
    RecommendationForm,
    ReviewForm,
    SummaryForm,
)
from consultation.outcomes.models import SessionOutcome

bp = Blueprint("outcomes", __name__, url_prefix="/manage/events/<slug>/outcomes")

COLLECTION = "<any('key-points', 'recommendations', 'commitments'):collection>"


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotAllowed(_("Your role on this event's team does not allow this."))


# Each kind of item has its own prefix: the three forms share a page, and ids must not repeat.
ITEM_PREFIXES = {
    "key-points": "key-point",
    "recommendations": "recommendation",
    "commitments": "commitment",
}


def item_form(collection: str, event: Event, item=None, **kwargs) -> FlaskForm:
    """The form for one kind of item, filled from ``item`` when editing one."""
    kwargs["prefix"] = ITEM_PREFIXES[collection]
    if collection == "key-points":
        return KeyPointForm.of(item, **kwargs) if item else KeyPointForm(**kwargs)
    if collection == "recommendations":
        themes = event.themes
        if item:
            return RecommendationForm.of(item, themes, **kwargs)
        return RecommendationForm(themes, **kwargs)
    organisations = organisation_choices()
    if item:
        return CommitmentForm.of(item, organisations, **kwargs)
    return CommitmentForm(organisations, **kwargs)


def _add(collection: str, event: Event, outcome: SessionOutcome, form: FlaskForm):
    if collection == "key-points":
        return services.add_key_point(outcome, form.details())
    if collection == "recommendations":
        return services.add_recommendation(event, outcome, form.details())
    return services.add_commitment(event, outcome, form.details())


def _update(collection: str, event: Event, outcome: SessionOutcome, item, form: FlaskForm) -> None:
    if collection == "key-points":
        services.update_key_point(outcome, item, form.details())
    elif collection == "recommendations":
        services.update_recommendation(event, outcome, item, form.details())
    else:
        services.update_commitment(outcome, item, form.details())


def _event_with_themes(slug: str) -> tuple[Event, OutcomeAccess]:
    return outcome_access.outcomes_event(slug, current_user, selectinload(Event.themes))


def _session_page(
    event: Event,
    access: OutcomeAccess,
    session: Session,
    outcome: SessionOutcome,
    status: int = 200,
    **forms: FlaskForm,
):
    add_forms = {
        collection: forms.get(collection) or item_form(collection, event, formdata=None)
        for collection in services.ITEM_COLLECTIONS
    }
    return (
        render_template(
            "outcomes/session.html",
            event=event,
            access=access,
            session=session,
            outcome=outcome,
            summary_form=forms.get("summary") or SummaryForm(data={"summary": outcome.summary}),
            add_forms=add_forms,
            review_form=forms.get("review") or ReviewForm(formdata=None),
            review_steps=outcome_review.review_steps(outcome.review_status, access),
            previous=previous_edition.previous_open_items(event) if access.can_record else None,
        ),
        status,
    )


@bp.route("/")
@login_required
def overview(slug: str):
    event, access = outcome_access.outcomes_event(slug, current_user)
    return render_template(
        "outcomes/overview.html",
        event=event,
        access=access,
        conclusions=reading.event_outcome(event),
        sessions=reading.outcomes_overview(event),
        previous=previous_edition.previous_open_items(event),
        can_manage=can_manage(event, current_user),
    )


@bp.route("/progress-session", methods=["POST"])
@login_required
def add_progress_session(slug: str):
    """The agenda's session on the previous edition's open items, for organisers to place."""
    event, _access = _event_with_themes(slug)
    if not can_manage(event, current_user):
        raise NotAllowed(_("Only the event's organisers change its agenda."))
    with domain_errors():
        session = previous_edition.add_progress_session(event)
        flash(_("The session is on the agenda: set its time and room."), "success")
        return redirect(url_for("agenda.edit_session", slug=event.slug, session_id=session.id))
    return redirect(url_for("outcomes.overview", slug=event.slug))


@bp.route("/conclusions", methods=["GET", "POST"])
@login_required
def conclusions(slug: str):
    event, access = outcome_access.outcomes_event(slug, current_user)
    outcome = reading.event_outcome(event)
    if request.method == "POST":
        _require(access.can_record)
        services.check_editable(outcome.review_status)
    form = ConclusionsForm(
        data={
            "executive_summary": outcome.executive_summary,
            "conclusions": outcome.conclusions,
            "next_steps": outcome.next_steps,
        }
    )
    if request.method == "POST" and form.validate():
        with domain_errors(form):
            services.save_conclusions(
                event, form.executive_summary.data, form.conclusions.data, form.next_steps.data
            )
            flash(_("The conclusions are saved."), "success")
            return redirect(url_for("outcomes.conclusions", slug=event.slug))
    return render_form(
        "outcomes/conclusions.html",
        form,
        event=event,
        access=access,
        outcome=outcome,
        review_form=ReviewForm(formdata=None),
        review_steps=outcome_review.review_steps(outcome.review_status, access),
    )


@bp.route("/conclusions/review", methods=["POST"])
@login_required
def review_conclusions(slug: str):
    event, access = outcome_access.outcomes_event(slug, current_user)
    form = ReviewForm()
    if form.validate():
        status = outcome_review.review_event_outcome(
            event, request.form.get("step", ""), access, current_user, form.note.data
        )
        flash(_("The conclusions are now %(status)s.", status=status.label), "success")
    else:
        flash(" ".join(form.note.errors), "danger")
    return redirect(url_for("outcomes.conclusions", slug=event.slug))


@bp.route("/sessions/<int:session_id>")
@login_required
def session_outcome(slug: str, session_id: int):
    event, access = _event_with_themes(slug)
    session, outcome = reading.outcome_for_session(event, session_id)
    return _session_page(event, access, session, outcome)


def _back_to_session(event: Event, session: Session, anchor: str | None = None):
    return redirect(
        url_for("outcomes.session_outcome", slug=event.slug, session_id=session.id)
        + (f"#{anchor}" if anchor else "")
    )


@bp.route("/sessions/<int:session_id>/summary", methods=["POST"])
@login_required
def save_summary(slug: str, session_id: int):
    event, access = _event_with_themes(slug)
    _require(access.can_record)
    session, outcome = reading.outcome_for_session(event, session_id)
    services.check_editable(outcome.review_status)
    form = SummaryForm()
    if form.validate():
        with domain_errors(form):
            services.save_session_summary(outcome, form.summary.data)
            flash(_("The summary is saved."), "success")
            return _back_to_session(event, session, "session-summary")
    return _session_page(event, access, session, outcome, UNPROCESSABLE, summary=form)


@bp.route(f"/sessions/<int:session_id>/{COLLECTION}", methods=["POST"])
@login_required
def add_item(slug: str, session_id: int, collection: str):
    event, access = _event_with_themes(slug)
    _require(access.can_record)
    session, outcome = reading.outcome_for_session(event, session_id)
    services.check_editable(outcome.review_status)
    form = item_form(collection, event)
    if form.validate():
        with domain_errors(form):
            _add(collection, event, outcome, form)
            flash(_("Added."), "success")
            return _back_to_session(event, session, collection)
        session, outcome = reading.outcome_for_session(event, session_id)
    return _session_page(event, access, session, outcome, UNPROCESSABLE, **{collection: form})


@bp.route(f"/sessions/<int:session_id>/{COLLECTION}/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(slug: str, session_id: int, collection: str, item_id: int):
    event, access = _event_with_themes(slug)
    _require(access.can_record)
    session, outcome = reading.outcome_for_session(event, session_id)
    item = services.outcome_item(outcome, collection, item_id)
    services.check_editable(outcome.review_status)
    form = item_form(collection, event, item if request.method == "GET" else None)
    if request.method == "POST" and form.validate():
        with domain_errors(form):
            _update(collection, event, outcome, item, form)
            flash(_("Saved."), "success")
            return _back_to_session(event, session, collection)
    return render_form(
        "outcomes/item_form.html",
        form,
        event=event,
        session=session,
        item=item,
        previous=previous_edition.previous_open_items(event)
        if collection == "recommendations"
        else None,
    )


@bp.route(f"/sessions/<int:session_id>/{COLLECTION}/<int:item_id>/delete", methods=["POST"])
@login_required
def delete_item(slug: str, session_id: int, collection: str, item_id: int):
    event, access = _event_with_themes(slug)
    _require(access.can_record)
    session, outcome = reading.outcome_for_session(event, session_id)
    services.delete_item(outcome, collection, item_id)
    flash(_("Deleted."), "success")
    return _back_to_session(event, session, collection)


@bp.route(f"/sessions/<int:session_id>/{COLLECTION}/<int:item_id>/move", methods=["POST"])
@login_required
def move_item(slug: str, session_id: int, collection: str, item_id: int):
    event, access = _event_with_themes(slug)
    _require(access.can_record)
    session, outcome = reading.outcome_for_session(event, session_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction"))
    if step is None:
        abort(400)
    services.move_item(outcome, collection, item_id, step)
    return _back_to_session(event, session, collection)


@bp.route("/sessions/<int:session_id>/review", methods=["POST"])
@login_required
def review_session(slug: str, session_id: int):
    event, access = _event_with_themes(slug)
    session, outcome = reading.outcome_for_session(event, session_id)
    form = ReviewForm()
    if not form.validate():
        return _session_page(event, access, session, outcome, UNPROCESSABLE, review=form)
    status = outcome_review.take_review_step(
        outcome, request.form.get("step", ""), access, current_user, form.note.data
    )
    flash(_("The outcomes of this session are now %(status)s.", status=status.label), "success")
    return _back_to_session(event, session)
