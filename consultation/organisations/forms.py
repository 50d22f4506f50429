from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional

from consultation.forms import Form, SelectField
from consultation.i18n import country_choices
from consultation.organisations.models import Organisation, OrganisationLevel, OrganisationType


class OrganisationForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the organisation's name.")), Length(max=200)],
        description=_l("The full name, e.g. International Council of Voluntary Agencies."),
    )
    acronym = StringField(_l("Acronym"), validators=[Optional(), Length(max=40)])
    type = SelectField(_l("Type"), choices=OrganisationType.choices())
    level = SelectField(
        _l("Level"),
        choices=OrganisationLevel.choices(),
        description=_l(
            "Where it works: internationally, across a region, in one country, or locally."
        ),
    )
    country = SelectField(
        _l("Headquarters country"), choices=country_choices, validators=[Optional()]
    )
    website = URLField(
        _l("Website"),
        validators=[
            Optional(),
            URL(message=_l("Enter a full address starting with https://.")),
            Length(max=300),
        ],
    )


class MergeForm(Form):
    into = RadioField(
        _l("Merge into"),
        coerce=int,
        validate_choice=True,
        validators=[InputRequired(_l("Choose the organisation to keep."))],
    )

    def __init__(self, candidates: list[Organisation], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.into.choices = [
            SelectChoice(
                other.id,
                f"{other.name} ({other.acronym})" if other.acronym else other.name,
            )
            for other in candidates
        ]
