"""Domain errors raised by services, and the error pages."""

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from consultation.db import db


class ConsultationError(Exception):
    """A rule of the domain was broken; the message is safe to show to the user."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # The form field the error belongs to, when a view can attach it there.
        self.field = field


class InvalidInput(ConsultationError):
    """Several rules broken at once, each tied to the form field it concerns."""

    status_code = 422

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(
            "; ".join(str(message) for messages in errors.values() for message in messages)
        )
        self.errors = errors


class NotAllowed(ConsultationError):
    status_code = 403


class NotFound(ConsultationError):
    status_code = 404


class Conflict(ConsultationError):
    status_code = 409


class Unavailable(ConsultationError):
    """Could not be done just now; the same request may work shortly."""

    status_code = 503


ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Too much data"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Not available just now"),
}

ERROR_EXPLANATIONS = {
    400: _l("The request could not be understood. Go back, check what you entered and try again."),
    403: _l("Your account does not have access to this page."),
    404: _l("There is nothing at this address. It may have moved, or the link may be mistyped."),
    405: _l("This page cannot be used that way."),
    413: _l("What was sent is larger than this site accepts."),
    500: _l("The error has been logged. Please try again in a moment."),
}


def render_error(status: int, message: str | None = None) -> tuple[str, int]:
    title = ERROR_TITLES.get(status, ERROR_TITLES[500 if status >= 500 else 400])
    explanation = message or ERROR_EXPLANATIONS.get(status, ERROR_EXPLANATIONS[400])
    if request.blueprint == "api":
        return jsonify(status=status, error=str(title), message=str(explanation)), status
    return render_template(
        "errors/error.html", status=status, title=title, explanation=explanation
    ), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _l(
                "The form had expired or did not come from this site. "
                "Reload the page and submit it again."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # The page cannot be rendered: building any link would read the refused host again.
        return Response("Bad request: unknown host.", 400, mimetype="text/plain")

    @app.errorhandler(ConsultationError)
    def domain_error(error: ConsultationError):
        return render_error(error.status_code, error.message)

    @app.errorhandler(500)
    def internal_error(error: Exception):
        # The failed request may have left the session unusable for rendering the page.
        db.session.rollback()
        return render_error(500)
