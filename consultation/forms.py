"""Form handling shared by every feature's views."""

from flask import render_template
from flask_wtf import FlaskForm

from consultation.errors import ConsultationError, InvalidInput

# Invalid input re-renders the form with this status and the values the user typed.
UNPROCESSABLE = 422


def attach_error(form: FlaskForm, error: ConsultationError) -> None:
    """Show a domain error next to its field, or above the form when it has none."""
    errors = error.errors if isinstance(error, InvalidInput) else {error.field: [error.message]}
    for name, messages in errors.items():
        field = getattr(form, name, None) if name else None
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)


def render_form(template: str, form: FlaskForm, **context):
    status = UNPROCESSABLE if form.errors else 200
    return render_template(template, form=form, **context), status
