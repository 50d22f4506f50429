import socketserver
import threading
from email import message_from_bytes
from email.policy import default

import pytest

from consultation.db import db
from consultation.mail import send_email


class Recipient:
    display_name = "Hana Yousef"
    language = "en"


def send_confirmation(app):
    with app.test_request_context():
        message = send_email(
            "hana@example.org",
            "Choose your password",
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


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough of SMTP to receive one message."""

    received: list[bytes] = []

    def handle(self):
        self.wfile.write(b"220 test ready\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                body = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.received.append(body)
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    SMTPHandler.received = []
    server = socketserver.TCPServer(("127.0.0.1", 0), SMTPHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_smtp_backend_delivers_to_the_configured_server(app, smtp_server, monkeypatch):
    for key, value in {
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_server.server_address[1],
        "SMTP_SECURITY": "none",
        "SMTP_TIMEOUT": 5,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    send_confirmation(app)
    [delivered] = SMTPHandler.received
    message = message_from_bytes(delivered, policy=default)
    assert message["To"] == "hana@example.org"
    assert "activate/abc" in message.get_body(preferencelist=("plain",)).get_content()
