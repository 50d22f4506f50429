"""An account is deleted by its owner, who confirms with their password, or by an
administrator; its registrations are erased with it or kept, as chosen."""

import pytest
import sqlalchemy as sa

from consultation.accounts.models import Role, User
from consultation.audit.models import AuditEvent
from consultation.db import db
from consultation.events.models import TeamRole
from consultation.mail import OutboxMessage
from consultation.registrations.models import Moderation, Registration
from tests.factories import configure, form
from tests.helpers import PASSWORD, link_in, open_link

ADDRESS = "leila@ngo.example"


@pytest.fixture
def registered(app, client, make_event, make_user, outbox):
    """A participant with an account, signed in, registered for an event with their address."""
    event = make_event()
    configure(app, event, capacity=None, moderation=Moderation.AUTOMATIC)
    user = make_user(Role.PARTICIPANT, email=ADDRESS)
    client.login(ADDRESS)
    assert client.submit(f"/events/{event.slug}/register", form(ADDRESS)).status_code == 200
    with app.app_context():
        db.session.add(
            OutboxMessage(recipient=ADDRESS, subject="Reset your password", raw_message=b"link")
        )
        db.session.commit()
    return user


def registration(app) -> Registration:
    with app.app_context():
        return db.session.scalar(sa.select(Registration))


def test_the_owner_deletes_their_account_and_erases_their_registrations(
    app, client, registered, outbox
):
    page = client.get("/account/delete").get_data(as_text=True)
    assert "This address has 1 registration" in page
    response = client.submit("/account/delete", {"password": PASSWORD, "registrations": "erase"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, registered.id) is None
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
        entry = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "account_deleted")
        )
        assert entry.details["requested_by"] == "owner"
    erased = registration(app)
    assert erased.anonymised_at is not None and ADDRESS not in erased.email
    # Signed out: the account's pages ask to sign in.
    assert client.get("/account").status_code == 302


def test_a_wrong_password_deletes_nothing(app, client, registered):
    response = client.submit("/account/delete", {"password": "not it", "registrations": "erase"})
    assert response.status_code == 422
    assert "Your password is not right." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, registered.id) is not None
    assert registration(app).anonymised_at is None


def test_kept_registrations_lose_the_account_but_keep_their_link(app, client, registered, outbox):
    link = link_in(outbox[0])
    response = client.submit("/account/delete", {"password": PASSWORD, "registrations": "keep"})
    assert response.status_code == 302
    kept = registration(app)
    assert kept.user_id is None and kept.email == ADDRESS and kept.anonymised_at is None
    browser = app.test_client()
    assert browser.get(open_link(browser, link)).status_code == 200


def test_an_administrator_deletes_an_account(app, client, registered, make_user):
    admin = make_user(Role.ADMIN)
    staff = app.test_client()
    staff.login(admin.email)
    assert staff.get(f"/admin/users/{registered.id}/delete").status_code == 200
    response = staff.submit(f"/admin/users/{registered.id}/delete", {"registrations": "keep"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, registered.id) is None
        entry = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "account_deleted")
        )
        assert entry.actor_id == admin.id and entry.details["requested_by"] == "administrator"


def test_an_event_s_only_organiser_and_the_last_administrator_are_not_deleted(
    app, client, make_user, make_event, add_to_team
):
    organiser = make_user(Role.ORGANISER)
    event = make_event(title="Consultation on duty of care")
    add_to_team(event, organiser, TeamRole.ORGANISER)
    client.login(organiser.email)
    response = client.submit("/account/delete", {"password": PASSWORD})
    assert response.status_code == 422
    assert "the only organiser of" in response.get_data(as_text=True)
    admin = make_user(Role.ADMIN)
    own = app.test_client()
    own.login(admin.email)
    response = own.submit("/account/delete", {"password": PASSWORD})
    assert "last administrator" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2
