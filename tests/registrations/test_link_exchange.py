"""Emailed links: exchanged for a cookie on first use so that later requests carry no token,
replaced only once the newer one is opened, and emails to an unconfirmed address repeat no
text typed on the form. Undelivered emails keep no text either, and are written anew."""

import logging
import re

import pytest
import sqlalchemy as sa

from consultation import mail
from consultation.access_log import RedactingFilter
from consultation.accounts.models import Role
from consultation.db import db
from consultation.mail import OutboxMessage, OutboxStatus
from consultation.registrations.models import Registration
from tests.helpers import link_in
from tests.registering import register, take_registrations

LURE = "URGENT: verify your account at https://phish.example"


@pytest.fixture
def open_event(app, make_event):
    return take_registrations(app, make_event())


@pytest.fixture
def organiser_client(app, open_event, make_user, add_to_team):
    organiser = make_user(Role.ORGANISER)
    add_to_team(open_event, organiser)
    client = app.test_client()
    client.login(organiser.email)
    return client


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


def test_the_link_is_exchanged_for_a_cookie_and_the_pages_after_it_carry_no_token(
    app, client, open_event, outbox
):
    registration_id = register(app, open_event)
    link = link_in(outbox[-1])
    landing = client.get(link)
    assert landing.status_code == 303
    page_url = f"/registrations/{registration_id}"
    assert landing.headers["Location"] == page_url
    cookie = landing.headers["Set-Cookie"]
    assert f"Path={page_url};" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get(page_url)
    assert page.status_code == 200 and "Leila Mansour" in page.get_data(as_text=True)
    # Nothing on the page, its forms and links included, holds the token.
    assert token_of(link) not in page.get_data(as_text=True)
    assert client.get(f"{page_url}/event.ics").mimetype == "text/calendar"
    # Another browser, without the link, gets nothing.
    stranger = app.test_client()
    assert stranger.get(page_url).status_code == 403
    assert stranger.get(f"{page_url}/data.json").status_code == 403
    # A browser let in to one registration is not let in to another.
    other_id = register(app, open_event, "amal@ngo.example", "Amal Haddad")
    assert client.get(f"/registrations/{other_id}").status_code == 403


def test_asking_for_the_link_again_never_breaks_the_one_in_use(app, client, open_event, outbox):
    registration_id = register(app, open_event)
    first = link_in(outbox[-1])
    # Anyone who knows the address can ask, as often as the throttle lets them.
    for _ in range(3):
        client.submit(f"/events/{open_event.slug}/register/link", {"email": "leila@ngo.example"})
    assert len(outbox) == 4
    newest = link_in(outbox[-1])
    participant = app.test_client()
    assert participant.get(first).status_code == 303
    assert participant.get(f"/registrations/{registration_id}").status_code == 200
    # The participant opens the newest link: it becomes theirs, and the older ones end.
    assert participant.get(newest).status_code == 303
    assert participant.get(first).status_code == 404
    assert participant.get(link_in(outbox[1])).status_code == 404
    assert participant.get(f"/registrations/{registration_id}").status_code == 200


def test_the_cookie_works_while_its_link_does(app, open_event, outbox, organiser_client):
    registration_id = register(app, open_event)
    participant = app.test_client()
    participant.get(link_in(outbox[-1]))
    page_url = f"/registrations/{registration_id}"
    assert participant.get(page_url).status_code == 200
    # The organisers decline the registration: the email brings a new link, and a browser
    # that opens it ends the access of those let in by the older one.
    organiser_client.submit(
        f"/manage/events/{open_event.slug}/registrations/{registration_id}/status",
        {"status": "declined", "reason": ""},
    )
    app.test_client().get(link_in(outbox[-1]))
    ended = participant.get(page_url)
    assert ended.status_code == 403
    assert "open the link in your latest email" in ended.get_data(as_text=True)


def test_the_cookie_ends_a_while_after_its_last_use(app, client, open_event, outbox):
    registration_id = register(app, open_event)
    client.get(link_in(outbox[-1]))
    cookie = client.get_cookie("registration_access", path=f"/registrations/{registration_id}")
    assert cookie.max_age == app.config["REGISTRATION_ACCESS_MINUTES"] * 60
    app.config["REGISTRATION_ACCESS_MINUTES"] = -1
    try:
        assert client.get(f"/registrations/{registration_id}").status_code == 403
    finally:
        app.config["REGISTRATION_ACCESS_MINUTES"] = 120


def test_erasing_ends_the_access(app, client, open_event, outbox):
    registration_id = register(app, open_event)
    client.get(link_in(outbox[-1]))
    page_url = f"/registrations/{registration_id}"
    erased = client.submit(f"{page_url}/erase", headers={"Referer": page_url})
    assert erased.status_code == 200
    assert "registration_access=; Expires=Thu, 01 Jan 1970" in erased.headers["Set-Cookie"]
    assert client.get(page_url).status_code == 403


def test_emails_to_an_unconfirmed_address_repeat_nothing_typed_on_the_form(
    app, client, open_event, outbox
):
    registration_id = register(app, open_event, full_name=LURE)
    first = text_of(outbox[-1])
    assert "phish.example" not in first and first.startswith("Hello,")
    client.get(link_in(outbox[-1]))
    with app.app_context():
        assert db.session.get(Registration, registration_id).email_confirmed_at is not None
    client.submit(f"/registrations/{registration_id}/cancel")
    # The link was opened: the address reaches the registrant, who typed the name.
    assert "phish.example" in text_of(outbox[-1])


def test_a_sign_up_email_does_not_carry_the_name_typed(client, outbox):
    client.submit(
        "/signup", {"display_name": LURE, "email": "someone@ngo.example", "language": "en"}
    )
    [message] = outbox
    assert "phish.example" not in text_of(message) and "phish.example" not in str(message)


def test_an_undelivered_email_keeps_no_text_and_is_written_again_with_a_new_link(
    app, open_event, outbox, organiser_client, monkeypatch
):
    def refuse(message):
        raise mail.smtplib.SMTPRecipientsRefused({"leila@ngo.example": (550, b"no such user")})

    monkeypatch.setitem(mail._BACKENDS, "memory", refuse)
    registration_id = register(app, open_event)
    with app.app_context():
        [failed] = db.session.scalars(sa.select(OutboxMessage)).all()
        assert failed.status is OutboxStatus.FAILED and failed.raw_message == b""
        assert failed.kind == "registrations/registration:confirmed"
        assert failed.registration_id == registration_id
        failed_id = failed.id
    monkeypatch.undo()
    organiser_client.submit(f"/manage/events/{open_event.slug}/emails/{failed_id}/resend")
    [message] = outbox
    assert message["Subject"].startswith("Your place is confirmed")
    assert app.test_client().get(link_in(message)).status_code == 303
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        assert [(row.status, row.raw_message) for row in rows] == [(OutboxStatus.SENT, b"")]
    page = organiser_client.get(f"/manage/events/{open_event.slug}/registrations")
    assert "could not be delivered" not in page.get_data(as_text=True)


def test_password_links_are_exchanged_for_the_session(app, client, make_user, outbox):
    user = make_user(email="hana@ngo.example")
    client.submit("/password/forgot", {"email": user.email})
    link = link_in(outbox[-1])
    landing = client.get(link)
    assert landing.status_code == 303 and landing.headers["Location"] == "/password/reset"
    form = client.get("/password/reset").get_data(as_text=True)
    assert token_of(link) not in form
    # Without the link opened in this browser, the form is not offered.
    assert app.test_client().get("/password/reset").status_code == 400


def test_the_development_server_log_shows_no_token(caplog):
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - [%s] "%s" %s %s',
        ("127.0.0.1", "now", f"GET /registrations/7/{'x' * 43} HTTP/1.1", "303", "-"),
        None,
    )
    RedactingFilter().filter(record)
    assert re.search(r'"GET /registrations/7/… HTTP/1.1" 303', record.getMessage())
    assert "xxxxxxxxxx" not in record.getMessage()
