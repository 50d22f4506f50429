from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from consultation.events.models import Event
from consultation.forms import (
    MARKDOWN_HELP,
    CheckboxListField,
    DateTimeLocalField,
    Form,
    SelectField,
)
from consultation.i18n import LANGUAGE_NAMES, country_choices
from consultation.organisations.models import OrganisationLevel, OrganisationType
from consultation.registrations.configuration import retention_days
from consultation.registrations.exports import COLUMNS, DEFAULT_COLUMNS, FILE_FORMATS
from consultation.registrations.models import (
    OPTIONAL_QUESTIONS,
    Gender,
    Moderation,
    RegistrationSettings,
    RegistrationStatus,
)
from consultation.registrations.services import Answers, NewOrganisation

# The form fields behind each optional question.
QUESTION_FIELDS = {
    "gender": ("gender",),
    "theme_interests": ("theme_interests",),
    "interpretation_languages": ("interpretation_languages",),
    "accessibility_needs": ("accessibility_needs",),
    "dietary_requirements": ("dietary_requirements",),
    "visa_letter": ("needs_visa_letter",),
}


class RegistrationForm(Form):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter your name.")), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter an email address like name@example.org.")),
            Length(max=254),
        ],
        description=_l("We send the confirmation and your link to manage the registration here."),
        filters=[lambda value: value.strip() if value else value],
        render_kw={"autocomplete": "email"},
    )
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    new_organisation_name = StringField(
        _l("Name of your organisation"),
        validators=[Optional(), Length(max=200)],
        description=_l("Only if it is not in the list above."),
    )
    new_organisation_type = SelectField(
        _l("Type of organisation"), choices=OrganisationType.choices()
    )
    new_organisation_level = SelectField(
        _l("Where your organisation works"), choices=OrganisationLevel.choices()
    )
    new_organisation_country = SelectField(
        _l("Country of its headquarters"), choices=country_choices, validators=[Optional()]
    )
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=200)])
    country_of_work = SelectField(
        _l("Country where you work"),
        choices=country_choices,
        validators=[DataRequired(_l("Choose the country where you work."))],
    )
    gender = RadioField(
        _l("Gender"),
        choices=Gender.choices(),
        validators=[Optional()],
        description=_l(
            "Optional. Seen by the event's organisers only, counted in anonymous statistics, "
            "and deleted shortly after the event."
        ),
    )
    theme_interests = CheckboxListField(_l("Themes you want to work on"), coerce=int)
    interpretation_languages = CheckboxListField(
        _l("Languages you need interpretation into"),
        choices=[
            SelectChoice(code, name, render_kw={"lang": code})
            for code, name in LANGUAGE_NAMES.items()
        ],
    )
    accessibility_needs = TextAreaField(
        _l("Accessibility needs"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Seen only by the organisers, to arrange what you need."),
        render_kw={"rows": 2},
    )
    dietary_requirements = TextAreaField(
        _l("Dietary requirements"),
        validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 2},
    )
    needs_visa_letter = BooleanField(_l("I need a letter of invitation for my visa"))
    consent = BooleanField(
        validators=[DataRequired(_l("Registration needs your agreement to the privacy notice."))]
    )
    listed_to_participants = BooleanField(
        _l("Put my name and organisation on the list of participants"),
        description=_l("The list is given to the event's participants only, not published."),
    )
    named_in_report = BooleanField(
        _l("Name me, with my organisation, in the public outcome report"),
        description=_l("Anyone may read that report: it is published after the event."),
    )
    agrees_to_photography = BooleanField(_l("I agree to be photographed at the event"))
    follow_up_news = BooleanField(
        _l("Email me when the follow-up of this consultation's recommendations changes"),
        description=_l("At most once a month; every email says how to stop them."),
    )

    def __init__(
        self,
        settings: RegistrationSettings,
        event: Event,
        organisations: list[SelectChoice],
        correcting: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.organisation_id.choices = [
            SelectChoice(0, _l("My organisation is not in the list")),
            *organisations,
        ]
        self.theme_interests.choices = [
            SelectChoice(theme.id, theme.label) for theme in event.themes
        ]
        self.consent.label.text = _l(
            "I agree to the processing of my data as described in the privacy notice (version %(version)d).",
            version=settings.privacy_notice_version,
        )
        for question in OPTIONAL_QUESTIONS:
            if not settings.asks(question):
                for name in QUESTION_FIELDS[question]:
                    delattr(self, name)
        if event.series_id is None:
            # Only a series' editions are followed up.
            del self.follow_up_news
        if correcting:
            # The address identifies the registration, and consent to processing was given.
            del self.email
            del self.consent

    def answers(self) -> Answers:
        def value(name, default=None):
            field = getattr(self, name, None)
            return field.data if field is not None else default

        new_organisation = None
        if not self.organisation_id.data:
            new_organisation = NewOrganisation(
                name=self.new_organisation_name.data or "",
                acronym=None,
                type=OrganisationType(self.new_organisation_type.data),
                level=OrganisationLevel(self.new_organisation_level.data),
                country=self.new_organisation_country.data or None,
            )
        gender = value("gender")
        return Answers(
            full_name=self.full_name.data,
            organisation_id=self.organisation_id.data or None,
            new_organisation=new_organisation,
            job_title=self.job_title.data,
            country_of_work=self.country_of_work.data,
            gender=Gender(gender) if gender else None,
            theme_interests=value("theme_interests", []) or [],
            interpretation_languages=value("interpretation_languages", []) or [],
            accessibility_needs=value("accessibility_needs"),
            dietary_requirements=value("dietary_requirements"),
            needs_visa_letter=bool(value("needs_visa_letter", False)),
            listed_to_participants=self.listed_to_participants.data,
            named_in_report=self.named_in_report.data,
            agrees_to_photography=self.agrees_to_photography.data,
            follow_up_news=bool(value("follow_up_news", False)),
        )


class ResendLinkForm(Form):
    email = EmailField(
        _l("Email address you registered with"),
        filters=[lambda value: value.strip() if value else value],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter an email address like name@example.org.")),
        ],
    )


class RegistrationSettingsForm(Form):
    opens_at = DateTimeLocalField(
        _l("Registration opens"),
        validators=[Optional()],
        description=_l("In the event's time zone. Leave empty to keep registration closed."),
    )
    closes_at = DateTimeLocalField(
        _l("Registration closes"),
        validators=[Optional()],
        description=_l("In the event's time zone. Leave empty to keep it open until you close it."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[
            Optional(),
            NumberRange(
                min=0, max=1_000_000, message=_l("Enter a number of places, from 0 to 1,000,000.")
            ),
        ],
        description=_l("Confirmed places. Leave empty for no limit."),
    )
    waitlist_enabled = BooleanField(
        _l("Put registrations on a waiting list when the event is full")
    )
    moderation = RadioField(_l("Confirmation"), choices=Moderation.choices())
    questions = CheckboxListField(
        _l("Optional questions to ask"),
        choices=[
            SelectChoice("gender", _l("Gender")),
            SelectChoice("theme_interests", _l("Themes they want to work on")),
            SelectChoice("interpretation_languages", _l("Languages they need interpretation into")),
            SelectChoice("accessibility_needs", _l("Accessibility needs")),
            SelectChoice("dietary_requirements", _l("Dietary requirements")),
            SelectChoice("visa_letter", _l("Visa support letter")),
        ],
    )
    privacy_notice = TextAreaField(
        _l("Privacy notice"),
        validators=[
            DataRequired(
                _l(
                    "Write the privacy notice: who controls the data, why it is collected, how long it is kept."
                )
            )
        ],
        description=MARKDOWN_HELP,
        render_kw={"rows": 6},
    )
    # Bounded by the installation's REGISTRATION_RETENTION_DAYS, which the service checks.
    retention_days = IntegerField(
        _l("Keep personal data for (days after the event)"),
        validators=[InputRequired(_l("Enter a number of days."))],
    )

    @classmethod
    def from_settings(
        cls, event: Event, settings: RegistrationSettings
    ) -> "RegistrationSettingsForm":
        """The form filled with the settings, times shown on the event's wall clock. Values
        are given one by one, never as ``obj``: WTForms prefers ``obj`` to keyword arguments,
        and the UTC times it holds were shown as local ones, moving the window at each save."""

        def wall_clock(moment):
            return moment.astimezone(event.zone).replace(tzinfo=None) if moment else None

        form = cls(
            opens_at=wall_clock(settings.opens_at),
            closes_at=wall_clock(settings.closes_at),
            capacity=settings.capacity,
            waitlist_enabled=settings.waitlist_enabled,
            moderation=settings.moderation.value,
            questions=list(settings.questions),
            privacy_notice=settings.privacy_notice,
            retention_days=retention_days(settings),
        )
        form.retention_days.description = _l(
            "At most %(days)d days, this installation's limit. Visa, accessibility and dietary answers are cleared %(sensitive_days)d days after the event.",
            days=current_app.config["REGISTRATION_RETENTION_DAYS"],
            sensitive_days=current_app.config["SENSITIVE_DATA_RETENTION_DAYS"],
        )
        return form


class StatusChangeForm(Form):
    status = SelectField(_l("New status"), validate_choice=False)
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Kept in the history. Not emailed, but the participant gets it with the rest of "
            "their data when they ask for it."
        ),
        render_kw={"rows": 2},
    )

    def __init__(self, allowed: list[RegistrationStatus], **kwargs) -> None:
        """Offers, and accepts, only the statuses the registration may move to."""
        super().__init__(**kwargs)
        self.status.choices = RegistrationStatus.choices(allowed)
        self.status.validators = [
            AnyOf(
                [status.value for status in allowed],
                message=_l("Choose one of the statuses offered for this registration."),
            )
        ]


class NotesForm(Form):
    internal_notes = TextAreaField(
        _l("Internal notes"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Seen by the event's organisers. The participant gets these notes with the rest "
            "of their data when they ask for it: write only what you would show them."
        ),
        render_kw={"rows": 3},
    )


class ExportForm(Form):
    columns = CheckboxListField(
        _l("Columns"),
        choices=[SelectChoice(key, heading) for key, (heading, _value) in COLUMNS.items()],
        default=list(DEFAULT_COLUMNS),
        validators=[DataRequired(_l("Tick at least one column."))],
        description=_l("Export only what you need: every export is recorded, with its columns."),
    )
    status = SelectField(
        _l("Registrations"),
        choices=[SelectChoice("", _l("All")), *RegistrationStatus.choices()],
        validators=[Optional()],
    )
    file_format = RadioField(
        _l("Format"),
        choices=[SelectChoice(key, label) for key, label in FILE_FORMATS.items()],
        default="xlsx",
    )


class BreakGlassForm(Form):
    reason = TextAreaField(
        _l("Why you need them"),
        validators=[DataRequired(_l("Say why you need the answers.")), Length(max=2000)],
        description=_l("The event's organisers read it, with your name and the time."),
        render_kw={"rows": 2},
    )
