from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from consultation.db import today_utc
from consultation.follow_up.updates import MAX_EVIDENCE_LINKS, UpdateDetails
from consultation.forms import MARKDOWN_HELP, DateField, Form, SelectField
from consultation.i18n import LANGUAGE_NAMES
from consultation.outcomes.models import Commitment, Recommendation
from consultation.registrations.exports import FILE_FORMATS

PROGRESS_SCALE = [
    SelectChoice("0", _l("0 — not started")),
    SelectChoice("1", "1"),
    SelectChoice("2", "2"),
    SelectChoice("3", _l("3 — half-way")),
    SelectChoice("4", "4"),
    SelectChoice("5", _l("5 — fully achieved")),
]


class UpdateForm(Form):
    reported_on = DateField(
        _l("Date of the update"), validators=[InputRequired(_l("Give the date."))]
    )
    status = SelectField(_l("Status"), validators=[Optional()])
    progress = SelectField(
        _l("Progress (self-assessment)"),
        choices=[SelectChoice("", _l("Not assessed")), *PROGRESS_SCALE],
        validators=[Optional()],
        description=_l("From 0, nothing done yet, to 5, fully achieved."),
    )
    text = TextAreaField(
        _l("What was done"),
        validators=[Optional(), Length(max=20000)],
        description=MARKDOWN_HELP,
        render_kw={"rows": 6},
    )
    language = SelectField(
        _l("Written in"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
    )
    evidence_links = TextAreaField(
        _l("Evidence (links)"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Web addresses of reports, decisions or publications, one a line (at most %(num)d).",
            num=MAX_EVIDENCE_LINKS,
        ),
        render_kw={"rows": 3},
    )

    def __init__(self, item: Recommendation | Commitment, *args, **kwargs) -> None:
        kwargs.setdefault("data", {"reported_on": today_utc(), "language": str(get_locale())})
        super().__init__(*args, **kwargs)
        self.status.choices = [
            SelectChoice("", _l("No change (%(status)s)", status=item.status.label)),
            *item.statuses.choices(),
        ]
        if not isinstance(item, Commitment):
            del self.progress

    def details(self) -> UpdateDetails:
        progress = getattr(self, "progress", None)
        return UpdateDetails(
            reported_on=self.reported_on.data,
            status=self.status.data or None,
            progress=int(progress.data) if progress is not None and progress.data else None,
            text=self.text.data,
            language=self.language.data,
            evidence_links=(self.evidence_links.data or "").splitlines(),
        )


class ReviewUpdateForm(Form):
    class Meta:
        # One of these per update waiting on the page, each with its prefix: the page's
        # token is checked for every POST by CSRFProtect.
        csrf = False

    note = TextAreaField(
        _l("Note for the author"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Needed when you do not publish the update: say why."),
        render_kw={"rows": 2},
    )


class RegisterExportForm(Form):
    file_format = RadioField(
        _l("Format"),
        choices=[SelectChoice(key, label) for key, label in FILE_FORMATS.items()],
        default="xlsx",
    )


class ContactForm(Form):
    name = StringField(
        _l("Name"), validators=[InputRequired(_l("Give the person's name.")), Length(max=200)]
    )
    email = EmailField(
        _l("Email address"),
        validators=[
            InputRequired(_l("Give the person's email address.")),
            Email(_l("Enter an email address like name@example.org.")),
            Length(max=254),
        ],
    )
    language = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        description=_l("Of the emails and of the update page."),
    )


class ReminderSettingsForm(Form):
    reminder_months = StringField(
        _l("Remind owners after the edition (months)"),
        validators=[Optional(), Length(max=60)],
        description=_l("Months after each edition ends, separated by commas, e.g. 3, 6, 12."),
    )
    due_reminder_days = IntegerField(
        _l("Remind owners before a due date (days)"),
        validators=[InputRequired(_l("Give a number of days.")), NumberRange(0, 365)],
    )

    def months(self) -> list[str]:
        # Arabic keyboards type "،" between numbers.
        text = (self.reminder_months.data or "").replace("،", ",")
        return [part.strip() for part in text.split(",")]
