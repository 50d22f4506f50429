import re

import pytest
import sqlalchemy as sa

from consultation.accounts.models import Role, User
from consultation.db import db
from tests.helpers import PASSWORD, link_in, open_link


def user_by_email(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.email == email))


SIGN_UP = {
    "display_name": "Leila Mansour",
    "email": "Leila.Mansour@Example.ORG",
    "organisation_name": "Tripoli Community Aid",
    "language": "fr",
}
NEW_PASSWORD = {"password": PASSWORD, "password_confirm": PASSWORD}


def test_sign_up_creates_a_participant_who_chooses_a_password_by_email(app, client, outbox):
    response = client.submit("/signup", SIGN_UP)
    assert response.status_code == 200
    assert "Check your inbox" in response.get_data(as_text=True)

    user = user_by_email(app, "leila.mansour@example.org")
    assert user.role is Role.PARTICIPANT
    assert user.password_hash is None
    assert user.language == "fr"
    assert [message["To"] for message in outbox] == ["leila.mansour@example.org"]

    link = link_in(outbox[0])
    assert link.startswith("/activate/")
    # Opening the link (as mail scanners do) does not use it up.
    assert client.get(link, follow_redirects=True).status_code == 200
    assert open_link(client, link) == "/activate"
    assert client.get("/activate").status_code == 200
    assert client.submit("/activate", NEW_PASSWORD).status_code == 302
    assert client.get("/account").status_code == 200
    assert user_by_email(app, "leila.mansour@example.org").email_confirmed_at is not None
    app.test_client().login(SIGN_UP["email"], PASSWORD)


def test_nobody_can_prepare_an_account_on_someone_elses_address(app, client, outbox):
    client.submit("/signup", SIGN_UP)
    client.submit("/signup", {**SIGN_UP, "display_name": "The real Leila"})
    # Neither sign-up set a password: only the owner of the inbox can.
    response = client.submit("/login", {"email": SIGN_UP["email"], "password": PASSWORD})
    assert response.status_code == 422
    assert len(outbox) == 2
    owner = app.test_client()
    owner.submit(open_link(owner, link_in(outbox[1])), NEW_PASSWORD)
    assert owner.get("/account").status_code == 200


def test_sign_up_ignores_a_requested_role(app, client):
    client.submit("/signup", {**SIGN_UP, "role": "admin"})
    assert user_by_email(app, "leila.mansour@example.org").role is Role.PARTICIPANT


def test_sign_up_with_a_taken_address_answers_the_same_and_warns_the_owner(
    app, client, outbox, make_user
):
    make_user(email="leila.mansour@example.org", display_name="Original owner")
    response = client.submit("/signup", SIGN_UP)
    assert response.status_code == 200
    assert "Check your inbox" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    assert outbox[0]["Subject"] == "You already have an account"
    assert user_by_email(app, "leila.mansour@example.org").display_name == "Original owner"


def test_sign_up_errors_are_shown_by_field_and_values_kept(client):
    response = client.submit("/signup", {**SIGN_UP, "email": "not-an-email", "display_name": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an email address like name@example.org." in page
    assert "Enter your name." in page
    assert 'value="not-an-email"' in page
    assert 'value="Tripoli Community Aid"' in page
    assert 'aria-describedby="email-error"' in page
    assert 'href="#email"' in page


def test_a_short_password_is_refused(client, make_user, outbox):
    make_user(email="known@example.org")
    client.submit("/password/forgot", {"email": "known@example.org"})
    page = open_link(client, link_in(outbox[0]))
    response = client.submit(page, {"password": "short", "password_confirm": "short"})
    assert response.status_code == 422
    assert "Use at least 12 characters." in response.get_data(as_text=True)


def test_log_in_with_the_right_password(app, client, make_user):
    user = make_user(email="rania@example.org")
    response = client.submit("/login", {"email": "RANIA@example.org ", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert user_by_email(app, user.email).last_login_at is not None


def test_log_in_with_a_wrong_password_is_refused(client, make_user):
    make_user(email="rania@example.org")
    response = client.submit("/login", {"email": "rania@example.org", "password": "wrong" * 4})
    assert response.status_code == 422
    assert "The email address or the password is not right." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_an_unknown_address_gets_the_same_answer_as_a_wrong_password(client):
    response = client.submit("/login", {"email": "nobody@example.org", "password": PASSWORD})
    assert response.status_code == 422
    assert "The email address or the password is not right." in response.get_data(as_text=True)


def test_an_inactive_user_cannot_log_in(client, make_user):
    make_user(email="gone@example.org", active=False)
    response = client.submit("/login", {"email": "gone@example.org", "password": PASSWORD})
    assert response.status_code == 422
    assert "deactivated" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_log_out_ends_the_session(client, make_user):
    user = make_user()
    client.login(user.email)
    assert client.submit("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_logout_is_refused_without_a_post(client, make_user):
    client.login(make_user().email)
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "\t//evil.example",
    ],
)
def test_next_never_leaves_the_site(client, make_user, target):
    user = make_user()
    response = client.submit("/login", {"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_keeps_a_local_path(client, make_user):
    user = make_user()
    response = client.submit(
        "/login", {"email": user.email, "password": PASSWORD, "next": "/account?tab=1"}
    )
    assert response.headers["Location"] == "/account?tab=1"


def test_a_protected_page_sends_anonymous_visitors_to_log_in_and_back(client, make_user):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/account"' in login_page


# Password reset ------------------------------------------------------------------------


def test_forgotten_password_answers_the_same_whether_or_not_the_account_exists(
    client, make_user, outbox
):
    make_user(email="known@example.org")
    known = client.submit("/password/forgot", {"email": "known@example.org"})
    unknown = client.submit("/password/forgot", {"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 200

    def without_address_and_tokens(response, address):
        page = response.get_data(as_text=True).replace(address, "ADDRESS")
        return re.sub(r'name="csrf_token" value="[^"]+"', "", page)

    assert without_address_and_tokens(known, "known@example.org") == without_address_and_tokens(
        unknown, "unknown@example.org"
    )
    assert [message["To"] for message in outbox] == ["known@example.org"]


def test_password_reset_with_a_valid_token(app, client, make_user, outbox):
    make_user(email="known@example.org")
    client.submit("/password/forgot", {"email": "known@example.org"})
    page = open_link(client, link_in(outbox[0]))
    assert page == "/password/reset"
    new_password = "a brand new passphrase"
    response = client.submit(page, {"password": new_password, "password_confirm": new_password})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200

    other = app.test_client()
    other.login("known@example.org", new_password)


def test_a_reset_token_works_only_once(client, make_user, outbox):
    make_user(email="known@example.org")
    client.submit("/password/forgot", {"email": "known@example.org"})
    link = link_in(outbox[0])
    page = open_link(client, link)
    client.submit(
        page, {"password": "first new password", "password_confirm": "first new password"}
    )
    client.submit("/logout")

    response = client.get(link)
    assert response.status_code == 400
    assert "already been used" in response.get_data(as_text=True)
    response = client.submit(
        page, {"password": "second password!", "password_confirm": "second password!"}
    )
    assert response.status_code == 400
    assert "Open the link in your email again" in response.get_data(as_text=True)
    client.login("known@example.org", "first new password")


def test_an_expired_reset_token_is_refused(app, client, make_user, outbox, monkeypatch):
    make_user(email="known@example.org")
    client.submit("/password/forgot", {"email": "known@example.org"})
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    response = client.get(link_in(outbox[0]))
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_a_tampered_reset_token_is_refused(client, make_user, outbox):
    make_user(email="known@example.org")
    client.submit("/password/forgot", {"email": "known@example.org"})
    response = client.get(link_in(outbox[0])[:-3] + "xyz")
    assert response.status_code == 400


def test_reset_links_use_the_configured_base_url_not_the_host_header(client, make_user, outbox):
    make_user(email="known@example.org")
    client.submit(
        "/password/forgot", {"email": "known@example.org"}, headers={"Host": "evil.example"}
    )
    assert (
        "http://consultation.test/password/reset/"
        in outbox[0].get_body(preferencelist=("plain",)).get_content()
    )


# Profile and password change -----------------------------------------------------------


def test_profile_changes_are_saved(app, client, make_user):
    user = make_user()
    client.login(user.email)
    response = client.submit(
        "/account",
        {"display_name": "Nadia Saleh", "organisation_name": "Gaza Relief", "language": "ar"},
    )
    assert response.status_code == 302
    saved = user_by_email(app, user.email)
    assert (saved.display_name, saved.organisation_name, saved.language) == (
        "Nadia Saleh",
        "Gaza Relief",
        "ar",
    )


def test_changing_the_password_needs_the_current_one(client, make_user):
    user = make_user()
    client.login(user.email)
    response = client.submit(
        "/account/password",
        {
            "current_password": "not the password",
            "password": "a brand new passphrase",
            "password_confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 422
    assert "Your current password is not right." in response.get_data(as_text=True)


def test_changing_the_password_signs_out_other_sessions(app, client, make_user):
    user = make_user()
    client.login(user.email)
    other_device = app.test_client()
    other_device.login(user.email)

    response = client.submit(
        "/account/password",
        {
            "current_password": PASSWORD,
            "password": "a brand new passphrase",
            "password_confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302


def test_the_language_switcher_is_remembered(app, client, make_user):
    response = client.submit("/language", {"language": "ar", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert 'lang="ar" dir="rtl"' in client.get("/").get_data(as_text=True)
    assert client.submit("/language", {"language": "xx"}).status_code == 400
