import sqlalchemy as sa

from consultation.accounts.models import Role, User
from consultation.db import db
from consultation.events.models import Event
from consultation.organisations.models import Organisation, OrganisationLevel
from consultation.registrations.models import Registration, RegistrationStatus


def table_snapshot(app):
    with app.app_context():
        users = db.session.execute(
            sa.select(User.email, User.role, User.password_hash).order_by(User.email)
        ).all()
        events = db.session.execute(sa.select(Event.slug, Event.title)).all()
    return users, events


def test_seed_loads_one_account_per_role_and_the_demo_event(app, client):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    users, events = table_snapshot(app)
    assert sorted(role for _, role, _ in users) == sorted(Role)
    assert events[0].title.startswith("IOM–NGO Regional Humanitarian Consultation")

    page = client.get("/").get_data(as_text=True)
    assert "Middle East and North Africa" in page
    event_page = client.get(f"/events/{events[0].slug}").get_data(as_text=True)
    assert "Istanbul" in event_page
    assert "humanitarianpolicy@iom.int" in event_page


def test_seed_prints_passwords_that_work_in_development(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULTATION_ENV", "development")
    output = app.test_cli_runner().invoke(args=["demo", "seed"]).output
    line = next(line for line in output.splitlines() if line.strip().startswith("organiser"))
    _, email, password = line.split()
    client.login(email, password)


def test_seed_refuses_to_touch_a_production_installation(app, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULTATION_ENV", "production")
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 1
    assert "production" in result.output
    assert table_snapshot(app) == ([], [])


def test_seeding_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "seed"])
    before = table_snapshot(app)
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert table_snapshot(app) == before


def test_if_empty_leaves_a_database_with_data_alone(app, make_user):
    make_user()
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--if-empty"])
    assert "not loaded" in result.output
    users, events = table_snapshot(app)
    assert len(users) == 1 and events == []


def test_the_demo_has_65_fictional_registrations_at_every_level(app):
    app.test_cli_runner().invoke(args=["demo", "seed"])
    with app.app_context():
        rows = db.session.execute(
            sa.select(Registration.status, Organisation.level, Registration.email).join(
                Organisation
            )
        ).all()
    assert len(rows) >= 65
    assert {status for status, _, _ in rows} == {
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.PENDING,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.CANCELLED,
    }
    assert {level for _, level, _ in rows} == set(OrganisationLevel)
    assert all(email.endswith("@example.org") for _, _, email in rows)
