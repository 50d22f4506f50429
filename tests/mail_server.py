"""A real SMTP server for the tests, on a free port of 127.0.0.1: just enough of the protocol
for ``smtplib``, and answers chosen by the test."""

import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class _Session(socketserver.StreamRequestHandler):
    server: "MailServer"

    def handle(self) -> None:
        self.reply("220 test ready")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.strip().decode()
            verb = command.split(":")[0].split(" ")[0].upper()
            if verb == "RCPT":
                recipient = command.partition(":")[2].strip().strip("<>")
                answer = self.server.answer_recipient(recipient)
                if answer.startswith("250"):
                    recipients.append(recipient)
                self.reply(answer)
            elif verb == "DATA":
                self.reply("354 go ahead")
                lines = iter(self.rfile.readline, b".\r\n")
                # Undo smtplib's dot-stuffing, as a mail server does.
                body = b"".join(line[1:] if line.startswith(b"..") else line for line in lines)
                answer = self.server.answer_message(recipients)
                if answer.startswith("250"):
                    self.server.received.append(body)
                self.reply(answer)
            elif verb == "RSET":
                recipients = []
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")

    def reply(self, answer: str) -> None:
        self.wfile.write(answer.encode() + b"\r\n")


class MailServer(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(
        self,
        answer_recipient: Callable[[str], str] = lambda recipient: "250 ok",
        answer_message: Callable[[list[str]], str] = lambda recipients: "250 queued",
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.answer_recipient = answer_recipient
        self.answer_message = answer_message
        # The messages accepted, as a mail server stores them.
        self.received: list[bytes] = []

    @property
    def port(self) -> int:
        return self.server_address[1]

    def settings(self) -> dict[str, object]:
        """The configuration that sends the application's emails here."""
        return {
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": self.port,
            "SMTP_SECURITY": "none",
            "SMTP_TIMEOUT": 5,
        }


@contextmanager
def running_mail_server(**answers: Callable) -> Iterator[MailServer]:
    server = MailServer(**answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
