"""Access logs without the bearer tokens of emailed links: the first request of a link
(``/registrations/<id>/<token>``, ``/follow-up/contacts/<id>/<token>``, ``/activate/<token>``,
``/password/reset/<token>``) carries one, and a log line that kept it would let its reader act
as the participant or the owner. The link's pages after it carry none (see
``private_links``).

``RedactingLogger`` is gunicorn's logger class for ``make serve``; ``RedactingFilter`` does
the same for the development server's log.
"""

import logging
import re

from gunicorn.glogging import Logger

# A token is a long run of URL-safe characters (dots in signed account links); the short
# words of the pages after a link (cancel, event.ics, data.json) never match.
TOKEN_IN_PATH = re.compile(
    r"(?P<route>/registrations/\d+/|/follow-up/contacts/\d+/|/follow-up/news/stop/|/activate/"
    r"|/password/reset/)"
    r"[A-Za-z0-9_.-]{20,}"
)
REDACTED = "…"


def redacted(text: str) -> str:
    return TOKEN_IN_PATH.sub(lambda match: match["route"] + REDACTED, text)


class RedactingLogger(Logger):
    """gunicorn's access log, with every value its format may show redacted."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            name: redacted(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redacted(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def redact_development_server_log() -> None:
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(each, RedactingFilter) for each in werkzeug_log.filters):
        werkzeug_log.addFilter(RedactingFilter())
