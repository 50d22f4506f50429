"""Form handling shared by every feature's views."""

from flask import render_template
from flask_wtf import FlaskForm

from consultation.errors import ConsultationError

# Invalid input re-renders the form with this status and the values the user typed.
UNPROCESSABLE = 422


def attach_error(form: FlaskForm, error: ConsultationError) -> None:
    """Show a domain error next to its field, or above the form when it has none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def render_form(template: str, form: FlaskForm, **context):
    status = UNPROCESSABLE if form.errors else 200
    return render_template(template, form=form, **context), status
