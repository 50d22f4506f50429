"""Form handling and fields shared by every feature's views."""

from collections.abc import Iterator
from contextlib import contextmanager

import wtforms
from flask import flash, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import escape
from wtforms.widgets import CheckboxInput, ListWidget

from consultation.db import db
from consultation.errors import ConsultationError, InvalidInput

# Invalid input re-renders the form with this status and the values the user typed.
UNPROCESSABLE = 422
# Ids and page numbers fit a 32-bit INTEGER column; larger numbers in a URL match nothing.
LARGEST_ID = 2**31 - 1
# The help of every field shown through the Markdown sanitiser.
MARKDOWN_HELP = _l("Markdown: **bold**, *italic*, lists with -, links as [text](https://…).")


SLUG_RULE = wtforms.validators.Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    message=_l("Use lower-case letters, digits and hyphens only, e.g. mena-2027."),
)


class CheckboxListField(wtforms.SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def query_int(value: str) -> int:
    """For ``request.args.get(name, default, type=query_int)``: a number out of range, like
    one that is not a number, gives the default instead of a database error."""
    number = int(value)
    if not 0 <= number <= LARGEST_ID:
        raise ValueError(value)
    return number


def query_ints(values: list[str]) -> list[int]:
    """The values that ``query_int`` accepts, the others left out (ticked ids, say)."""
    numbers = []
    for value in values:
        try:
            numbers.append(query_int(value))
        except ValueError:
            continue
    return numbers


def one_line(value: str | None) -> str | None:
    """A filter for one-line fields: line breaks (every one str.splitlines knows, U+2028 and
    U+0085 included) and runs of spaces become one space. An event's title goes into the
    subject of its emails, where Python refuses a line break (it would start a new header):
    a title typed or pasted with one made every registration for the event a 500."""
    return " ".join(value.split()) if isinstance(value, str) else value


# Explicit direction controls (embeddings, overrides and isolates) and invisible characters:
# a name typed with them reads backwards ("‮evil‬"), hides from searches or escapes the
# isolation pages give it. Marks (LRM, RLM, ALM) stay, and so do the joiners ZWJ and ZWNJ,
# which Arabic, Persian and emoji sequences need.
INVISIBLE_CONTROLS = dict.fromkeys(
    map(
        ord,
        "\u202a\u202b\u202c\u202d\u202e"  # embeddings, overrides and their pop
        "\u2066\u2067\u2068\u2069"  # isolates
        "\u200b\u2060\u2061\u2062\u2063\u2064\ufeff",  # zero-width space, joiners, BOM
    )
)


def strip_invisible(value: str | None) -> str | None:
    """A filter for every text field: drops ``INVISIBLE_CONTROLS``."""
    return value.translate(INVISIBLE_CONTROLS) if isinstance(value, str) else value


class Form(FlaskForm):
    """Every form of the application: its text fields lose ``INVISIBLE_CONTROLS`` (passwords
    are left exactly as typed)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            if issubclass(field_class, wtforms.StringField) and not issubclass(
                field_class, wtforms.PasswordField
            ):
                filters = unbound_field.kwargs.get("filters", ())
                options["filters"] = [strip_invisible, *filters]
            return super().bind_field(form, unbound_field, options)


def attach_error(form: FlaskForm, error: ConsultationError) -> None:
    """Show a domain error next to its field, or above the form when it has none."""
    errors = error.errors if isinstance(error, InvalidInput) else {error.field: [error.message]}
    for name, messages in errors.items():
        field = getattr(form, name, None) if name else None
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)


@contextmanager
def domain_errors(form: FlaskForm | None = None) -> Iterator[None]:
    """A rule the service refused (``ConsultationError``) is shown on its form field, or, for a
    button with no form page of its own, flashed; and what the service had done is undone.
    The view goes on after the block: it re-renders the form as typed, or redirects."""
    try:
        yield
    except ConsultationError as error:
        db.session.rollback()
        if form is None:
            flash(str(error.message), "danger")
        else:
            attach_error(form, error)


def render_form(template: str, form: FlaskForm, **context):
    status = UNPROCESSABLE if form.errors else 200
    return render_template(template, form=form, **context), status


class _ClearParseError:
    """Replace WTForms' generic "Not a valid … value" with a message saying what to type."""

    default_invalid_message: str

    def __init__(self, *args, invalid_message: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message or self.default_invalid_message

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.invalid_message) from error


class DateField(_ClearParseError, wtforms.DateField):
    default_invalid_message = _l("Enter a date as YYYY-MM-DD.")


class TimeField(_ClearParseError, wtforms.TimeField):
    default_invalid_message = _l("Enter a time as HH:MM, e.g. 09:30.")


class DateTimeLocalField(_ClearParseError, wtforms.DateTimeLocalField):
    default_invalid_message = _l("Enter a date and time as YYYY-MM-DD HH:MM.")


class Select(wtforms.widgets.Select):
    """WTForms' select, with its plain options written directly: country and organisation
    lists have hundreds of options, and building each one's attributes through
    ``html_params`` made the registration form spend most of its time on them."""

    @classmethod
    def render_option(cls, choice, **kwargs) -> str:
        if choice.render_kw or kwargs:
            return super().render_option(choice, **kwargs)
        value = str(choice.value)
        label = str(choice.label or value)
        selected = " selected" if choice.selected else ""
        return f'<option{selected} value="{escape(value)}">{escape(label)}</option>'


class SelectField(wtforms.SelectField):
    widget = Select()
