from flask import current_app
from flask_babel import LazyString, ngettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from consultation.accounts.models import STAFF_ROLES, Role
from consultation.accounts.services import is_common_password
from consultation.forms import Form, SelectField
from consultation.i18n import LANGUAGE_NAMES

# Language names are shown in their own language so everyone can find theirs.
LANGUAGE_CHOICES = [
    SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGE_NAMES.items()
]


def _password_min_length() -> int:
    return current_app.config["PASSWORD_MIN_LENGTH"]


def _password_help() -> str:
    return ngettext(
        "At least %(num)d character. A few unrelated words make a strong password.",
        "At least %(num)d characters. A few unrelated words make a strong password.",
        _password_min_length(),
    )


class StrongEnoughPassword:
    """Long enough, and not one of the passwords attackers try first."""

    def __call__(self, form: Form, field: PasswordField) -> None:
        minimum = _password_min_length()
        password = field.data or ""
        if len(password) < minimum:
            raise ValidationError(
                ngettext(
                    "Use at least %(num)d character.", "Use at least %(num)d characters.", minimum
                )
            )
        if is_common_password(password):
            raise ValidationError(
                _l("This password is on the lists attackers try first. Choose another one.")
            )


def email_field() -> EmailField:
    return EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter an email address like name@example.org.")),
            Length(max=254),
        ],
        filters=[lambda value: value.strip() if value else value],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            StrongEnoughPassword(),
            Length(max=200),
        ],
        description=LazyString(_password_help),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def display_name_field() -> StringField:
    return StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter your name.")), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )


def organisation_field() -> StringField:
    return StringField(
        _l("Organisation"),
        validators=[Optional(), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )


def language_field(label: str | None = None) -> SelectField:
    return SelectField(label or _l("Preferred language"), choices=LANGUAGE_CHOICES, default="en")


class SignUpForm(Form):
    display_name = display_name_field()
    email = email_field()
    organisation_name = organisation_field()
    language = language_field()


class LoginForm(Form):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ForgotPasswordForm(Form):
    email = email_field()


class SetPasswordForm(Form):
    password, password_confirm = new_password_fields()


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password, password_confirm = new_password_fields()


class ProfileForm(Form):
    display_name = display_name_field()
    organisation_name = organisation_field()
    language = language_field()


class InviteUserForm(Form):
    display_name = display_name_field()
    email = email_field()
    organisation_name = organisation_field()
    role = SelectField(
        _l("Role"),
        choices=Role.choices(STAFF_ROLES),
        default=Role.ORGANISER.value,
    )
    language = language_field(_l("Language of the invitation"))


class ChangeRoleForm(Form):
    role = SelectField(_l("Role"), choices=Role.choices())


class LanguageForm(Form):
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    next = HiddenField()
