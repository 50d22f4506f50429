import hashlib
import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import (
    current_user,
    login_required,
    login_user,
    logout_user,
    user_loaded_from_cookie,
)

from consultation import jobs, throttles
from consultation.accounts import services
from consultation.accounts.access import permission_required, safe_next_url
from consultation.accounts.forms import (
    ChangePasswordForm,
    ChangeRoleForm,
    ForgotPasswordForm,
    InviteUserForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    SetPasswordForm,
    SignUpForm,
)
from consultation.accounts.models import Permission, Role, User
from consultation.db import db
from consultation.extensions import limiter
from consultation.forms import UNPROCESSABLE, attach_error, domain_errors, query_int, render_form
from consultation.multilingual import isolated

bp = Blueprint("accounts", __name__)

# Only refresh the last-seen time once a minute, not on every request.
SEEN_AT_RESOLUTION = 60


@user_loaded_from_cookie.connect
def _remembered(app, user) -> None:
    session["remembered"] = True


@bp.before_app_request
def end_expired_sessions():
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    if session.get("remembered"):
        # "Remember me" keeps the person signed in until the cookie expires.
        return None
    now = time.time()
    signed_in_at = session.setdefault("signed_in_at", now)
    seen_at = session.get("seen_at", now)
    if services.session_expired(signed_in_at, seen_at, now):
        logout_user()
        session.clear()
        flash(
            _("You were signed out after a while without activity. Please sign in again."), "info"
        )
        return redirect(url_for("accounts.login", next=request.full_path))
    if now - seen_at >= SEEN_AT_RESOLUTION or "seen_at" not in session:
        session["seen_at"] = now
    return None


@bp.route("/signup", methods=["GET", "POST"])
@throttles.mail_sending
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = SignUpForm()
    if form.validate_on_submit():
        # Whether the address has an account is looked up after the answer, which is the
        # same either way, in time too.
        jobs.enqueue_after_response(
            services.sign_up,
            form.email.data,
            form.display_name.data,
            form.organisation_name.data,
            form.language.data,
        )
        return render_template("accounts/check_inbox.html", email=form.email.data)
    return render_form("accounts/signup.html", form)


def _submitted_account() -> str:
    """Failed sign-ins are counted per account and network address, keyed by a hash of the
    email address typed, so that the limiter's storage holds no email address. Per pair, not
    per account: someone guessing a password from elsewhere must not lock its owner out."""
    email = services.normalise_email(request.form.get("email", ""))
    return f"account:{hashlib.sha256(email.encode()).hexdigest()}:{get_remote_address()}"


def _sign_in_failed(response) -> bool:
    return response.status_code == UNPROCESSABLE


def _login_failure_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_failure_limit, methods=["POST"], deduct_when=_sign_in_failed)
@limiter.limit(
    _login_failure_limit,
    key_func=_submitted_account,
    methods=["POST"],
    deduct_when=_sign_in_failed,
)
def login():
    form = LoginForm(next=request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(safe_next_url(form.next.data))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.LoginFailed as error:
            # Committed although the answer is an error: the failed attempt stays in the
            # audit log.
            db.session.commit()
            attach_error(form, error)
        else:
            login_user(user, remember=form.remember.data)
            session["signed_in_at"] = session["seen_at"] = time.time()
            session["remembered"] = bool(form.remember.data)
            flash(_("You are signed in."), "success")
            return redirect(safe_next_url(form.next.data))
    return render_form("accounts/login.html", form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        # A copy of the session cookie taken before signing out is worth nothing after.
        services.sign_out(current_user)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "success")
    return redirect(url_for("events.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@throttles.mail_sending
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        jobs.enqueue_after_response(services.request_password_reset, form.email.data)
        return render_template("accounts/check_inbox.html", email=form.email.data)
    return render_form("accounts/forgot_password.html", form)


# The emailed link is exchanged for a session entry, and the form is on an address without
# the token: it stays out of server logs, browser history and Referer headers.
PASSWORD_LINK = "password_link"  # noqa: S105 (a session key, not a secret)


@bp.route("/password/reset/<token>", defaults={"purpose": services.TokenPurpose.RESET_PASSWORD})
@bp.route("/activate/<token>", defaults={"purpose": services.TokenPurpose.ACTIVATION})
def open_password_link(token: str, purpose: services.TokenPurpose):
    try:
        services.user_from_token(token, purpose)
    except services.InvalidToken as error:
        return render_template("accounts/invalid_link.html", message=error.message), 400
    session[PASSWORD_LINK] = {"purpose": str(purpose), "token": token}
    return redirect(url_for("accounts.set_password", purpose=purpose), 303)


@bp.route(
    "/password/reset",
    defaults={"purpose": services.TokenPurpose.RESET_PASSWORD},
    methods=["GET", "POST"],
)
@bp.route(
    "/activate",
    defaults={"purpose": services.TokenPurpose.ACTIVATION},
    methods=["GET", "POST"],
)
def set_password(purpose: services.TokenPurpose):
    # Only the POST uses the token up: mail scanners that open links must not spend it.
    link = session.get(PASSWORD_LINK) or {}
    if link.get("purpose") != str(purpose):
        message = _("Open the link in your email again: this page needs it.")
        return render_template("accounts/invalid_link.html", message=message), 400
    try:
        services.user_from_token(link["token"], purpose)
    except services.InvalidToken as error:
        session.pop(PASSWORD_LINK, None)
        return render_template("accounts/invalid_link.html", message=error.message), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        user = services.set_password_from_token(link["token"], purpose, form.password.data)
        session.pop(PASSWORD_LINK, None)
        login_user(user)
        flash(_("Your new password is saved and you are signed in."), "success")
        return redirect(url_for("accounts.profile"))
    return render_form("accounts/set_password.html", form, purpose=purpose)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(
            current_user, form.display_name.data, form.organisation_name.data, form.language.data
        )
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_form("accounts/profile.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with domain_errors(form):
            services.change_password(current_user, form.current_password.data, form.password.data)
            # The session token rotated with the password; sign this browser in again.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_form("accounts/change_password.html", form)


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    session["language"] = form.language.data
    if current_user.is_authenticated:
        current_user.language = form.language.data
    return redirect(safe_next_url(form.next.data))


# Administration --------------------------------------------------------------------------
# CSRFProtect checks the token of every POST before a view runs, so buttons that change
# state need no form class of their own.


def user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/admin/users")
@permission_required(Permission.MANAGE_USERS)
def user_list():
    query = request.args.get("q", "").strip()
    page = request.args.get("page", 1, type=query_int)
    return render_template(
        "accounts/admin/users.html", users=services.search_users(query, page), query=query
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
def invite_user():
    form = InviteUserForm()
    if form.validate_on_submit():
        with domain_errors(form):
            user = services.invite_user(
                form.email.data,
                form.display_name.data,
                form.organisation_name.data,
                Role(form.role.data),
                form.language.data,
                invited_by=current_user,
            )
            flash(
                _(
                    "%(name)s is invited; they have been sent a link to choose a password.",
                    name=isolated(user.display_name),
                ),
                "success",
            )
            return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_form(
        "accounts/admin/invite.html",
        form,
        activation_days=current_app.config["ACTIVATION_MAX_AGE"] // 86400,
    )


@bp.route("/admin/users/<int:user_id>")
@permission_required(Permission.MANAGE_USERS)
def user_detail(user_id: int):
    user = user_or_404(user_id)
    return render_template(
        "accounts/admin/user.html",
        user=user,
        role_form=ChangeRoleForm(role=user.role.value),
    )


@bp.route("/admin/users/<int:user_id>/role", methods=["POST"])
@permission_required(Permission.MANAGE_USERS)
def change_role(user_id: int):
    user = user_or_404(user_id)
    form = ChangeRoleForm()
    if form.validate_on_submit():
        services.change_role(user, Role(form.role.data), acting_user=current_user)
        flash(
            _("%(name)s is now: %(role)s.", name=isolated(user.display_name), role=user.role.label),
            "success",
        )
        return redirect(url_for("accounts.user_detail", user_id=user.id))
    return render_template("accounts/admin/user.html", user=user, role_form=form), UNPROCESSABLE


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"], defaults={"active": False})
@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"], defaults={"active": True})
@permission_required(Permission.MANAGE_USERS)
def set_active(user_id: int, active: bool):
    user = user_or_404(user_id)
    services.set_active(user, active, acting_user=current_user)
    if active:
        flash(_("%(name)s can sign in again.", name=isolated(user.display_name)), "success")
    else:
        flash(
            _("%(name)s is deactivated and has been signed out.", name=isolated(user.display_name)),
            "success",
        )
    return redirect(url_for("accounts.user_detail", user_id=user.id))
