"""Throttles on the anonymous forms that send email and on anonymous PDF downloads: 429 with
a translated explanation and Retry-After, counted per network address and per recipient."""

import pytest

from tests.registering import REGISTRATION_FORM, take_registrations

ELSEWHERE = {"REMOTE_ADDR": "127.0.0.2"}


@pytest.fixture
def limits(app, monkeypatch):
    def limits(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setitem(app.config, name, value)

    return limits


def forgot(client, email: str, **kwargs):
    return client.submit("/password/forgot", {"email": email}, **kwargs)


def test_one_address_gets_few_emails_whoever_asks_and_through_whichever_form(
    app, client, make_event, make_user, outbox, limits
):
    limits(MAIL_LIMIT_PER_RECIPIENT="3 per hour")
    event = take_registrations(app, make_event())
    user = make_user(email="hana@ngo.example")
    assert forgot(client, user.email).status_code == 200
    # Another network, and another form: the same address's counter.
    other = app.test_client()
    assert forgot(other, user.email, environ_base=ELSEWHERE).status_code == 200
    link = other.submit(
        f"/events/{event.slug}/register/link", {"email": user.email}, environ_base=ELSEWHERE
    )
    assert link.status_code == 200
    refused = forgot(client, user.email)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert "Too many emails were asked for this address" in refused.get_data(as_text=True)
    assert len(outbox) == 2
    # Other addresses are unaffected.
    assert forgot(client, "someone.else@ngo.example").status_code == 200


def test_a_form_sent_back_with_errors_does_not_count_towards_the_recipient(client, limits):
    limits(MAIL_LIMIT_PER_RECIPIENT="2 per hour")
    for _ in range(4):
        assert client.submit("/signup", {"email": "hana@ngo.example"}).status_code == 422
    assert forgot(client, "hana@ngo.example").status_code == 200


def test_one_network_sends_few_requests_whatever_the_addresses(app, client, limits):
    limits(MAIL_LIMIT_PER_ADDRESS="3 per hour")
    for number in range(3):
        assert forgot(client, f"person{number}@ngo.example").status_code == 200
    refused = forgot(client, "person9@ngo.example")
    assert refused.status_code == 429
    assert "from this network" in refused.get_data(as_text=True)
    assert (
        forgot(app.test_client(), "person9@ngo.example", environ_base=ELSEWHERE).status_code == 200
    )


def test_the_429_page_is_in_the_visitor_s_language(client, limits):
    limits(MAIL_LIMIT_PER_ADDRESS="1 per hour")
    headers = {"Accept-Language": "fr"}
    forgot(client, "a@ngo.example", headers=headers)
    refused = forgot(client, "b@ngo.example", headers=headers)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert '<html lang="fr"' in page and "Trop de demandes venues de ce réseau" in page
    assert refused.headers["Retry-After"].isdigit()


def test_registering_is_throttled_per_recipient(app, client, make_event, limits, outbox):
    limits(MAIL_LIMIT_PER_RECIPIENT="1 per hour")
    event = take_registrations(app, make_event())
    fields = REGISTRATION_FORM
    assert client.submit(f"/events/{event.slug}/register", fields).status_code == 200
    again = client.submit(f"/events/{event.slug}/register", fields)
    assert again.status_code == 429
    assert len(outbox) == 1


def test_anonymous_agenda_downloads_are_throttled_per_network(
    app, client, make_event, make_user, limits
):
    limits(ANONYMOUS_DOWNLOAD_LIMIT="2 per 10 minutes")
    event = make_event()
    url = f"/events/{event.slug}/agenda.pdf"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert "Too many downloads" in client.get(url).get_data(as_text=True)
    assert app.test_client().get(url, environ_base=ELSEWHERE).status_code == 200
    # Someone signed in is known, and not counted.
    client.login(make_user().email)
    assert client.get(url).status_code == 200
