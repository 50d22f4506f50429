"""Who has an account, and who is registered for an event, cannot be told from the answer to
the forms that send email: a known and an unknown address get the same response after the
same SQL statements in the request; the look-up and the sending come after it. Timings are
measured by benchmarks/timing_oracles.py."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import has_request_context

from consultation.db import db
from consultation.registrations.models import Registration
from tests.helpers import CSRF_INPUT, listening
from tests.registering import REGISTRATION_FORM, register, take_registrations


@pytest.fixture
def statements_in_request(app) -> Callable[[Callable[[], object]], list[str]]:
    """The SQL statements run while a request is being answered (not after it is sent)."""

    def record(action: Callable[[], object]) -> list[str]:
        seen: list[str] = []

        def note(connection, cursor, statement, parameters, context, executemany):
            if has_request_context():
                seen.append(statement)

        with listening(app, "before_cursor_execute", note):
            action()
        return seen

    return record


def compare(client, statements_in_request, url: str, known: dict, unknown: dict) -> None:
    token = client.csrf_token(url)
    answers, statements = [], []
    for fields in (known, unknown):
        response = None

        def post(fields=fields):
            nonlocal response
            response = client.post(url, data={**fields, "csrf_token": token})

        statements.append(statements_in_request(post))
        # The page repeats the address typed, and hands the next form a fresh token.
        page = CSRF_INPUT.sub("", response.get_data(as_text=True))
        answers.append((response.status_code, page.replace(fields["email"], "…")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 200
    assert statements[0] == statements[1]


def test_password_reset(app, client, make_user, outbox, statements_in_request):
    user = make_user(email="known@ngo.example")
    compare(
        client,
        statements_in_request,
        "/password/forgot",
        {"email": user.email},
        {"email": "unknown@ngo.example"},
    )
    # The look-up ran after the answer: the account's owner got their email.
    assert [message["To"] for message in outbox] == [user.email]


def test_sign_up(app, client, make_user, outbox, statements_in_request):
    user = make_user(email="known@ngo.example")
    fields = {"display_name": "Someone", "language": "en"}
    compare(
        client,
        statements_in_request,
        "/signup",
        {**fields, "email": user.email},
        {**fields, "email": "new@ngo.example"},
    )
    assert sorted(message["To"] for message in outbox) == [user.email, "new@ngo.example"]
    assert outbox[0]["Subject"] == "You already have an account"


def test_asking_for_the_registration_link_again(
    app, client, make_event, outbox, statements_in_request
):
    event = take_registrations(app, make_event())
    register(app, event, "known@ngo.example")
    outbox.clear()
    compare(
        client,
        statements_in_request,
        f"/events/{event.slug}/register/link",
        {"email": "known@ngo.example"},
        {"email": "unknown@ngo.example"},
    )
    assert [message["To"] for message in outbox] == ["known@ngo.example"]


def test_registering(app, client, make_event, outbox, statements_in_request):
    event = take_registrations(app, make_event())
    register(app, event, "known@ngo.example")
    outbox.clear()
    compare(
        client,
        statements_in_request,
        f"/events/{event.slug}/register",
        {**REGISTRATION_FORM, "email": "known@ngo.example"},
        {**REGISTRATION_FORM, "email": "new@ngo.example"},
    )
    # After the answer: the registrant already known got their link again, the new one their
    # confirmation, and only the new address made a registration.
    assert sorted(message["To"] for message in outbox) == ["known@ngo.example", "new@ngo.example"]
    with app.app_context():
        emails = db.session.scalars(sa.select(Registration.email).order_by(Registration.id))
        assert list(emails) == ["known@ngo.example", "new@ngo.example"]


def test_a_refused_registration_form_is_refused_alike_for_a_registered_address(
    app, client, make_event
):
    event = take_registrations(app, make_event())
    register(app, event, "known@ngo.example")
    url = f"/events/{event.slug}/register"
    token = client.csrf_token(url)
    pages = []
    for email in ("known@ngo.example", "new@ngo.example"):
        fields = {**REGISTRATION_FORM, "email": email, "organisation_id": "99999"}
        response = client.post(url, data={**fields, "csrf_token": token})
        assert response.status_code == 422
        pages.append(CSRF_INPUT.sub("", response.get_data(as_text=True)).replace(email, "…"))
    assert pages[0] == pages[1]
