"""Personal data: declared in one place, cleared and anonymised on schedule, downloadable and
erasable by the participant, erasable by an organiser on request."""

import json
import os
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from consultation.accounts.models import Role
from consultation.agenda import services as agenda
from consultation.agenda.models import Attribution, SessionSpeaker, SpeakerRole
from consultation.audit.models import AuditAction, AuditEvent
from consultation.db import db, now_utc
from consultation.events.access import EVENT_PAGE_OPTIONS
from consultation.events.models import Event
from consultation.mail import OutboxMessage, OutboxStatus
from consultation.privacy import retention
from consultation.privacy import services as privacy
from consultation.registrations import organisers as registration_organisers
from consultation.registrations import seats
from consultation.registrations.models import Moderation, Registration, RegistrationStatus
from consultation.reports import store as report_store
from consultation.reports.models import Audience, ExportState, ReportExport, ReportKind
from tests.factories import add_session, configure, form, registrations
from tests.helpers import link_in, open_link, unchanged_form

TODAY = now_utc().date()


def past_event(make_event, app, days_ago: int, **settings):
    event = make_event(
        start_date=TODAY - timedelta(days=days_ago + 2), end_date=TODAY - timedelta(days=days_ago)
    )
    configure(
        app,
        event,
        **{
            "capacity": 10,
            "moderation": Moderation.AUTOMATIC,
            "questions": ["accessibility_needs", "dietary_requirements", "visa_letter"],
            **settings,
        },
    )
    return event


def register(app, event, email, **changes):
    response = app.test_client().submit(f"/events/{event.slug}/register", form(email, **changes))
    assert response.status_code == 200


def test_every_registration_column_is_declared_personal_or_kept_on_purpose():
    declared = {field.column for field in privacy.PERSONAL_DATA}
    columns = {column.name for column in Registration.__table__.columns}
    assert columns == declared | privacy.KEPT_FOR_STATISTICS
    assert not declared & privacy.KEPT_FOR_STATISTICS


def test_the_retention_job_clears_then_anonymises_and_can_run_again(app, make_event, outbox):
    recent = past_event(make_event, app, days_ago=10)
    old = past_event(make_event, app, days_ago=100)
    coming = make_event(start_date=TODAY + timedelta(days=30), end_date=TODAY + timedelta(days=31))
    configure(
        app,
        coming,
        capacity=10,
        moderation=Moderation.AUTOMATIC,
        questions=["accessibility_needs", "dietary_requirements", "visa_letter"],
    )
    for event in (recent, old, coming):
        register(
            app,
            event,
            f"leila{event.id}@ngo.example",
            accessibility_needs="Step-free access",
            dietary_requirements="Halal",
            needs_visa_letter="y",
        )
    old_link = link_in(outbox[1])
    with app.app_context():
        result = retention.run_retention()
    assert result.sensitive_cleared == 2 and result.anonymised == 1 and result.emails_deleted == 1

    [kept] = registrations(app, coming)
    assert kept.accessibility_needs == "Step-free access" and kept.needs_visa_letter
    [cleared] = registrations(app, recent)
    assert cleared.full_name == "Leila Mansour"
    assert cleared.accessibility_needs is None and cleared.dietary_requirements is None
    assert not cleared.needs_visa_letter
    [anonymised] = registrations(app, old)
    assert anonymised.full_name == "—" and "leila" not in anonymised.email
    assert anonymised.anonymised_at is not None
    # What the statistics count stays: the status. The organisation the registrant typed,
    # private to their registration, goes with them, and so does a country of work fewer
    # than five participants share.
    assert anonymised.status is RegistrationStatus.CONFIRMED
    assert anonymised.country_of_work is None and anonymised.organisation_id is None
    assert app.test_client().get(old_link).status_code == 404
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.event_id == old.id)
            )
            == 0
        )
        again = retention.run_retention()
    assert again == retention.PurgeResult(0, 0, 0, 0)


def test_the_command_line_runs_the_retention_job(app, make_event):
    past_event(make_event, app, days_ago=100)
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0 and "registrations anonymised: 0" in result.output


def test_a_participant_downloads_their_data(app, make_event, outbox):
    event = past_event(make_event, app, days_ago=-30)
    register(app, event, "amal@ngo.example", accessibility_needs="Sign language")
    link = link_in(outbox[0])
    participant = app.test_client()
    page = open_link(participant, link)
    response = participant.get(f"{page}/data.json")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["registration"]["email"] == "amal@ngo.example"
    assert data["registration"]["accessibility_needs"] == "Sign language"
    assert [change["to"] for change in data["history"]] == ["pending", "confirmed"]
    assert app.test_client().get(f"{link}x").status_code == 404
    # Another browser, that never opened the link, downloads nothing.
    assert app.test_client().get(f"{page}/data.json").status_code == 403


def test_the_download_holds_what_organisers_wrote_and_the_emails_kept(
    app, make_event, make_user, outbox
):
    """The right of access covers everything held about the person: notes and reasons that
    organisers wrote included, and the emails and log entries kept about the registration."""
    event = past_event(make_event, app, days_ago=-30)
    register(app, event, "amal@ngo.example")
    organiser = make_user(Role.ORGANISER)
    with app.app_context():
        registration = db.session.scalar(sa.select(Registration))
        registration_organisers.save_notes(registration, "Asked about a visa for her deputy.")
        seats.change_status(
            registration,
            RegistrationStatus.WAITLISTED,
            db.session.merge(organiser),
            "Waiting for her organisation's letter",
        )
        db.session.commit()
    participant = app.test_client()
    page = open_link(participant, link_in(outbox[-1]))
    data = json.loads(participant.get(f"{page}/data.json").data)
    assert data["registration"]["internal_notes"] == "Asked about a visa for her deputy."
    assert data["history"][-1]["reason"] == "Waiting for her organisation's letter"
    assert data["registration"]["organisation"]["name"] == "Tripoli Community Aid"
    assert data["registration"]["organisation"]["in_directory"] is False
    subjects = [email["subject"] for email in data["emails"]]
    assert len(subjects) == 2 and all(subjects)
    assert "registration_status_changed" in [entry["action"] for entry in data["log"]]


def test_a_participant_erases_their_data_and_the_waiting_list_moves_up(app, make_event, outbox):
    event = past_event(make_event, app, days_ago=-30, capacity=1)
    register(app, event, "first@ngo.example")
    register(app, event, "second@ngo.example")
    first, second = registrations(app, event)
    assert second.status is RegistrationStatus.WAITLISTED
    link = link_in(outbox[0])
    client = app.test_client()
    manage = open_link(client, link)
    page = client.submit(f"{manage}/erase", headers={"Referer": manage})
    assert page.status_code == 200 and "Your data is erased" in page.get_data(as_text=True)
    first, second = registrations(app, event)
    assert first.status is RegistrationStatus.CANCELLED and first.full_name == "—"
    assert "first" not in first.email
    assert second.status is RegistrationStatus.CONFIRMED
    assert client.get(link).status_code == 404
    assert client.get(manage).status_code == 403
    with app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == AuditAction.REGISTRATION_ERASED)
        )
        assert entry.details == {"requested_by": "participant"}
        assert not db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.recipient == "first@ngo.example"
            )
        )


@pytest.mark.parametrize(("on_team", "expected"), [(True, 302), (False, 403)])
def test_an_organiser_erases_a_participant_on_request(
    app, client, make_event, make_user, add_to_team, on_team, expected
):
    event = past_event(make_event, app, days_ago=-30)
    register(app, event, "amal@ngo.example")
    [registration] = registrations(app, event)
    organiser = make_user(Role.ORGANISER)
    if on_team:
        add_to_team(event, organiser)
    client.login(organiser.email)
    response = client.submit(f"/manage/events/{event.slug}/registrations/{registration.id}/erase")
    assert response.status_code == expected
    [after] = registrations(app, event)
    assert (after.anonymised_at is not None) is on_team
    assert (after.email == "amal@ngo.example") is not on_team


def test_the_retention_periods_are_configurable(app, make_event, monkeypatch):
    event = past_event(make_event, app, days_ago=3)
    register(app, event, "amal@ngo.example", accessibility_needs="Ramp")
    monkeypatch.setitem(app.config, "SENSITIVE_DATA_RETENTION_DAYS", 2)
    with app.app_context():
        assert retention.purge(date.today()).sensitive_cleared == 1


def test_each_event_keeps_personal_data_as_long_as_its_organisers_chose(app, make_event):
    shorter = past_event(make_event, app, days_ago=40, retention_days=30)
    default = past_event(make_event, app, days_ago=40)
    for event in (shorter, default):
        register(app, event, f"amal{event.id}@ngo.example")
    with app.app_context():
        assert retention.run_retention().anonymised == 1
    [anonymised] = registrations(app, shorter)
    [kept] = registrations(app, default)
    assert anonymised.anonymised_at is not None and kept.full_name == "Leila Mansour"


def test_the_installation_s_retention_is_the_longest_an_event_may_keep(
    app, client, make_event, make_user, add_to_team, monkeypatch
):
    monkeypatch.setitem(app.config, "REGISTRATION_RETENTION_DAYS", 60)
    longer = past_event(make_event, app, days_ago=70, retention_days=365)
    register(app, longer, "amal@ngo.example")
    with app.app_context():
        assert retention.purge().anonymised == 1

    organiser = make_user(Role.ORGANISER)
    add_to_team(longer, organiser)
    client.login(organiser.email)
    page = f"/manage/events/{longer.slug}/registration"
    assert (
        'value="60"'
        in client.get(page).get_data(as_text=True).split('name="retention_days"')[1][:80]
    )
    refused = client.submit(page, {**unchanged_form(client, page), "retention_days": "61"})
    assert refused.status_code == 422
    assert "Enter between 1 and 60 days." in refused.get_data(as_text=True)


# Stored reports -----------------------------------------------------------------------------


def stored_report(app, event, kind: ReportKind, days_ago: int = 0) -> str:
    """A ready export of ``kind`` and its stored file (its content does not matter here)."""
    with app.app_context():
        export = ReportExport(
            event_id=event.id,
            kind=kind,
            audience=Audience.INTERNAL,
            language="en",
            state=ExportState.READY,
            sha256=f"{event.id:08x}{kind.value:>24}{days_ago:032x}".replace(" ", "0"),
            created_at=now_utc() - timedelta(days=days_ago),
        )
        db.session.add(export)
        db.session.commit()
        path = report_store.report_store() / f"{export.sha256}.pdf"
        path.write_bytes(b"%PDF-1.7 names")
        made = (now_utc() - timedelta(days=days_ago)).timestamp()
        os.utime(path, (made, made))
        return export.sha256


def is_stored(app, digest: str) -> bool:
    with app.app_context():
        return (report_store.report_store() / f"{digest}.pdf").is_file()


def test_the_retention_job_deletes_stored_reports_that_may_name_anonymised_participants(
    app, make_event
):
    old = past_event(make_event, app, days_ago=100)
    recent = past_event(make_event, app, days_ago=10)
    participants = stored_report(app, old, ReportKind.PARTICIPANTS)
    outcomes = stored_report(app, old, ReportKind.OUTCOME)
    agenda = stored_report(app, old, ReportKind.AGENDA)
    kept = stored_report(app, recent, ReportKind.PARTICIPANTS)
    with app.app_context():
        assert retention.run_retention().report_files_deleted == 2
        assert retention.run_retention().report_files_deleted == 0
    assert not is_stored(app, participants) and not is_stored(app, outcomes)
    assert is_stored(app, agenda) and is_stored(app, kept)


def test_erasing_a_participant_deletes_the_event_s_stored_reports_but_the_agenda(
    app, make_event, outbox
):
    event = past_event(make_event, app, days_ago=-30)
    other = past_event(make_event, app, days_ago=-30)
    register(app, event, "first@ngo.example")
    participants = stored_report(app, event, ReportKind.PARTICIPANTS)
    agenda = stored_report(app, event, ReportKind.AGENDA)
    elsewhere = stored_report(app, other, ReportKind.PARTICIPANTS)
    participant = app.test_client()
    manage = open_link(participant, link_in(outbox[0]))
    participant.submit(f"{manage}/erase", headers={"Referer": manage})
    assert not is_stored(app, participants)
    assert is_stored(app, agenda) and is_stored(app, elsewhere)


def test_stored_reports_nobody_asked_for_lately_are_pruned(app, make_event, monkeypatch):
    event = past_event(make_event, app, days_ago=-30)
    monkeypatch.setitem(app.config, "REPORT_FILE_RETENTION_DAYS", 30)
    stale = stored_report(app, event, ReportKind.AGENDA, days_ago=31)
    fresh = stored_report(app, event, ReportKind.SUMMARY, days_ago=29)
    with app.app_context():
        # A file no export names yet, being finished: kept while it is new.
        finishing = report_store.report_store() / f"{'f' * 64}.pdf"
        finishing.write_bytes(b"%PDF-1.7")
        assert retention.run_retention().report_files_deleted == 1
    assert not is_stored(app, stale)
    assert is_stored(app, fresh) and finishing.is_file()


def test_a_report_whose_file_was_deleted_asks_to_be_made_again(
    app, client, make_event, make_user, add_to_team
):
    event = past_event(make_event, app, days_ago=100)
    digest = stored_report(app, event, ReportKind.PARTICIPANTS)
    organiser = make_user(Role.ORGANISER)
    add_to_team(event, organiser)
    with app.app_context():
        retention.run_retention()
        export_id = db.session.scalar(
            sa.select(ReportExport.id).where(ReportExport.sha256 == digest)
        )
    client.login(organiser.email)
    response = client.get(f"/manage/events/{event.slug}/reports/{export_id}.pdf")
    assert response.status_code == 404
    assert "no longer kept; generate it again" in response.get_data(as_text=True)


def test_account_emails_and_speakers_names_have_a_retention_too(app, make_event):
    made = {
        speaker_name: make_event(
            start_date=TODAY - timedelta(days=days_ago),
            end_date=TODAY - timedelta(days=days_ago - 1),
        )
        for days_ago, speaker_name in ((4000, "Rania Haddad"), (400, "Omar Farouk"))
    }
    with app.app_context():
        for speaker_name, stored in made.items():
            event = db.session.get(Event, stored.id, options=EVENT_PAGE_OPTIONS)
            session = add_session(
                event, "Humanitarian access", 9, attribution=Attribution.ON_RECORD
            )
            agenda.add_speaker(session, SpeakerRole.SPEAKER, name=speaker_name, title="Director")
        for days, status in (
            (40, OutboxStatus.SENT),
            (40, OutboxStatus.PENDING),
            (2, OutboxStatus.SENT),
        ):
            db.session.add(
                OutboxMessage(
                    recipient="new.user@ngo.example",
                    subject="Activate your account",
                    raw_message=b"link",
                    status=status,
                    created_at=now_utc() - timedelta(days=days),
                )
            )
        db.session.commit()
        result = retention.run_retention()
        assert result.speakers_anonymised == 1 and result.emails_deleted == 1
        speakers = db.session.execute(
            sa.select(SessionSpeaker.name, SessionSpeaker.title).order_by(SessionSpeaker.id)
        ).all()
        # Ten years on, the agenda keeps the role alone; a recent one keeps its speakers.
        assert speakers == [("—", None), ("Omar Farouk", "Director")]
        # Still waiting to be sent, or sent lately: kept.
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 2
