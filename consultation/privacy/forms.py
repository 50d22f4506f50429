from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from consultation.forms import Form
from consultation.privacy.accounts import RegistrationsChoice

REGISTRATIONS_CHOICES = [
    SelectChoice(
        RegistrationsChoice.ERASE.value,
        _l("Erase them too: names, answers and links go, and places go to the waiting list"),
    ),
    SelectChoice(
        RegistrationsChoice.KEEP.value,
        _l("Keep them: they stay managed through the links sent by email"),
    ),
]


class AccountDeletionForm(Form):
    """An administrator's confirmation."""

    registrations = RadioField(
        _l("Registrations made with this address"),
        choices=REGISTRATIONS_CHOICES,
        default=RegistrationsChoice.ERASE.value,
    )


class OwnAccountDeletionForm(AccountDeletionForm):
    """The owner's, who confirms with their password."""

    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password to confirm."))],
        render_kw={"autocomplete": "current-password"},
    )
