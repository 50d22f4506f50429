import re
from email import message_from_bytes
from email.policy import default

import pytest

from consultation.db import db, now_utc
from consultation.mail import send_email
from tests.mail_server import running_mail_server


class Recipient:
    display_name = "Hana Yousef"
    language = "en"


def send_confirmation(app, subject="Choose your password"):
    with app.test_request_context():
        message = send_email(
            "hana@example.org",
            subject,
            "accounts/activation",
            "en",
            user=Recipient(),
            invited_by=None,
            activation_url="http://consultation.test/activate/abc",
            max_age_days=7,
        )
        db.session.commit()
        return message


def test_messages_have_a_text_and_an_html_part(app):
    message = send_confirmation(app)
    assert message["To"] == "hana@example.org"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "http://consultation.test/activate/abc" in text
    assert 'href="http://consultation.test/activate/abc"' in html
    assert message["Content-Language"] == "en"


def test_the_console_backend_writes_eml_files_to_the_outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path / "outbox"))
    send_confirmation(app)
    [saved] = (tmp_path / "outbox").glob("*.eml")
    message = message_from_bytes(saved.read_bytes(), policy=default)
    assert message["Subject"] == "Choose your password"


def test_the_smtp_backend_delivers_to_the_configured_server(app, monkeypatch):
    with running_mail_server() as server:
        for key, value in server.settings().items():
            monkeypatch.setitem(app.config, key, value)
        send_confirmation(app)
    [delivered] = server.received
    message = message_from_bytes(delivered, policy=default)
    assert message["To"] == "hana@example.org"
    assert "activate/abc" in message.get_body(preferencelist=("plain",)).get_content()


# Subjects of the length where Python's own folding loses a space ("للمنظماتغير",
# "capacités locales »:", "عمّان"), as an SMTP server or a mail client reads them.
LONG_SUBJECTS = {
    "arabic": "تم تأكيد تسجيلك في الاستشارة الإقليمية للمنظمات غير الحكومية ٢٠٢٦ في عمّان (الأردن)"
    " حول واجب الرعاية",
    "french": "Rappel : Atelier « Renforcement des capacités locales » : procédures élaborées à"
    " Genève et évaluées à Niamey",
    "mixed": "New message from the organisers: Regional NGO Consultation (الاستشارة الإقليمية) on"
    " humanitarian access — Amman, عمّان",
}


def sent_through_smtp(app, monkeypatch, tmp_path, subject) -> bytes:
    """The bytes an SMTP server receives."""
    with running_mail_server() as server:
        for key, value in server.settings().items():
            monkeypatch.setitem(app.config, key, value)
        send_confirmation(app, subject)
    [delivered] = server.received
    return delivered


def saved_by_the_console(app, monkeypatch, tmp_path, subject) -> bytes:
    """The bytes of the ``.eml`` file a mail client opens."""
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path / "outbox"))
    send_confirmation(app, subject)
    [saved] = (tmp_path / "outbox").glob("*.eml")
    return saved.read_bytes()


ENCODED_WORD = re.compile(r"=\?[^?]+\?[bq]\?[^?]*\?=", re.IGNORECASE)


@pytest.mark.parametrize("subject", LONG_SUBJECTS.values(), ids=LONG_SUBJECTS.keys())
@pytest.mark.parametrize("delivered", [sent_through_smtp, saved_by_the_console])
def test_a_long_subject_arrives_as_written_with_a_date_and_a_message_id(
    app, monkeypatch, tmp_path, subject, delivered
):
    before = now_utc().replace(microsecond=0)
    raw = delivered(app, monkeypatch, tmp_path, subject)
    message = message_from_bytes(raw, policy=default)
    assert message["Subject"] == subject
    header = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0].decode("ascii")
    # RFC 5322's line length and RFC 2047's encoded-word length, which strict readers need.
    assert max(len(line) for line in header.splitlines()) <= 78
    assert all(len(word) <= 75 for word in ENCODED_WORD.findall(header))
    # When the message was written, with its time zone.
    assert before <= message["Date"].datetime <= now_utc()
    assert message["Date"].datetime.utcoffset() is not None
    # Unique, on the sender's domain (MAIL_FROM).
    assert re.fullmatch(r"<[^<>@\s]+@consultation\.invalid>", message["Message-ID"])
    assert not message["Message-ID"].defects
