"""The register of a series and each item's follow-up: load, authorise, act, render or redirect."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from consultation.db import db
from consultation.errors import NotFound
from consultation.follow_up import (
    access,
    contacts,
    exports,
    news,
    public,
    register,
    reminders,
    updates,
)
from consultation.follow_up.forms import (
    ContactForm,
    RegisterExportForm,
    ReminderSettingsForm,
    ReviewUpdateForm,
    UpdateForm,
)
from consultation.follow_up.models import UpdateReview
from consultation.forms import UNPROCESSABLE, domain_errors, query_int, render_form
from consultation.multilingual import isolated
from consultation.outcomes.models import (
    Addressee,
    CommitmentStatus,
    Priority,
    RecommendationStatus,
)
from consultation.spreadsheets import attachment
from consultation.taxonomy.models import Series

bp = Blueprint("follow_up", __name__)

KIND = "<any(recommendations, commitments):kind>"


def filters_from(args: MultiDict) -> register.RegisterFilters:
    def member(enum_class, value):
        return enum_class(value) if value in set(enum_class) else None

    kind = args.get("kind")
    sort = args.get("sort")
    return register.RegisterFilters(
        kind=kind if kind in register.KINDS else "recommendations",
        query=args.get("q", "").strip() or None,
        edition_id=args.get("edition", type=query_int),
        theme_id=args.get("theme", type=query_int),
        status=args.get("status") or None,
        addressee=member(Addressee, args.get("addressee")),
        priority=member(Priority, args.get("priority")),
        owner_id=args.get("owner", type=query_int),
        overdue=args.get("overdue") == "1",
        silent=args.get("silent") == "1",
        to_review=args.get("review") == "1",
        sort=sort if sort in register.SORTS else "reference",
        descending=args.get("order") == "desc",
    )


def _series(code: str):
    series = access.series_by_code(code)
    series_access = access.series_access(series, current_user)
    access.require(series_access.can_read)
    return series, series_access


@bp.route("/manage/series/<code>/follow-up")
@login_required
def register_page(code: str):
    series, series_access = _series(code)
    filters = filters_from(request.args)
    return render_template(
        "follow_up/register.html",
        series=series,
        access=series_access,
        filters=filters,
        items=register.register_page(
            series,
            filters,
            request.args.get("page", 1, type=query_int),
            current_app.config["FOLLOW_UP_ITEMS_PER_PAGE"],
        ),
        counts=register.counts(series),
        editions=register.editions(series),
        themes=register.series_themes(series),
        owners=register.series_owners(series),
        addressees=list(Addressee),
        priorities=list(Priority),
        export_form=RegisterExportForm(formdata=None),
    )


@bp.route("/manage/series/<code>/follow-up/reminders", methods=["GET", "POST"])
@login_required
def reminder_settings(code: str):
    series, series_access = _series(code)
    access.require(series_access.can_update)
    form = ReminderSettingsForm(
        data={
            "reminder_months": ", ".join(str(months) for months in series.reminder_months),
            "due_reminder_days": series.due_reminder_days,
        }
    )
    if form.validate_on_submit():
        with domain_errors(form):
            reminders.set_reminder_steps(series, form.months(), form.due_reminder_days.data)
            flash(_("The reminders are set."), "success")
            return redirect(url_for("follow_up.register_page", code=series.code))
    return render_form("follow_up/reminder_settings.html", form, series=series)


@bp.route("/manage/series/<code>/follow-up/export", methods=["POST"])
@login_required
def export(code: str):
    series, _series_access = _series(code)
    form = RegisterExportForm()
    filters = filters_from(request.form)
    if not form.validate():
        flash(_("Choose a format for the export."), "danger")
        return redirect(url_for("follow_up.register_page", code=series.code, **filters.as_query()))
    content = exports.export_register(series, filters, form.file_format.data, current_user)
    return attachment(content, form.file_format.data, f"{series.code}-{filters.kind}")


def _item(kind: str, item_id: int):
    item, event = register.item_or_404(kind, item_id)
    item_access = access.event_access(event, current_user)
    if not item_access.can_read:
        # Whether the item exists is itself the team's business.
        raise NotFound(_("There is no such recommendation or commitment."))
    return item, event, item_access


def _review_form(update_id: int, **kwargs) -> ReviewUpdateForm:
    # One form for each update waiting for review: ids must not repeat.
    return ReviewUpdateForm(prefix=f"review-{update_id}", **kwargs)


def _item_page(
    kind,
    item,
    event,
    item_access,
    update_form=None,
    review_form=None,
    contact_form=None,
    status=200,
):
    review_forms = {
        update.id: _review_form(update.id, formdata=None)
        for update in item.updates
        if update.review is UpdateReview.PENDING
    }
    if review_form is not None:
        review_forms[review_form.update_id] = review_form
    return (
        render_template(
            "follow_up/item.html",
            kind=kind,
            item=item,
            event=event,
            access=item_access,
            update_form=update_form or UpdateForm(item, formdata=None),
            review_forms=review_forms,
            contact_form=contact_form or ContactForm(formdata=None),
            silent=contacts.silent_contacts([item]) if kind == "commitments" else set(),
        ),
        status,
    )


@bp.route(f"/manage/follow-up/{KIND}/<int:item_id>")
@login_required
def item(kind: str, item_id: int):
    return _item_page(kind, *_item(kind, item_id))


@bp.route(f"/manage/follow-up/{KIND}/<int:item_id>/updates", methods=["POST"])
@login_required
def post_update(kind: str, item_id: int):
    item, event, item_access = _item(kind, item_id)
    access.require(item_access.can_update)
    form = UpdateForm(item)
    if form.validate():
        with domain_errors(form):
            update = updates.post_update(item, form.details(), current_user, item_access)
            flash(
                _("The update is published.")
                if update.is_published
                else _("The update is saved: the policy team publishes it after review."),
                "success",
            )
            return redirect(url_for("follow_up.item", kind=kind, item_id=item.id))
    return _item_page(kind, item, event, item_access, update_form=form, status=UNPROCESSABLE)


@bp.route(
    f"/manage/follow-up/{KIND}/<int:item_id>/updates/<int:update_id>/review", methods=["POST"]
)
@login_required
def review_update(kind: str, item_id: int, update_id: int):
    item, event, item_access = _item(kind, item_id)
    access.require(item_access.can_review)
    update = next((each for each in item.updates if each.id == update_id), None)
    if update is None:
        raise NotFound(_("This update does not exist or belongs to another item."))
    back = redirect(url_for("follow_up.item", kind=kind, item_id=item.id))
    if update.review is not UpdateReview.PENDING:
        # Reviewed meanwhile, in another tab or by a colleague: show the page as it is now.
        flash(_("This update has already been reviewed."), "warning")
        return back
    form = _review_form(update.id)
    form.update_id = update.id
    publish = request.form.get("decision") == "publish"
    if form.validate():
        with domain_errors(form):
            if publish:
                updates.publish(update, current_user, form.note.data)
                flash(_("The update is published."), "success")
            else:
                updates.reject(update, current_user, form.note.data)
                flash(_("The update is kept from publication."), "success")
            return back
    return _item_page(kind, item, event, item_access, review_form=form, status=UNPROCESSABLE)


# The public "You said, we did" ------------------------------------------------------------


@bp.route("/series/<code>/follow-up")
@bp.route("/series/<code>/follow-up/<int:year>")
def public_page(code: str, year: int | None = None):
    series = access.series_by_code(code)
    editions = public.public_editions(series)
    if year is not None and year not in {edition.edition_year for edition in editions}:
        raise NotFound(_("This series has no public edition of that year."))
    filters = public.PublicFilters(
        edition_year=year,
        theme_id=request.args.get("theme", type=query_int),
        status=request.args.get("status") or None,
    )
    groups = public.follow_up_page(series, filters)
    return render_template(
        "follow_up/public.html",
        series=series,
        editions=editions,
        filters=filters,
        groups=groups,
        counts=public.status_counts(groups),
        themes=register.series_themes(series),
        statuses={
            "recommendations": list(RecommendationStatus),
            "commitments": list(CommitmentStatus),
        },
    )


# The owner's contacts ---------------------------------------------------------------------


def _commitment(item_id: int):
    item, event, item_access = _item("commitments", item_id)
    access.require(item_access.can_update)
    return item, event, item_access


@bp.route("/manage/follow-up/commitments/<int:item_id>/contacts", methods=["POST"])
@login_required
def add_contact(item_id: int):
    item, event, item_access = _commitment(item_id)
    form = ContactForm()
    if form.validate():
        with domain_errors(form):
            contacts.add_contact(item, form.name.data, form.email.data, form.language.data)
            flash(_("The contact is added: send them their update link."), "success")
            return redirect(url_for("follow_up.item", kind="commitments", item_id=item.id))
    return _item_page(
        "commitments", item, event, item_access, contact_form=form, status=UNPROCESSABLE
    )


@bp.route(
    "/manage/follow-up/commitments/<int:item_id>/contacts/<int:contact_id>/link",
    methods=["POST"],
)
@login_required
def send_update_link(item_id: int, contact_id: int):
    item, event, _item_access = _commitment(item_id)
    contact = contacts.contact_of(item, contact_id)
    contacts.send_link(item, contact, event)
    flash(_("The update link is on its way to %(name)s.", name=isolated(contact.name)), "success")
    return redirect(url_for("follow_up.item", kind="commitments", item_id=item.id))


@bp.route(
    "/manage/follow-up/commitments/<int:item_id>/contacts/<int:contact_id>/delete",
    methods=["POST"],
)
@login_required
def remove_contact(item_id: int, contact_id: int):
    item, _event, _item_access = _commitment(item_id)
    contacts.remove_contact(item, contact_id)
    flash(_("The contact is removed; their link no longer works."), "success")
    return redirect(url_for("follow_up.item", kind="commitments", item_id=item.id))


@bp.route("/follow-up/news/stop/<token>", methods=["GET", "POST"])
def news_opt_out(token: str):
    """The link in every follow-up email: one button stops them all."""
    subscription = news.subscription_by_token(token)
    if request.method == "POST":
        series = db.session.get(Series, subscription.series_id)
        news.opt_out(subscription)
        flash(_("You will get no more emails about this follow-up."), "success")
        return redirect(url_for("follow_up.public_page", code=series.code))
    return render_template(
        "follow_up/news_opt_out.html", series=db.session.get(Series, subscription.series_id)
    )
