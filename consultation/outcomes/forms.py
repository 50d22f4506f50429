from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from consultation.forms import (
    MARKDOWN_HELP,
    CheckboxListField,
    DateField,
    Form,
    SelectField,
    query_int,
)
from consultation.outcomes.models import (
    Addressee,
    Commitment,
    KeyPoint,
    Priority,
    Recommendation,
)
from consultation.outcomes.services import CommitmentDetails, RecommendationDetails

ITEM_TEXT = [DataRequired(_l("Write the text.")), Length(max=5000)]


def _markdown_field(label, rows: int = 6) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=50000)],
        description=MARKDOWN_HELP,
        render_kw={"rows": rows},
    )


class SummaryForm(Form):
    summary = _markdown_field(_l("Summary of the session"), rows=8)


class ConclusionsForm(Form):
    executive_summary = _markdown_field(_l("Executive summary"), rows=8)
    conclusions = _markdown_field(_l("Overall conclusions"))
    next_steps = _markdown_field(_l("Next steps"))


class KeyPointForm(Form):
    text = TextAreaField(_l("Key point"), validators=ITEM_TEXT, render_kw={"rows": 3})

    @classmethod
    def of(cls, item: KeyPoint, **kwargs) -> "KeyPointForm":
        return cls(data={"text": item.text}, **kwargs)

    def details(self) -> str:
        return self.text.data


class RecommendationForm(Form):
    text = TextAreaField(_l("Recommendation"), validators=ITEM_TEXT, render_kw={"rows": 4})
    addressees = CheckboxListField(_l("Addressed to"), choices=Addressee.choices())
    other_addressee = StringField(
        _l("Also addressed to"),
        validators=[Optional(), Length(max=200)],
        description=_l("Anyone not in the list, e.g. “Host governments in the region”."),
    )
    priority = SelectField(
        _l("Priority"), choices=Priority.choices(), default=Priority.MEDIUM.value
    )
    themes = CheckboxListField(_l("Themes"), coerce=int)
    follows = StringField(
        _l("Follows up"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "References of earlier recommendations of this series that this one takes up, "
            "separated by commas (e.g. MENA-2026-R04). Find them in the follow-up register."
        ),
        # The previous edition's open recommendations, offered as the page's suggestions.
        render_kw={"list": "earlier-recommendations"},
    )

    def __init__(self, themes, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.themes.choices = [SelectChoice(theme.id, theme.label) for theme in themes]

    @classmethod
    def of(cls, item: Recommendation, themes, **kwargs) -> "RecommendationForm":
        return cls(
            themes,
            **kwargs,
            data={
                "text": item.text,
                "addressees": item.addressees,
                "other_addressee": item.other_addressee,
                "priority": item.priority.value,
                "themes": [theme.id for theme in item.themes],
                "follows": ", ".join(earlier.reference for earlier in item.follows),
            },
        )

    def details(self) -> RecommendationDetails:
        return RecommendationDetails(
            text=self.text.data,
            addressees=[Addressee(value) for value in self.addressees.data or []],
            other_addressee=self.other_addressee.data,
            priority=Priority(self.priority.data),
            theme_ids=self.themes.data or [],
            follows=(self.follows.data or "").replace(";", ",").replace("،", ",").split(","),
        )


class CommitmentForm(Form):
    text = TextAreaField(_l("Commitment or action point"), validators=ITEM_TEXT)
    owner_id = SelectField(
        _l("Owner"),
        coerce=lambda value: query_int(value) if value else None,
        validate_choice=False,
        description=_l("The organisation that takes it on. Add missing ones under Organisations."),
    )
    due_on = DateField(_l("Due date"), validators=[Optional()])

    def __init__(self, organisations: list[SelectChoice], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.owner_id.choices = [SelectChoice("", _l("Nobody in particular")), *organisations]

    @classmethod
    def of(cls, item: Commitment, organisations, **kwargs) -> "CommitmentForm":
        return cls(
            organisations,
            data={"text": item.text, "owner_id": item.owner_id, "due_on": item.due_on},
            **kwargs,
        )

    def details(self) -> CommitmentDetails:
        return CommitmentDetails(
            text=self.text.data, owner_id=self.owner_id.data, due_on=self.due_on.data
        )


class ReviewForm(Form):
    note = TextAreaField(
        _l("Note for the team"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Say why, when you return outcomes to draft."),
        render_kw={"rows": 2},
    )
