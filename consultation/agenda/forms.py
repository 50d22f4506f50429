from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from consultation.agenda.models import Attribution, Session, SessionKind, SpeakerRole
from consultation.agenda.services import SessionDetails
from consultation.events.models import Event
from consultation.forms import MARKDOWN_HELP, CheckboxListField, Form, SelectField, TimeField


class SessionForm(Form):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Give the session a title.")), Length(max=200)]
    )
    kind = SelectField(_l("Kind"), choices=SessionKind.choices())
    day = SelectField(_l("Day"), validators=[DataRequired(_l("Choose a day."))])
    start = TimeField(
        _l("Starts at"),
        validators=[InputRequired(_l("Enter a time as HH:MM."))],
    )
    end = TimeField(
        _l("Ends at"),
        validators=[InputRequired(_l("Enter a time as HH:MM."))],
    )
    room = StringField(
        _l("Room"),
        validators=[Optional(), Length(max=120)],
        description=_l("Two sessions cannot use the same room at the same time (breaks excepted)."),
    )
    attribution = SelectField(
        _l("Attribution rule"),
        choices=Attribution.choices(),
        default=Attribution.CHATHAM_HOUSE.value,
        description=_l(
            "Reports apply it: under the Chatham House rule nothing said is attributed."
        ),
    )
    title_public = BooleanField(
        _l("Show the title of this closed session on the public agenda"),
        description=_l(
            "Off, the public agenda, calendars, API and agenda PDF show only “Closed session” "
            "at its time. Its people and description are never shown outside the team."
        ),
    )
    themes = CheckboxListField(_l("Themes"), coerce=int)
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=20000)],
        description=MARKDOWN_HELP,
        render_kw={"rows": 5},
    )

    def __init__(self, event: Event, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.day.choices = [
            SelectChoice(day.isoformat(), format_date(day, "full")) for day in event.days
        ]
        self.themes.choices = [SelectChoice(theme.id, theme.label) for theme in event.themes]

    @classmethod
    def from_session(cls, event: Event, session: Session, **kwargs) -> "SessionForm":
        """The form filled with a session, its times shown in the event's time zone."""
        return cls(
            event,
            title=session.title,
            kind=session.kind.value,
            day=session.local_start.date().isoformat(),
            start=session.local_start.time(),
            end=session.local_end.time(),
            room=session.room,
            attribution=session.attribution.value,
            title_public=session.title_public,
            themes=[theme.id for theme in session.themes],
            description=session.description,
            **kwargs,
        )

    def details(self) -> SessionDetails:
        return SessionDetails(
            title=self.title.data,
            kind=SessionKind(self.kind.data),
            day=date.fromisoformat(self.day.data),
            start=self.start.data,
            end=self.end.data,
            room=self.room.data,
            description=self.description.data,
            attribution=Attribution(self.attribution.data),
            title_public=self.title_public.data,
            theme_ids=self.themes.data or [],
        )


class SpeakerForm(Form):
    class Meta:
        # Its prefix would rename its own token; the page's csrf_token, which CSRFProtect
        # checks on every POST, protects it.
        csrf = False

    role = SelectField(_l("Role"), choices=SpeakerRole.choices())
    user_id = SelectField(
        _l("A user of this site"),
        coerce=int,
        validate_choice=True,
        description=_l("Or leave this on “External speaker” and fill in the name below."),
    )
    name = StringField(_l("Name of an external speaker"), validators=[Optional(), Length(max=120)])
    title = StringField(
        _l("Job title"),
        validators=[Optional(), Length(max=200)],
        description=_l("e.g. Director of Operations and Emergencies"),
    )
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)

    def __init__(
        self,
        user_choices: list[SelectChoice],
        organisation_choices: list[SelectChoice],
        *args,
        **kwargs,
    ) -> None:
        # Prefixed: it shares the page with the session form, whose ids must stay unique.
        super().__init__(*args, prefix="speaker", **kwargs)
        self.user_id.choices = [SelectChoice(0, _l("External speaker")), *user_choices]
        self.organisation_id.choices = [SelectChoice(0, "—"), *organisation_choices]
