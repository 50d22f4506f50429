from flask_babel import lazy_gettext as _l
from wtforms import RadioField

from consultation.forms import Form, SelectField
from consultation.i18n import LANGUAGE_NAMES
from consultation.reports.models import Audience, ReportKind


class ReportForm(Form):
    kind = RadioField(_l("Report"), choices=ReportKind.choices(), default=ReportKind.OUTCOME.value)
    audience = RadioField(_l("Audience"), choices=Audience.choices(), default=Audience.PUBLIC.value)
    language = SelectField(_l("Language"))

    def __init__(self, kinds: list[ReportKind], languages: list[str], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = ReportKind.choices(kinds)
        self.language.choices = [(code, LANGUAGE_NAMES.get(code, code)) for code in languages]
