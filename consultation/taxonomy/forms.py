from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from consultation.forms import SLUG_RULE, Form


class SeriesForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Name the series.")), Length(max=200)],
        description=_l("e.g. IOM–NGO Humanitarian Consultations"),
    )
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(_l("Give the series a short code.")),
            Length(max=12),
            Regexp(r"^[A-Za-z0-9-]+$", message=_l("Letters, digits and hyphens only, e.g. MENA.")),
        ],
        description=_l(
            "Short and permanent: recommendations are numbered with it, e.g. MENA-2027-R07."
        ),
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3}
    )


class ThemeForm(Form):
    slug = StringField(
        _l("Short name"),
        validators=[DataRequired(_l("Give the theme a short name.")), Length(max=80), SLUG_RULE],
        description=_l("Used in addresses, e.g. humanitarian-access."),
    )
    colour = StringField(
        _l("Colour"),
        validators=[
            DataRequired(_l("Choose a colour.")),
            Regexp(r"^#[0-9A-Fa-f]{6}$", message=_l("Choose a colour.")),
        ],
        default="#0b5394",
        render_kw={"type": "color"},
    )
    name_en = StringField(
        _l("Name in English"),
        validators=[DataRequired(_l("Give the name in English.")), Length(max=120)],
        render_kw={"lang": "en"},
    )
    name_fr = StringField(
        _l("Name in French"),
        validators=[DataRequired(_l("Give the name in French.")), Length(max=120)],
        render_kw={"lang": "fr"},
    )
    name_ar = StringField(
        _l("Name in Arabic"),
        validators=[DataRequired(_l("Give the name in Arabic.")), Length(max=120)],
        render_kw={"lang": "ar", "dir": "rtl"},
    )
    description_en = TextAreaField(
        _l("Description in English"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"lang": "en", "rows": 2},
    )
    description_fr = TextAreaField(
        _l("Description in French"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"lang": "fr", "rows": 2},
    )
    description_ar = TextAreaField(
        _l("Description in Arabic"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"lang": "ar", "dir": "rtl", "rows": 2},
    )

    def texts(self) -> dict[str, str | None]:
        return {
            name: getattr(self, name).data
            for name in (
                "name_en",
                "name_fr",
                "name_ar",
                "description_en",
                "description_fr",
                "description_ar",
            )
        }
