from typing import TYPE_CHECKING, NamedTuple

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    Field,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from consultation.events.models import PartnerRole, Region, TeamRole
from consultation.forms import (
    MARKDOWN_HELP,
    SLUG_RULE,
    CheckboxListField,
    DateField,
    Form,
    SelectField,
    one_line,
)
from consultation.i18n import LANGUAGE_NAMES, country_choices, timezone_choices, timezone_names
from consultation.multilingual import text_direction

if TYPE_CHECKING:
    from consultation.multilingual import Translatable


def known_timezone(form, field) -> None:
    if field.data not in timezone_names():
        raise ValidationError(_l("Choose a time zone from the list."))


def required_in_a_series(form, field) -> None:
    """An edition of a series needs its year; an event in no series may leave it out (the
    year it starts is taken)."""
    if form.series_id.data and not (field.raw_data and field.raw_data[0].strip()):
        # Instead of "Not a valid integer value." for the empty box, as InputRequired does.
        field.errors[:] = []
        raise StopValidation(_l("Enter the edition's year."))


def upper_case(value: str | None) -> str | None:
    return value.strip().upper() if isinstance(value, str) else value


class EventForm(Form):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Give the event a title.")), Length(max=200)],
        # The title is an email subject: see one_line.
        filters=[one_line],
    )
    slug = StringField(
        _l("Web address"),
        validators=[Optional(), Length(max=80), SLUG_RULE],
        description=_l(
            "The end of the event's address, /events/…. Leave empty to make one from the title."
        ),
    )
    series_id = SelectField(_l("Series"), coerce=int, validate_choice=True)
    edition_year = IntegerField(
        _l("Edition year"),
        validators=[
            required_in_a_series,
            Optional(),
            NumberRange(2000, 2100, _l("Enter a year between 2000 and 2100.")),
        ],
        description=_l("Needed for an edition of a series; otherwise the year of the first day."),
    )
    short_code = StringField(
        _l("Short code"),
        validators=[
            Optional(),
            Regexp(r"^[A-Z0-9]{1,12}$", message=_l("Up to 12 letters and digits, e.g. RHC.")),
        ],
        filters=[upper_case],
        description=_l(
            "Recommendations and commitments of an event in no series are numbered with it, "
            "e.g. RHC-2027-R07 (an edition of a series uses the series' code). Leave empty to "
            "take the initials of the title."
        ),
    )
    region = SelectField(_l("Region"), choices=Region.choices())
    city = StringField(
        _l("City"), validators=[DataRequired(_l("Enter the city.")), Length(max=120)]
    )
    country = SelectField(
        _l("Country"),
        choices=country_choices,
        validators=[DataRequired(_l("Choose the country."))],
    )
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    start_date = DateField(
        _l("First day"),
        validators=[InputRequired(_l("Enter the first day as YYYY-MM-DD."))],
        invalid_message=_l("Enter the first day as YYYY-MM-DD."),
    )
    end_date = DateField(
        _l("Last day"),
        validators=[InputRequired(_l("Enter the last day as YYYY-MM-DD."))],
        invalid_message=_l("Enter the last day as YYYY-MM-DD."),
    )
    timezone = SelectField(
        _l("Time zone"),
        choices=timezone_choices,
        default="UTC",
        validators=[known_timezone],
        description=_l("Sessions are entered and shown in this time zone."),
    )
    working_languages = CheckboxListField(
        _l("Working languages"),
        choices=[
            SelectChoice(code, name, render_kw={"lang": code})
            for code, name in LANGUAGE_NAMES.items()
        ],
        validators=[DataRequired(_l("Choose at least one working language."))],
        default=["en"],
    )
    content_language = SelectField(
        _l("Language of the title, summary and description"),
        choices=[
            SelectChoice(code, name, render_kw={"lang": code})
            for code, name in LANGUAGE_NAMES.items()
        ],
        default="en",
        description=_l(
            "Visitors who read another working language see your translation into it, or these texts with a note saying so."
        ),
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[Optional(), Length(max=2000)],
        description=MARKDOWN_HELP,
        render_kw={"rows": 3},
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=20000)],
        description=MARKDOWN_HELP,
        render_kw={"rows": 8},
    )
    contact_email = EmailField(
        _l("Contact email"),
        validators=[
            Optional(),
            Email(_l("Enter an email address like name@example.org.")),
            Length(max=254),
        ],
    )

    def __init__(self, series_choices: list[SelectChoice], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.series_id.choices = [SelectChoice(0, _l("No series")), *series_choices]

    def validate_content_language(self, field) -> None:
        if field.data not in (self.working_languages.data or []):
            raise ValidationError(_l("Choose one of the working languages you ticked."))

    def event_fields(self) -> dict:
        original = self.content_language.data
        others = [code for code in self.working_languages.data if code != original]
        return {
            "title": self.title.data.strip(),
            "short_code": self.short_code.data or None,
            "series_id": self.series_id.data or None,
            "edition_year": self.edition_year.data,
            "region": Region(self.region.data),
            "city": self.city.data.strip(),
            "country": self.country.data,
            "venue": (self.venue.data or "").strip() or None,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "timezone": self.timezone.data,
            # The first working language is the one the event's own texts are written in.
            "working_languages": [original, *others],
            "summary": self.summary.data or None,
            "description": self.description.data or None,
            "contact_email": (self.contact_email.data or "").strip().lower() or None,
        }


class CopyEventForm(Form):
    title = StringField(
        _l("Title of the new edition"),
        validators=[DataRequired(_l("Give the new edition a title.")), Length(max=200)],
        filters=[one_line],  # an email subject too
    )
    slug = StringField(
        _l("Web address"),
        validators=[Optional(), Length(max=80), SLUG_RULE],
        description=_l("Leave empty to make one from the title."),
    )
    start_date = DateField(
        _l("First day of the new edition"),
        validators=[InputRequired(_l("Enter the first day as YYYY-MM-DD."))],
        description=_l(
            "The agenda moves with it: every session keeps its weekday offset and time."
        ),
    )


class PartnerForm(Form):
    organisation_id = SelectField(
        _l("Organisation"),
        coerce=int,
        validate_choice=True,
        description=_l("Missing? Add it to the directory under Organisations first."),
    )
    role = SelectField(_l("Role"), choices=PartnerRole.choices())

    def __init__(self, organisation_choices: list[SelectChoice], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = organisation_choices


class EventThemesForm(Form):
    themes = CheckboxListField(_l("Themes of this event"), coerce=int)

    def __init__(self, theme_choices: list[SelectChoice], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.themes.choices = theme_choices


class TeamMemberForm(Form):
    email = EmailField(
        _l("Email address of their account"),
        validators=[
            DataRequired(_l("Enter an email address.")),
            Email(_l("Enter an email address like name@example.org.")),
        ],
    )
    role = SelectField(_l("Role on this event"), choices=TeamRole.choices())


# The translated texts keep the limits of the originals.
TRANSLATED_TEXTS = {
    "title": (_l("Title"), 200),
    "summary": (_l("Summary"), 2000),
    "description": (_l("Description"), 20000),
}


class TranslationGroup(NamedTuple):
    """The translatable texts of one event or session, each with its original."""

    subject: "Translatable"
    fields: list[tuple[Field, str]]


class TranslationForm(Form):
    groups: list[TranslationGroup]

    def texts(self, subject: "Translatable") -> dict[str, str | None]:
        group = next(group for group in self.groups if group.subject is subject)
        return {field.short_name.rsplit("-", 1)[1]: field.data for field, _ in group.fields}


def translation_form(language: str, subjects: list["Translatable"]) -> TranslationForm:
    """One text box per non-empty text of the event and of its sessions, holding the
    translation into ``language`` so far."""

    class Form(TranslationForm):
        pass

    direction = text_direction(language)
    prefixes = []
    for index, subject in enumerate(subjects):
        prefix = f"text{index}"
        prefixes.append(prefix)
        for name in subject.TRANSLATED_FIELDS:
            if not getattr(subject, name):
                continue
            label, limit = TRANSLATED_TEXTS[name]
            field_class = StringField if name == "title" else TextAreaField
            setattr(
                Form,
                f"{prefix}-{name}",
                field_class(
                    label,
                    validators=[Optional(), Length(max=limit)],
                    # A translated title is the subject of emails in that language.
                    filters=[one_line] if name == "title" else [],
                    default=subject.translation(language, name),
                    render_kw={"lang": language, "dir": direction}
                    | ({} if name == "title" else {"rows": 3 if name == "summary" else 6}),
                ),
            )
    form = Form()
    form.groups = [
        TranslationGroup(
            subject,
            [
                (form[f"{prefix}-{name}"], getattr(subject, name))
                for name in subject.TRANSLATED_FIELDS
                if f"{prefix}-{name}" in form
            ],
        )
        for prefix, subject in zip(prefixes, subjects, strict=True)
    ]
    return form
