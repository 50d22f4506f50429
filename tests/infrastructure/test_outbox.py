"""The outbox: emails are saved with the change they report and survive a failing server."""

import smtplib

import pytest
import sqlalchemy as sa

from consultation import mail
from consultation.db import db, now_utc
from consultation.mail import OutboxMessage, OutboxStatus, TemporaryFailure, deliver_due_messages
from tests.factories import Recipient, outbox_rows, queue_email
from tests.mail_server import running_mail_server


def make_due(app):
    """Let the retry delay pass."""
    with app.app_context():
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=now_utc()))
        db.session.commit()


@pytest.fixture
def flaky_server(monkeypatch, outbox):
    """A mail server that fails a given number of times, then accepts."""
    failures = {"left": 0, "error": TemporaryFailure("451 try again later")}

    def send(message):
        if failures["left"]:
            failures["left"] -= 1
            raise failures["error"]
        outbox.append(message)

    monkeypatch.setitem(mail._BACKENDS, "memory", send)
    return failures


def test_an_email_is_saved_and_sent_after_the_commit(app, outbox):
    queue_email(app)
    [row] = outbox_rows(app)
    assert row.status is OutboxStatus.SENT and row.attempts == 1
    assert [message["To"] for message in outbox] == ["hana@example.org"]


def test_an_email_is_not_sent_when_its_transaction_is_rolled_back(app, outbox):
    with app.test_request_context():
        mail.send_email(
            "hana@example.org",
            "Choose your password",
            "accounts/activation",
            "en",
            user=Recipient(),
            invited_by=None,
            activation_url="x",
            max_age_days=7,
        )
        db.session.rollback()
    assert outbox_rows(app) == [] and outbox == []


def test_a_server_that_fails_twice_then_accepts_gets_the_message_once(app, outbox, flaky_server):
    flaky_server["left"] = 2
    queue_email(app)
    [row] = outbox_rows(app)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.next_attempt_at > now_utc()
    assert "451 try again later" in row.last_error

    with app.app_context():
        assert deliver_due_messages() == 0  # not due yet: nothing is retried early
    make_due(app)
    with app.app_context():
        deliver_due_messages()
    make_due(app)
    with app.app_context():
        assert deliver_due_messages() == 1
    [row] = outbox_rows(app)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 3)
    assert len(outbox) == 1


def test_a_permanent_refusal_is_marked_failed_for_organisers(app, outbox, flaky_server):
    flaky_server["left"] = 1
    flaky_server["error"] = smtplib.SMTPRecipientsRefused(
        {"hana@example.org": (550, b"no such user")}
    )
    queue_email(app)
    [row] = outbox_rows(app)
    assert row.status is OutboxStatus.FAILED
    assert "no such user" in row.last_error and row.kind == "accounts/activation"
    # Like a sent one, it keeps no text and so no live link: sending it again writes a new
    # message (see test_manage_registrations).
    assert row.raw_message == b""
    with app.app_context():
        assert deliver_due_messages() == 0
    assert outbox == []


def test_a_greylisting_server_gets_the_message_at_a_later_attempt(app, monkeypatch):
    """Greylisting answers the first attempt for a recipient 451 "try again later"."""
    answers = iter(["451 4.7.1 Greylisted, try again later", "250 ok"])
    with running_mail_server(answer_recipient=lambda recipient: next(answers)) as server:
        for key, value in server.settings().items():
            monkeypatch.setitem(app.config, key, value)
        queue_email(app)
        [row] = outbox_rows(app)
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        assert "Greylisted" in row.last_error
        make_due(app)
        with app.app_context():
            assert deliver_due_messages() == 1
    [row] = outbox_rows(app)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    assert len(server.received) == 1


def test_attempts_stop_after_the_limit(app, outbox, flaky_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    flaky_server["left"] = 5
    queue_email(app)
    make_due(app)
    with app.app_context():
        deliver_due_messages()
    [row] = outbox_rows(app)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 2)


def test_a_sent_email_keeps_no_body_and_so_no_live_link(app):
    """Seventeen of thirty-nine reset links found in a backup's outbox still worked: once a
    message is sent, its row keeps what the organisers are shown, not the message."""
    queue_email(app)
    [delivered] = app.extensions["mail_outbox"]
    assert "/activate/abc" in delivered.get_body(("plain",)).get_content()
    [sent] = outbox_rows(app)
    assert sent.status is mail.OutboxStatus.SENT
    assert sent.raw_message == b""
    assert (sent.recipient, sent.subject) == ("hana@example.org", "Choose your password")
