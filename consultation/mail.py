"""Every email the application sends goes through ``send_email``.

The message is built where it is sent (templates, translations) and written to the
``outbox`` table in the same transaction as the change it reports, so a registration is never
without its email nor an email without its registration. Once the transaction commits, the
outbox is delivered: by the RQ worker when ``REDIS_URL`` is set, otherwise at once. A failing
mail server never loses a message: temporary failures are retried with growing delays,
permanent ones are marked failed for organisers to see and send again (a new message: the
body, which holds a live link, is deleted once the message is sent or has failed). With a worker, each delivery
round schedules the next one for the earliest message still waiting, and the worker sweeps the
outbox every ``MAIL_SWEEP_INTERVAL`` in case a job was lost. Backends, chosen by
``MAIL_BACKEND``:
- ``console``: logs the message and writes it as an ``.eml`` file to ``instance/outbox/``;
- ``smtp``: delivers through the server named by the ``SMTP_*`` settings;
- ``memory``: keeps messages in ``app.extensions["mail_outbox"]`` for the tests to read.
"""

import logging
import smtplib
import ssl
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.header import Header
from email.headerregistry import HeaderRegistry, UniqueUnstructuredHeader
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import default
from email.utils import make_msgid
from pathlib import Path
from secrets import token_hex

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from consultation import content_version, jobs
from consultation.db import LabelledEnum, db, enum_type, now_utc

log = logging.getLogger(__name__)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an email, built on ``BASE_URL`` and never on the request's Host."""
    base_url = current_app.config["BASE_URL"]
    if has_request_context():
        return base_url + url_for(endpoint, **values)
    with current_app.test_request_context(base_url=base_url):
        return url_for(endpoint, _external=True, **values)


class OutboxStatus(LabelledEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"

    @classmethod
    def labels(cls):
        return {cls.PENDING: _l("Waiting"), cls.SENT: _l("Sent"), cls.FAILED: _l("Failed")}


class DeliveryProblem(LabelledEnum):
    """Why an email was not delivered, in words for the organisers who see it; the server's
    own answer goes to the application's log."""

    UNREACHABLE = "unreachable"
    DEFERRED = "deferred"
    ADDRESS_REFUSED = "address_refused"
    SIGN_IN_REFUSED = "sign_in_refused"
    MESSAGE_REFUSED = "message_refused"
    OTHER = "other"

    @classmethod
    def labels(cls):
        return {
            cls.UNREACHABLE: _l("The mail server could not be reached."),
            cls.DEFERRED: _l("The mail server kept asking to try again later."),
            cls.ADDRESS_REFUSED: _l("The recipient's mail server refused the address."),
            cls.SIGN_IN_REFUSED: _l(
                "The mail server refused the application's sign-in: check its SMTP settings."
            ),
            cls.MESSAGE_REFUSED: _l("The mail server refused the message."),
            cls.OTHER: _l("The message could not be sent."),
        }

    @classmethod
    def of(cls, error: Exception) -> "DeliveryProblem":
        # In this order: smtplib's errors are OSErrors too. A failure still temporary is one
        # that lasted through every attempt (greylisting that never ended, a full mailbox).
        if _is_temporary(error) and isinstance(
            error, smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException
        ):
            return cls.DEFERRED
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            return cls.ADDRESS_REFUSED
        if isinstance(error, smtplib.SMTPAuthenticationError):
            return cls.SIGN_IN_REFUSED
        if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
            return cls.UNREACHABLE
        if isinstance(error, smtplib.SMTPResponseException):
            return cls.MESSAGE_REFUSED
        if isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException):
            return cls.UNREACHABLE
        return cls.OTHER


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        # The organisers' list of an event's emails that failed
        sa.Index("ix_outbox_event_id_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    # The message as it will be sent; emptied once sent or failed (see deliver_due_messages).
    raw_message: Mapped[bytes] = mapped_column(sa.LargeBinary)
    # What the message was ("registrations/registration:confirmed") and about whom, which is
    # all that is needed to write it again.
    kind: Mapped[str | None] = mapped_column(sa.String(80))
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="SET NULL")
    )
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus, "status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    # The last failure in words for the organisers (last_error is the server's own answer).
    problem: Mapped[DeliveryProblem | None] = mapped_column(enum_type(DeliveryProblem, "problem"))
    # The event the message is about, so that its organisers see failures and can resend.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    sent_at: Mapped[datetime | None]

    @property
    def problem_shown(self) -> DeliveryProblem:
        """What organisers read of a failure (one recorded before problems were, says little)."""
        return self.problem or DeliveryProblem.OTHER


content_version.not_shown(OutboxMessage)


class _SubjectHeader(UniqueUnstructuredHeader):
    """A subject that is not plain ASCII on one line is written as RFC 2047 encoded words that
    carry their own spaces. Python's folder puts the space at a fold between two encoded words,
    where readers must drop it ("الاستشارةالإقليمية"), and puts a long first word on a line of
    its own, which reads back with a leading space. Lines stay within 76 characters (a space
    and an encoded word of at most 75, RFC 2047), so the backends, which parse the stored bytes
    and write them again, keep them as they are."""

    def fold(self, *, policy) -> str:
        text = str(self)
        if text.isascii() and len(self.name) + 2 + len(text) <= policy.max_line_length:
            return super().fold(policy=policy)
        encoded = Header(text, "utf-8", maxlinelen=76, header_name=self.name).encode(
            linesep=policy.linesep
        )
        return f"{self.name}: {encoded}{policy.linesep}"


_header_factory = HeaderRegistry()
_header_factory.map_to_type("subject", _SubjectHeader)
# Used to build messages and to read the stored ones, so that a backend writing a parsed
# message again folds any long subject the same way.
POLICY = default.clone(header_factory=_header_factory)


class TemporaryFailure(Exception):
    """The mail server may accept the message later."""


def send_email(
    to: str,
    subject: str,
    template: str,
    language: str,
    event_id: int | None = None,
    registration_id: int | None = None,
    variant: str | None = None,
    **context,
) -> EmailMessage:
    """Render ``templates/emails/<template>.txt`` and ``.html`` in ``language`` and put the
    message in the outbox, to leave when the current transaction commits.

    ``subject`` is usually a lazy string, so that it is translated in the recipient's language.
    ``variant`` says which of the template's messages it is, for the outbox's record.
    """
    with force_locale(language):
        message = EmailMessage(policy=POLICY)
        subject = str(subject)
        message["Subject"] = subject
        message["From"] = current_app.config["MAIL_FROM"]
        message["To"] = to
        # When the message was written, not when it leaves (RFC 5322: when it was complete):
        # a retry hours later, or a resend, then carries the same bytes, Date and Message-ID,
        # so a server that got it twice can drop the copy, and the reader sees it was written
        # before a message that overtook it.
        message["Date"] = now_utc()
        # On the sender's domain, which spam filters expect.
        message["Message-ID"] = make_msgid(domain=message["From"].addresses[0].domain or None)
        message.set_content(render_template(f"emails/{template}.txt", **context))
        message.add_alternative(
            render_template(
                f"emails/{template}.html", language=language, subject=subject, **context
            ),
            subtype="html",
        )
        # After the parts: setting content clears every Content-* header.
        message["Content-Language"] = language
    db.session.add(
        OutboxMessage(
            recipient=to,
            subject=subject[:300],
            raw_message=message.as_bytes(),
            event_id=event_id,
            registration_id=registration_id,
            kind=f"{template}:{variant}" if variant else template,
        )
    )
    jobs.after_commit(jobs.enqueue, deliver_due_messages)
    return message


def _is_temporary(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # One recipient per message: greylisting answers it 4xx, an unknown address 5xx.
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, OSError | smtplib.SMTPException | TemporaryFailure)


MAX_RETRY_DELAY = timedelta(hours=4)
# Fixed job ids: each delivery round moves the one scheduled round instead of adding one.
DELIVERY_JOB_ID = "mail-delivery"
SWEEP_JOB_ID = "mail-sweep"


def _retry_delay(attempts: int) -> timedelta:
    return min(current_app.config["MAIL_RETRY_DELAY"] * 2 ** (attempts - 1), MAX_RETRY_DELAY)


def deliver_due_messages() -> int:
    """Send every outbox message that is due; returns how many left."""
    config = current_app.config
    backend = _BACKENDS[config["MAIL_BACKEND"]]
    sent = 0
    # A session of its own: this may run right after another session's commit.
    with sa.orm.Session(db.engine) as session:
        now = now_utc()
        due = session.scalars(
            sa.select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now
            )
            .order_by(OutboxMessage.id)
            .limit(config["MAIL_BATCH_SIZE"])
        ).all()
        for message_id in due:
            # Claim the message by moving its next attempt ahead, so that two workers never
            # send it twice; if this process dies while sending, the claim simply expires.
            claimed = session.execute(
                sa.update(OutboxMessage)
                .where(
                    OutboxMessage.id == message_id,
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= now,
                )
                .values(next_attempt_at=now + timedelta(minutes=10))
            ).rowcount
            session.commit()
            if not claimed:
                continue
            row = session.get(OutboxMessage, message_id)
            try:
                backend(message_from_bytes(row.raw_message, policy=POLICY))
            except Exception as error:
                row.attempts += 1
                row.last_error = f"{type(error).__name__}: {error}"[:2000]
                row.problem = DeliveryProblem.of(error)
                if _is_temporary(error) and row.attempts < config["MAIL_MAX_ATTEMPTS"]:
                    row.next_attempt_at = now_utc() + _retry_delay(row.attempts)
                else:
                    row.status = OutboxStatus.FAILED
                    # Sending again writes a new message with a new link (see
                    # registrations.notifications.resend_failed_email).
                    row.raw_message = b""
                # By id: logs never name the people the application writes to.
                log.warning("Email %s not sent: %s", row.id, row.last_error)
            else:
                row.status = OutboxStatus.SENT
                row.sent_at = now_utc()
                # The body held a live link: once sent, only what the organisers see of it
                # (recipient, subject, kind, status, times) is kept, in the database and
                # backups.
                row.raw_message = b""
                row.attempts += 1
                sent += 1
            session.commit()
        # The next round, when the earliest waiting message is due: a retry, an expired claim
        # or what this round had no room for. Asked for after every round (not with each
        # failure), so a round that comes early, or finds the message claimed by another
        # worker, never ends the retries.
        next_due = session.scalar(
            sa.select(sa.func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING
            )
        )
    if next_due is not None:
        jobs.enqueue_at(next_due, deliver_due_messages, job_id=DELIVERY_JOB_ID)
    return sent


def sweep_outbox() -> None:
    """The worker's periodic delivery round, for a message whose job was lost (Redis restarted
    without its data, a worker killed while sending). The next sweep is scheduled first, so
    that a failing round (the database away) does not end them."""
    schedule_sweep(current_app.config["MAIL_SWEEP_INTERVAL"])
    deliver_due_messages()


def schedule_sweep(delay: timedelta) -> None:
    jobs.enqueue_in(delay, sweep_outbox, job_id=SWEEP_JOB_ID)


def _send_console(message: EmailMessage) -> None:
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = outbox / f"{stamp}-{token_hex(4)}.eml"
    path.write_bytes(message.as_bytes())
    # The message itself (addresses, names, links with tokens) stays in the file.
    log.info("Email saved to %s", path)


def forget_written_emails(recipients: set[str]) -> int:
    """Deletes the ``.eml`` files the console backend wrote to any of these addresses: they
    hold the same names and links as the outbox rows that erasure deletes."""
    folder = Path(current_app.config["MAIL_OUTBOX_DIR"])
    wanted = {address.strip().lower() for address in recipients if address}
    if not wanted or not folder.is_dir():
        return 0
    removed = 0
    parser = BytesHeaderParser(policy=default)
    for path in folder.glob("*.eml"):
        with path.open("rb") as file:
            headers = parser.parse(file)
        to = headers["To"]
        addresses = {address.addr_spec.lower() for address in to.addresses} if to else set()
        if addresses & wanted:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


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
