from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from consultation.accounts.access import permission_required
from consultation.accounts.models import Permission
from consultation.forms import domain_errors, render_form
from consultation.taxonomy import services
from consultation.taxonomy.forms import SeriesForm, ThemeForm

bp = Blueprint("taxonomy", __name__)


@bp.route("/themes.css")
def theme_stylesheet():
    """Theme colours as classes: the Content-Security-Policy forbids inline styles."""
    response = make_response(render_template("taxonomy/themes.css", themes=services.all_themes()))
    response.mimetype = "text/css"
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response.make_conditional(request)


@bp.route("/manage/series/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_EVENTS)
def create_series():
    form = SeriesForm()
    if form.validate_on_submit():
        with domain_errors(form):
            services.create_series(
                form.name.data, form.code.data, form.description.data, owner=current_user
            )
            flash(
                _("The series is created: choose it when you create or edit an event."), "success"
            )
            return redirect(url_for("events.create_event"))
    return render_form("taxonomy/manage/series_form.html", form)


@bp.route("/manage/themes")
@permission_required(Permission.MANAGE_EVENTS)
def theme_list():
    return render_template("taxonomy/manage/theme_list.html", themes=services.all_themes())


@bp.route("/manage/themes/new", methods=["GET", "POST"])
@bp.route("/manage/themes/<int:theme_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_EVENTS)
def edit_theme(theme_id: int | None = None):
    # Organisers add themes; changing one changes every event using it, so only
    # administrators may.
    if theme_id is not None and not current_user.can(Permission.MANAGE_USERS):
        abort(403)
    theme = services.theme_or_404(theme_id) if theme_id else None
    form = ThemeForm(obj=theme, data=theme.texts() if theme else None)
    if form.validate_on_submit():
        with domain_errors(form):
            services.save_theme(theme, form.slug.data, form.colour.data, **form.texts())
            flash(_("The theme is saved."), "success")
            return redirect(url_for("taxonomy.theme_list"))
    return render_form("taxonomy/manage/theme_form.html", form, theme=theme)
