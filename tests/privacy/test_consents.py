"""Consents that match what is published: the participants' list and the public report are
consented to apart, each consent is recorded with its time and notice version, every
version of the notice stays readable and registrants hear of a new one; gender leaves the
application only as counts."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consultation.audit.models import AuditEvent
from consultation.db import db, now_utc
from consultation.privacy import retention
from consultation.registrations.consents import Consent, ConsentRecord
from consultation.registrations.models import Moderation, Registration, RegistrationSettings
from consultation.registrations.sensitive_access import SENSITIVE_COLUMNS
from consultation.reports import gather
from tests.factories import configure, form, registrations
from tests.helpers import link_in, open_link

SETTINGS = {
    "opens_at": "2026-01-01T09:00",
    "closes_at": "2030-01-01T09:00",
    "capacity": "",
    "waitlist_enabled": "y",
    "moderation": "automatic",
    "questions": ["gender", "accessibility_needs"],
    "privacy_notice": "IOM and ICVA control your data; we delete it 90 days after the event.",
    "retention_days": "90",
}


@pytest.fixture
def event(app, make_event, make_organisation):
    event = make_event()
    make_organisation("Amel Association", "AMEL")
    configure(app, event, capacity=None, moderation=Moderation.AUTOMATIC)
    return event


def register(app, event, email, **changes):
    response = app.test_client().submit(f"/events/{event.slug}/register", form(email, **changes))
    assert response.status_code == 200


def records(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            sa.select(
                ConsentRecord.consent, ConsentRecord.given, ConsentRecord.notice_version
            ).order_by(ConsentRecord.id)
        ).all()


def test_the_form_asks_apart_for_the_participants_list_and_the_public_report(app, client, event):
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "participants only, not published" in page
    assert "Anyone may read that report" in page
    register(app, event, "leila@ngo.example", listed_to_participants="y")
    [registration] = registrations(app, event)
    assert registration.listed_to_participants and not registration.named_in_report
    assert records(app) == [
        (Consent.PROCESSING, True, 1),
        (Consent.PARTICIPANTS_LIST, True, 1),
        (Consent.PUBLIC_REPORT, False, 1),
        (Consent.PHOTOGRAPHY, False, 1),
    ]


def test_changing_a_consent_is_recorded_in_the_history_and_the_log(
    app, client, event, outbox, organiser
):
    register(app, event, "leila@ngo.example", listed_to_participants="y")
    participant = app.test_client()
    manage = open_link(participant, link_in(outbox[-1]))
    response = participant.submit(manage, form("leila@ngo.example", named_in_report="y"))
    assert response.status_code == 302
    # The listing consent was withdrawn (unticked) and the report's given.
    assert records(app)[-2:] == [
        (Consent.PARTICIPANTS_LIST, False, 1),
        (Consent.PUBLIC_REPORT, True, 1),
    ]
    with app.app_context():
        logged = db.session.scalars(
            sa.select(AuditEvent.details).where(AuditEvent.action == "consent_changed")
        ).all()
    assert {(entry["consent"], entry["given"]) for entry in logged} == {
        ("participants_list", False),
        ("public_report", True),
    }
    [registration] = registrations(app, event)
    page = client.get(f"/manage/events/{event.slug}/registrations/{registration.id}")
    text = page.get_data(as_text=True)
    assert "When each consent was given or withdrawn" in text and "withdrawn" in text
    data = participant.get(f"{manage}/data.json").get_json()
    assert len(data["consents"]) == 6 and data["registration"]["named_in_report"] is True


def test_a_new_notice_is_a_new_version_kept_beside_the_old_and_registrants_are_told(
    app, client, event, outbox, organiser
):
    register(app, event, "leila@ngo.example")
    assert client.submit(f"/manage/events/{event.slug}/registration", SETTINGS).status_code == 302
    before = len(outbox)
    changed = {**SETTINGS, "privacy_notice": "IOM alone controls your data from now on."}
    assert client.submit(f"/manage/events/{event.slug}/registration", changed).status_code == 302
    told = outbox[before:]
    assert [message["To"] for message in told] == ["leila@ngo.example"]
    assert told[0]["Subject"].startswith("The privacy notice has changed")
    assert f"/events/{event.slug}/privacy-notice/3" in told[0].get_body(("plain",)).get_content()
    visitor = app.test_client()
    current = visitor.get(f"/events/{event.slug}/privacy-notice").get_data(as_text=True)
    assert "IOM alone controls your data" in current and "version 3" in current
    old = visitor.get(f"/events/{event.slug}/privacy-notice/2").get_data(as_text=True)
    assert "we delete it 90 days after the event" in old and "A newer version replaces it" in old
    assert visitor.get(f"/events/{event.slug}/privacy-notice/9").status_code == 404
    register(app, event, "omar@ngo.example")
    assert records(app)[-4][2] == 3


def test_gender_leaves_the_application_only_as_counts(app, client, event, organiser, make_event):
    assert "gender" not in SENSITIVE_COLUMNS
    for number in range(3):
        register(app, event, f"p{number}@ngo.example", gender="woman")
    export = client.submit(
        f"/manage/events/{event.slug}/registrations/export",
        {"columns": ["full_name", "gender"], "file_format": "csv", "status": ""},
    )
    assert export.status_code == 422
    export = client.submit(
        f"/manage/events/{event.slug}/registrations/export",
        {"columns": ["full_name"], "file_format": "csv", "status": ""},
    )
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert all("Woman" not in row for row in rows)


def test_gender_answers_are_cleared_with_the_sensitive_ones_and_the_counts_kept(app, make_event):
    ended = make_event(
        start_date=now_utc().date() - timedelta(days=20),
        end_date=now_utc().date() - timedelta(days=19),
    )
    configure(app, ended, capacity=None, moderation=Moderation.AUTOMATIC)
    for number, gender in enumerate(("woman", "woman", "man")):
        register(app, ended, f"p{number}@ngo.example", gender=gender)
    with app.app_context():
        assert retention.run_retention().sensitive_cleared == 3
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(Registration.gender.is_not(None)))
            == 0
        )
        assert db.session.get(RegistrationSettings, ended.id).gender_counts == {
            "woman": 2,
            "man": 1,
        }
        bars = {
            bar.label: bar.value
            for breakdown in gather.participation(db.session.merge(ended)).breakdowns
            if breakdown.title == "By gender"
            for bar in breakdown.bars
        }
    assert bars == {"Woman": 2, "Man": 1}
