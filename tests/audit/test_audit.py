"""The audit trail: what is logged, who sees it, and that tampering shows."""

import logging

import pytest
import sqlalchemy as sa

from consultation.accounts.models import Role
from consultation.audit import services as audit
from consultation.audit.models import AuditAction, AuditEvent
from consultation.db import db
from tests.factories import register, registrations
from tests.helpers import PASSWORD
from tests.registrations import fixtures as registration_fixtures

# The same approval-moderated event as the registration table tests.
event = registration_fixtures.event

CANARY_EMAIL = "canary-7f3a9@ngo.example"
CANARY_NAME = "Canary Yellowbird"


def logged(app, event_id=None) -> list[AuditEvent]:
    with app.app_context():
        statement = sa.select(AuditEvent).order_by(AuditEvent.id)
        if event_id is not None:
            statement = statement.where(AuditEvent.event_id == event_id)
        entries = list(db.session.scalars(statement))
        db.session.expunge_all()
        return entries


def test_sign_ins_status_changes_exports_and_sensitive_views_are_logged(
    app,
    client,
    event,
    organiser,
):
    register(app, event, "amal@ngo.example", accessibility_needs="Step-free access")
    [registration] = registrations(app, event)
    client.get(f"/manage/events/{event.slug}/registrations/{registration.id}")
    client.submit(
        f"/manage/events/{event.slug}/registrations/{registration.id}/status",
        {"status": "confirmed", "reason": "Selected"},
    )
    client.submit(
        f"/manage/events/{event.slug}/registrations/export",
        {"columns": ["full_name"], "file_format": "csv", "status": ""},
    )
    actions = [entry.action for entry in logged(app)]
    assert actions[0] == AuditAction.SIGNED_IN
    assert actions[1:] == [
        AuditAction.SENSITIVE_ANSWERS_VIEWED,
        AuditAction.REGISTRATION_STATUS_CHANGED,
        AuditAction.REGISTRATIONS_EXPORTED,
    ]
    change = logged(app, event.id)[1]
    assert change.actor_id == organiser.id and change.ip_address == "127.0.0.1"
    assert change.subject == f"registration:{registration.id}"
    assert change.details == {"from_status": "pending", "to_status": "confirmed"}

    page = client.get(f"/manage/events/{event.slug}/audit").get_data(as_text=True)
    assert (
        "Registrations exported" in page
        and "Gender, visa, accessibility or dietary answers viewed" in page
    )


def test_failed_sign_ins_and_signing_out_are_logged(app, client, make_user):
    user = make_user()
    client.submit("/login", {"email": user.email, "password": "not the right one"})
    client.login(user.email)
    client.submit("/logout")
    assert [entry.action for entry in logged(app)] == [
        AuditAction.SIGN_IN_FAILED,
        AuditAction.SIGNED_IN,
        AuditAction.SIGNED_OUT,
    ]


def test_only_the_events_organisers_read_its_log(app, make_user, add_to_team, event):
    for role, status in [(Role.PARTICIPANT, 403), (Role.ORGANISER, 403)]:
        client = app.test_client()
        client.login(make_user(role).email)
        assert client.get(f"/manage/events/{event.slug}/audit").status_code == status
    assert app.test_client().get(f"/manage/events/{event.slug}/audit").status_code == 302


def test_the_chain_shows_a_changed_or_removed_entry(app, client, make_user):
    user = make_user()
    for _ in range(3):
        client.login(user.email)
        client.submit("/logout")
    with app.app_context():
        result = audit.verify(batch_size=2)
        assert result.intact and result.checked == 6
        entries = list(db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))
        third = entries[2].id
        # Someone with database access rewrites who did it...
        db.session.execute(sa.update(AuditEvent).where(AuditEvent.id == third).values(actor_id=999))
        db.session.commit()
        assert audit.verify().first_broken_id == third
        db.session.execute(
            sa.update(AuditEvent).where(AuditEvent.id == third).values(actor_id=user.id)
        )
        # ...or deletes an entry: the log names the one missing.
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id == 4))
        db.session.commit()
        result = audit.verify()
        assert not result.intact
        assert result.first_broken_id == 4 and result.reason == "entry 4 is missing"


def test_the_application_never_changes_an_entry(app, client, make_user):
    client.login(make_user().email)
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEvent))
        entry.subject = "user:1"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.flush()
        db.session.rollback()


def test_no_personal_data_reaches_the_logs_or_the_audit_trail(
    app,
    caplog,
    client,
    event,
    organiser,
):
    caplog.set_level(logging.DEBUG)
    register(
        app,
        event,
        CANARY_EMAIL,
        full_name=CANARY_NAME,
        accessibility_needs="Canary accessibility",
        country_of_work="SY",
    )
    [registration] = registrations(app, event)
    client.get(f"/manage/events/{event.slug}/registrations/{registration.id}")
    client.submit(
        f"/manage/events/{event.slug}/registrations/{registration.id}/status",
        {"status": "confirmed", "reason": "Selected"},
    )
    app.test_client().submit("/login", {"email": CANARY_EMAIL, "password": PASSWORD})
    assert caplog.records, "the app logged nothing: the check would prove nothing"
    for secret in (CANARY_EMAIL, CANARY_NAME, "Canary accessibility"):
        assert secret not in caplog.text
        for entry in logged(app):
            assert secret not in repr(entry.details) and secret not in (entry.subject or "")


def test_the_command_line_verifies_the_chain(app, client, make_user):
    client.login(make_user().email)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact (1 entries)" in result.output
    with app.app_context():
        db.session.execute(sa.update(AuditEvent).values(ip_address="10.9.9.9"))
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "broken at entry 1" in result.output


def test_report_exports_are_logged_but_not_the_public_agenda(app, client, event, organiser):
    client.submit(
        f"/manage/events/{event.slug}/reports",
        {"kind": "participants", "audience": "internal", "language": "en"},
    )
    app.test_client().get(f"/events/{event.slug}/agenda.pdf")
    exported = [e for e in logged(app, event.id) if e.action == AuditAction.REPORT_EXPORTED]
    assert [entry.details["kind"] for entry in exported] == ["participants"]
