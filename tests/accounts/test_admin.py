import pytest
import sqlalchemy as sa

from consultation.accounts.models import Role, User
from consultation.db import db
from tests.helpers import link_in, open_link

ADMIN_PAGES = ["/admin/users", "/admin/users/new", "/admin/users/{id}"]
ADMIN_ACTIONS = [
    ("/admin/users/new", {"display_name": "X", "email": "x@example.org", "role": "admin"}),
    ("/admin/users/{id}/role", {"role": "admin"}),
    ("/admin/users/{id}/deactivate", {}),
    ("/admin/users/{id}/reactivate", {}),
]


@pytest.fixture
def admin(client, make_user):
    user = make_user(Role.ADMIN, email="admin@example.org")
    client.login(user.email)
    return user


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.ORGANISER, Role.RAPPORTEUR, Role.POLICY])
def test_only_admins_reach_the_admin_pages(app, client, make_user, role):
    target = make_user()
    client.login(make_user(role).email)
    for page in ADMIN_PAGES:
        assert client.get(page.format(id=target.id)).status_code == 403, page
    for action, data in ADMIN_ACTIONS:
        assert client.submit(action.format(id=target.id), data).status_code == 403, action
    with app.app_context():
        unchanged = db.session.get(User, target.id)
        assert (unchanged.role, unchanged.active) == (Role.PARTICIPANT, True)
        assert db.session.scalar(sa.select(User).where(User.email == "x@example.org")) is None


def test_anonymous_visitors_are_sent_to_log_in(client, make_user):
    target = make_user()
    for page in ADMIN_PAGES:
        response = client.get(page.format(id=target.id))
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_the_user_list_is_paginated(app, client, admin, make_user):
    app.config["USERS_PER_PAGE"] = 3
    try:
        for number in range(7):
            make_user(display_name=f"Participant {number:02d}")
        first = client.get("/admin/users").get_data(as_text=True)
        third = client.get("/admin/users?page=3").get_data(as_text=True)
    finally:
        app.config["USERS_PER_PAGE"] = 25
    assert "8 users" in first
    assert "Page 1 of 3" in first
    assert "Participant 00" in first and "Participant 03" not in first
    assert "Participant 06" in third


def test_the_user_list_is_searchable(client, admin, make_user):
    make_user(display_name="Karim Aziz", organisation_name="Sahel Relief Network")
    make_user(display_name="Sofia Russo", email="sofia@ngo.example")
    by_organisation = client.get("/admin/users?q=sahel").get_data(as_text=True)
    assert "Karim Aziz" in by_organisation and "Sofia Russo" not in by_organisation
    by_email = client.get("/admin/users?q=NGO.EXAMPLE").get_data(as_text=True)
    assert "Sofia Russo" in by_email and "Karim Aziz" not in by_email
    nothing = client.get("/admin/users?q=zzz").get_data(as_text=True)
    assert "No user matches" in nothing


def test_an_invited_staff_member_chooses_a_password_and_gets_the_role(app, client, admin, outbox):
    response = client.submit(
        "/admin/users/new",
        {
            "display_name": "Omar Farouk",
            "email": "Omar@IOM.example",
            "organisation_name": "IOM",
            "role": "rapporteur",
            "language": "en",
        },
    )
    assert response.status_code == 302
    assert outbox[0]["To"] == "omar@iom.example"

    invited = app.test_client()
    link = link_in(outbox[0])
    assert link.startswith("/activate/")
    response = invited.submit(
        open_link(invited, link),
        {"password": "my own passphrase", "password_confirm": "my own passphrase"},
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "omar@iom.example"))
        assert user.role is Role.RAPPORTEUR
        assert user.email_confirmed_at is not None


def test_inviting_an_existing_address_says_so_on_the_field(client, admin):
    response = client.submit(
        "/admin/users/new",
        {"display_name": "Again", "email": "ADMIN@example.org", "role": "policy", "language": "fr"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "An account with this email address already exists." in page
    assert 'value="Again"' in page


def test_an_admin_changes_a_role(app, client, admin, make_user):
    user = make_user()
    assert client.submit(f"/admin/users/{user.id}/role", {"role": "organiser"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).role is Role.ORGANISER


def test_an_invalid_role_is_refused(app, client, admin, make_user):
    user = make_user()
    response = client.submit(f"/admin/users/{user.id}/role", {"role": "emperor"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, user.id).role is Role.PARTICIPANT


def test_deactivation_signs_the_user_out_and_blocks_log_in(app, client, admin, make_user):
    user = make_user()
    their_browser = app.test_client()
    their_browser.login(user.email)

    assert client.submit(f"/admin/users/{user.id}/deactivate").status_code == 302
    assert their_browser.get("/account").status_code == 302
    response = their_browser.submit("/login", {"email": user.email, "password": "x" * 12})
    assert response.status_code == 422

    assert client.submit(f"/admin/users/{user.id}/reactivate").status_code == 302
    their_browser.login(user.email)


def test_an_admin_cannot_demote_or_deactivate_themselves(app, client, admin):
    assert (
        client.submit(f"/admin/users/{admin.id}/role", {"role": "participant"}).status_code == 403
    )
    assert client.submit(f"/admin/users/{admin.id}/deactivate").status_code == 403
    with app.app_context():
        me = db.session.get(User, admin.id)
        assert (me.role, me.active) == (Role.ADMIN, True)


def test_an_unknown_user_is_a_404(client, admin):
    assert client.get("/admin/users/999999").status_code == 404


def test_the_invite_command_creates_an_administrator(app, outbox):
    runner = app.test_cli_runner()
    args = ["accounts", "invite", "--email", "Head@NGO.example", "--name", "Head of policy"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert outbox[0]["To"] == "head@ngo.example"
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "head@ngo.example"))
        assert user.role is Role.ADMIN

    again = runner.invoke(args=args)
    assert again.exit_code == 1
    assert "already exists" in again.output
