"""Every email the application sends goes through ``send_email``.

The message is built in the request (templates, translations) and delivered as a background
job, so a request takes as long whether or not it sent an email. Backends, chosen by
``MAIL_BACKEND``:
- ``console``: logs the message and writes it as an ``.eml`` file to ``instance/outbox/``;
- ``smtp``: delivers through the server named by the ``SMTP_*`` settings;
- ``memory``: keeps messages in ``app.extensions["mail_outbox"]`` for the tests to read.
"""

import logging
import smtplib
import ssl
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import make_msgid
from pathlib import Path
from secrets import token_hex

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale

from consultation import jobs

log = logging.getLogger(__name__)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an email, built on ``BASE_URL`` and never on the request's Host."""
    base_url = current_app.config["BASE_URL"]
    if has_request_context():
        return base_url + url_for(endpoint, **values)
    with current_app.test_request_context(base_url=base_url):
        return url_for(endpoint, _external=True, **values)


def send_email(to: str, subject: str, template: str, language: str, **context) -> EmailMessage:
    """Render ``templates/emails/<template>.txt`` and ``.html`` in ``language`` and send them.

    ``subject`` is usually a lazy string, so that it is translated in the recipient's language.
    """
    with force_locale(language):
        message = EmailMessage()
        subject = str(subject)
        message["Subject"] = subject
        message["From"] = current_app.config["MAIL_FROM"]
        message["To"] = to
        message["Message-ID"] = make_msgid(domain="consultation.invalid")
        message.set_content(render_template(f"emails/{template}.txt", **context))
        message.add_alternative(
            render_template(
                f"emails/{template}.html", language=language, subject=subject, **context
            ),
            subtype="html",
        )
        # After the parts: setting content clears every Content-* header.
        message["Content-Language"] = language
    jobs.enqueue(deliver_email, message.as_bytes())
    return message


def deliver_email(raw_message: bytes) -> None:
    message = message_from_bytes(raw_message, policy=default)
    _BACKENDS[current_app.config["MAIL_BACKEND"]](message)


def _send_console(message: EmailMessage) -> None:
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = outbox / f"{stamp}-{token_hex(4)}.eml"
    path.write_bytes(message.as_bytes())
    text = message.get_body(preferencelist=("plain",))
    log.info(
        "Email to %s: %s (saved to %s)\n%s",
        message["To"],
        message["Subject"],
        path,
        text.get_content() if text else "",
    )


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    context = ssl.create_default_context()
    if config["SMTP_SECURITY"] == "ssl":
        server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
    with server:
        if config["SMTP_SECURITY"] == "starttls":
            server.starttls(context=context)
        if config["SMTP_USERNAME"]:
            server.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        server.send_message(message)


def _send_memory(message: EmailMessage) -> None:
    current_app.extensions.setdefault("mail_outbox", []).append(message)


_BACKENDS = {"console": _send_console, "smtp": _send_smtp, "memory": _send_memory}
