"""Sign-in security: sessions that end, failed sign-ins that are throttled, passwords that
are not the first ones attackers try, and the headers and limits around every response."""

import time

import pytest
from flask import Flask

from consultation import create_app
from consultation.accounts.models import Role
from consultation.config import build_config
from tests.conftest import app_config
from tests.helpers import PASSWORD, PRODUCTION


def fail_login(client, email: str, address: str = "192.0.2.1"):
    return client.submit(
        "/login",
        {"email": email, "password": "not the password at all"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_a_session_cookie_copied_before_signing_out_is_refused_after(app, client, make_user):
    user = make_user()
    client.login(user.email)
    cookie = client.get_cookie("session").value
    assert client.get("/account").status_code == 200
    client.submit("/logout")
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/account").status_code == 302


def test_five_failed_sign_ins_for_an_account_from_one_address_lock_that_pair(app, make_user):
    user = make_user()
    for _attempt in range(5):
        response = fail_login(app.test_client(), user.email, "127.0.0.2")
        assert response.status_code == 422
    sixth = fail_login(app.test_client(), user.email, "127.0.0.2")
    assert sixth.status_code == 429
    # Even the right password waits there: the attacker cannot tell it was right.
    right = app.test_client().submit(
        "/login",
        {"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "127.0.0.2"},
    )
    assert right.status_code == 429
    assert "Too many attempts" in right.get_data(as_text=True)


def test_an_attacker_s_failures_never_lock_the_owner_out_from_elsewhere(app, make_user):
    """After ten wrong passwords from one address, the right one from another address got
    429: the account, not the pair, was counted."""
    user = make_user()
    for _attempt in range(10):
        fail_login(app.test_client(), user.email, "127.0.0.2")
    owner = app.test_client().submit(
        "/login",
        {"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert owner.status_code == 302


def test_five_failed_sign_ins_from_one_address_stop_that_address(app, make_user):
    for number in range(5):
        assert fail_login(app.test_client(), f"nobody{number}@example.org").status_code == 422
    assert fail_login(app.test_client(), "someone@example.org").status_code == 429
    # Another address still signs in.
    other = make_user()
    response = app.test_client().submit(
        "/login",
        {"email": other.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert response.status_code == 302


def test_successful_sign_ins_are_not_counted(app, make_user):
    user = make_user()
    for _ in range(7):
        client = app.test_client()
        client.login(user.email)


def test_forwarded_addresses_are_believed_only_behind_a_configured_proxy(app, make_user):
    # Without TRUSTED_PROXIES, a forged X-Forwarded-For does not spread the failures.
    for number in range(5):
        app.test_client().submit(
            "/login",
            {"email": f"nobody{number}@example.org", "password": "wrong password!"},
            headers={"X-Forwarded-For": f"10.0.0.{number}"},
        )
    blocked = app.test_client().submit(
        "/login",
        {"email": "again@example.org", "password": "wrong password!"},
        headers={"X-Forwarded-For": "10.0.0.99"},
    )
    assert blocked.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(database_url, tmp_path):
    proxied = create_app(
        app_config(database_url, TRUSTED_PROXIES=1, MAIL_OUTBOX_DIR=str(tmp_path / "outbox"))
    )
    from tests.conftest import Client

    proxied.test_client_class = Client

    def attempt(number: int, forwarded: str) -> int:
        return (
            proxied.test_client()
            .submit(
                "/login",
                {"email": f"nobody{number}@example.org", "password": "wrong password!"},
                headers={"X-Forwarded-For": forwarded},
            )
            .status_code
        )

    statuses = [attempt(number, "10.1.0.1") for number in range(6)]
    # One forwarded address, whatever the proxy's own: the sixth is refused; another
    # forwarded address is not.
    assert statuses == [422] * 5 + [429]
    assert attempt(7, "10.1.0.2") == 422


def test_an_idle_session_ends(app, client, make_user, monkeypatch):
    user = make_user()
    client.login(user.email)
    assert client.get("/account").status_code == 200
    later = time.time() + app.config["SESSION_IDLE_TIMEOUT"].total_seconds() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/account").status_code == 302


def test_an_active_session_still_ends_after_the_absolute_limit(app, client, make_user, monkeypatch):
    user = make_user()
    client.login(user.email)
    start = time.time()
    limit = app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    idle = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    moment = start
    # Active every half idle period, right up to the absolute limit.
    while moment + idle / 2 < start + limit:
        moment += idle / 2
        monkeypatch.setattr(time, "time", lambda moment=moment: moment)
        assert client.get("/account").status_code == 200
    monkeypatch.setattr(time, "time", lambda: start + limit + 60)
    assert client.get("/account").status_code == 302


def test_remember_me_outlives_the_idle_limit(app, client, make_user, monkeypatch):
    user = make_user()
    client.submit("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    later = time.time() + app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize("password", ["qwerty123456", "QWERTY123456", "1qaz2wsx3edc"])
def test_common_passwords_are_refused(client, make_user, password):
    user = make_user()
    client.login(user.email)
    response = client.submit(
        "/account/password",
        {"current_password": PASSWORD, "password": password, "confirm": password},
    )
    assert response.status_code == 422
    assert "attackers try first" in response.get_data(as_text=True)


def test_pages_seen_signed_in_are_not_stored_and_headers_are_set(client, make_user):
    public = client.get("/")
    assert public.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in public.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in public.headers["Content-Security-Policy"]
    assert "no-store" not in public.headers.get("Cache-Control", "")
    assert "Strict-Transport-Security" not in public.headers  # not over plain HTTP in tests
    client.login(make_user(Role.ORGANISER).email)
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/manage/").headers["Cache-Control"] == "no-store"


def test_oversized_requests_are_refused(app, client):
    response = client.post("/login", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert response.status_code == 413


def test_production_hardens_cookies_hosts_and_transport(tmp_path, database_url):
    config = build_config(tmp_path, PRODUCTION)
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config["REMEMBER_COOKIE_NAME"] == "__Host-remember"
    assert config["TRUSTED_HOSTS"] == ["consultation.example.org"]
    assert config["HSTS_ENABLED"] is True
    production = create_app(
        app_config(
            database_url,
            TRUSTED_HOSTS=config["TRUSTED_HOSTS"],
            HSTS_ENABLED=True,
            MAIL_OUTBOX_DIR=str(tmp_path / "outbox"),
        )
    )
    client = production.test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    page = client.get("/", headers={"Host": "consultation.example.org"})
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_old_password_hashes_are_upgraded_at_sign_in(app: Flask, client, make_user):
    from consultation.accounts.models import User
    from consultation.db import db

    user = make_user()
    with app.app_context():
        old_hash = db.session.get(User, user.id).password_hash
    app.config["ARGON2_TIME_COST"] = 2
    try:
        client.login(user.email)
    finally:
        app.config["ARGON2_TIME_COST"] = 1
    with app.app_context():
        new_hash = db.session.get(User, user.id).password_hash
    assert new_hash != old_hash and ",t=2," in new_hash
