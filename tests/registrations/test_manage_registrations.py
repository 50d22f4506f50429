import csv
import io
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import sqlalchemy as sa

from consultation.accounts.models import Role, User
from consultation.db import db
from consultation.events.models import TeamRole
from consultation.mail import OutboxMessage, OutboxStatus
from consultation.registrations.exports import RegistrationExport
from consultation.registrations.models import (
    Registration,
    RegistrationSettings,
    RegistrationStatus,
)
from tests.factories import configure, register, registrations
from tests.helpers import link_in, open_link, unchanged_form
from tests.mail_server import running_mail_server
from tests.registrations import fixtures as registration_fixtures

# An approval-moderated event with three places (``organiser``: its organiser, signed in).
event = registration_fixtures.event


def test_the_table_searches_filters_and_sorts(app, client, event, organiser):
    register(app, event, "zaid@ngo.example", full_name="Zaid Khoury", country_of_work="JO")
    register(app, event, "amal@ngo.example", full_name="Amal Said", country_of_work="LB")
    url = f"/manage/events/{event.slug}/registrations"
    by_name = client.get(f"{url}?sort=name").get_data(as_text=True)
    assert by_name.index("Amal Said") < by_name.index("Zaid Khoury")
    reverse = client.get(f"{url}?sort=name&order=desc").get_data(as_text=True)
    assert reverse.index("Zaid Khoury") < reverse.index("Amal Said")
    assert client.get(f"{url}?sort=password_hash").status_code == 200
    jordan = client.get(f"{url}?country=JO").get_data(as_text=True)
    assert "Zaid Khoury" in jordan and "Amal Said" not in jordan
    found = client.get(f"{url}?q=AMAL@").get_data(as_text=True)
    assert "Amal Said" in found and "Zaid Khoury" not in found
    local = client.get(f"{url}?type=local_ngo&level=local&status=pending").get_data(as_text=True)
    assert "Amal Said" in local and "Zaid Khoury" in local
    assert "No registration matches these filters." in client.get(
        f"{url}?status=declined"
    ).get_data(as_text=True)


def test_the_search_ignores_accents_and_invisible_characters_and_takes_wildcards_literally(
    app, client, event, organiser, make_organisation
):
    register(app, event, "a.o@ngo.example", full_name="Adébáyọ̀ Okonkwo")
    register(app, event, "mohamed@ngo.example", full_name="مُحَمَّد العلي")
    register(
        app,
        event,
        "leila@ngo.example",
        full_name="Leila Mansour",
        new_organisation_name="Médecins du Monde 100% Aid",
    )
    url = f"/manage/events/{event.slug}/registrations"

    def found(query):
        page = client.get(url, query_string={"q": query}).get_data(as_text=True)
        return sorted(
            name for name in ("Adébáyọ̀ Okonkwo", "مُحَمَّد العلي", "Leila Mansour") if name in page
        )

    assert found("Adebayo") == found("adébáyọ̀") == found("ADEBAYO okon") == ["Adébáyọ̀ Okonkwo"]
    assert found("محمد") == ["مُحَمَّد العلي"]
    assert found("medecins") == found("100%") == ["Leila Mansour"]
    assert found("%") == ["Leila Mansour"]
    assert found("_") == found("Le_la") == []
    assert found("Le\u200bila") == found("Mans\u00adour") == ["Leila Mansour"]


def test_bulk_changes_ask_first_then_apply_and_respect_capacity(
    app, client, event, organiser, outbox
):
    register(app, event, *(f"p{n}@ngo.example" for n in range(4)))
    ids = [str(r.id) for r in registrations(app, event)]
    url = f"/manage/events/{event.slug}/registrations/bulk"
    confirm_page = client.submit(url, {"status": "confirmed", "registration_id": ids})
    assert confirm_page.status_code == 200
    assert "4 registrations will move to: Confirmed" in confirm_page.get_data(as_text=True)
    assert {r.status for r in registrations(app, event)} == {RegistrationStatus.PENDING}

    outbox.clear()
    done = client.submit(
        url,
        {"status": "confirmed", "registration_id": ids, "confirmed": "yes", "reason": "Selected"},
        follow_redirects=True,
    )
    page = done.get_data(as_text=True)
    assert "3 registrations changed." in page
    assert "The event is full" in page
    statuses = sorted(r.status for r in registrations(app, event))
    assert statuses.count(RegistrationStatus.CONFIRMED) == 3
    assert len(outbox) == 3


def test_an_organiser_changes_a_status_with_a_reason_and_it_is_in_the_history(
    app, client, event, organiser, outbox
):
    register(app, event, "leila@ngo.example")
    [registration] = registrations(app, event)
    url = f"/manage/events/{event.slug}/registrations/{registration.id}"
    client.submit(f"{url}/status", {"status": "declined", "reason": "Not in the region"})
    page = client.get(url).get_data(as_text=True)
    assert "Not in the region" in page and "Declined" in page
    assert outbox[-1]["Subject"].startswith("Your registration was not accepted")
    client.submit(url, {"internal_notes": "Called on Tuesday"})
    assert "Called on Tuesday" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize("team_role", [TeamRole.RAPPORTEUR, TeamRole.POLICY])
def test_sensitive_answers_stay_with_the_organisers(
    app, client, event, make_user, add_to_team, team_role
):
    register(app, event, "leila@ngo.example")
    [registration] = registrations(app, event)
    member = make_user(Role.RAPPORTEUR if team_role is TeamRole.RAPPORTEUR else Role.POLICY)
    add_to_team(event, member, team_role)
    client.login(member.email)
    for url in (
        f"/manage/events/{event.slug}/registrations",
        f"/manage/events/{event.slug}/registrations/{registration.id}",
        f"/manage/events/{event.slug}/registration",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Step-free access" not in response.get_data(as_text=True)


def test_a_participant_sees_nothing_of_the_others(app, client, event, make_user):
    register(app, event, "leila@ngo.example")
    client.login(make_user().email)
    assert client.get(f"/manage/events/{event.slug}/registrations").status_code == 403


def test_failed_emails_are_shown_and_can_be_sent_again(app, client, event, organiser, outbox):
    register(app, event, "leila@ngo.example")
    with app.app_context():
        message_id = db.session.scalar(sa.select(OutboxMessage.id))
    # Sent: no text is kept, and there is nothing to send again.
    resent = client.submit(f"/manage/events/{event.slug}/emails/{message_id}/resend")
    assert resent.status_code == 409
    with app.app_context():
        # As the server had refused it: a failed email keeps no text either.
        db.session.execute(
            sa.update(OutboxMessage).values(
                status=OutboxStatus.FAILED, last_error="550 no such user", raw_message=b""
            )
        )
        db.session.commit()
        failed = db.session.get(OutboxMessage, message_id)
        kind, registration_id = failed.kind, failed.registration_id
    assert kind == "registrations/registration:received"
    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert "1 email could not be delivered" in page
    outbox.clear()
    client.submit(f"/manage/events/{event.slug}/emails/{message_id}/resend")
    # Written anew, with a new link that works; the failure is off the list.
    [message] = outbox
    assert message["To"] == "leila@ngo.example"
    assert message["Subject"].startswith("We received your registration")
    with app.app_context():
        [row] = db.session.scalars(sa.select(OutboxMessage)).all()
        assert row.id != message_id and row.status is OutboxStatus.SENT
        assert (row.kind, row.registration_id) == (kind, registration_id)
    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert "could not be delivered" not in page
    participant = app.test_client()
    assert participant.get(open_link(participant, link_in(message))).status_code == 200


@pytest.mark.parametrize(
    ("answer", "reason", "language"),
    [
        ("550 5.1.1 No such user here", "The recipient's mail server refused the address.", "en"),
        ("451 4.7.1 Greylisted", "The mail server kept asking to try again later.", "en"),
        (None, "Le serveur de messagerie n’a pas pu être joint.", "fr"),
    ],
)
def test_an_undelivered_email_says_why_in_words_not_in_code(
    app, client, event, organiser, monkeypatch, answer, reason, language
):
    """A server refusing the address, or none answering on the port (the technical text stays
    in the application's log)."""
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 1)
    with running_mail_server(answer_recipient=lambda recipient: answer) as server:
        for key, value in server.settings().items():
            monkeypatch.setitem(app.config, key, value)
        if answer is None:
            # Nothing listens there once the server is closed.
            server.shutdown()
            server.server_close()
        register(app, event, "leila@ngo.example")
    with app.app_context():
        db.session.get(User, organiser.id).language = language
        db.session.commit()
        assert db.session.scalar(sa.select(OutboxMessage.status)) is OutboxStatus.FAILED
    page = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert reason in page.replace("&#39;", "'")
    for code in ("550", "Error", "SMTP", "Errno"):
        assert code not in page.split('id="failed-heading"')[1].split("</section>")[0]


def test_settings_save_and_the_capacity_cannot_drop_below_the_confirmed(
    app, client, event, organiser
):
    register(app, event, "a@ngo.example", "b@ngo.example")
    client.submit(
        f"/manage/events/{event.slug}/registrations/bulk",
        {
            "status": "confirmed",
            "registration_id": [str(r.id) for r in registrations(app, event)],
            "confirmed": "yes",
        },
    )
    settings = {
        "opens_at": "2026-01-01T09:00",
        "closes_at": "2030-01-01T09:00",
        "capacity": "1",
        "waitlist_enabled": "y",
        "moderation": "automatic",
        "questions": ["gender"],
        "privacy_notice": "New notice",
        "retention_days": "90",
    }
    response = client.submit(f"/manage/events/{event.slug}/registration", settings)
    assert response.status_code == 422
    assert "2 participants are already confirmed" in response.get_data(as_text=True)
    assert (
        client.submit(
            f"/manage/events/{event.slug}/registration", {**settings, "capacity": "5"}
        ).status_code
        == 302
    )
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "version 2" in page


def test_the_registration_table_uses_constant_queries(app, client, event, organiser, count_queries):
    register(app, event, "a@ngo.example")
    few = count_queries(lambda: client.get(f"/manage/events/{event.slug}/registrations"))
    register(app, event, *(f"p{n}@ngo.example" for n in range(25)))
    many = count_queries(lambda: client.get(f"/manage/events/{event.slug}/registrations"))
    assert few == many


def test_exports_neutralise_formulas_and_are_recorded(app, client, event, organiser):
    register(
        app,
        event,
        "a@ngo.example",
        full_name='=HYPERLINK("https://evil.example")',
        job_title="+1 cell",
        accessibility_needs="@SUM(A1)",
    )
    url = f"/manage/events/{event.slug}/registrations/export"
    response = client.submit(
        url,
        {
            "columns": ["full_name", "job_title", "accessibility_needs", "status"],
            "file_format": "csv",
            "status": "",
        },
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    # Columns come in the export's fixed order, whatever the order they were ticked in.
    assert rows[0] == ["Full name", "Job title", "Status", "Accessibility needs"]
    assert rows[1] == [
        '\'=HYPERLINK("https://evil.example")',
        "'+1 cell",
        "Awaiting approval",
        "'@SUM(A1)",
    ]

    response = client.submit(
        url, {"columns": ["full_name", "email"], "file_format": "xlsx", "status": "pending"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["Full name", "Email address"],
        ['=HYPERLINK("https://evil.example")', "a@ngo.example"],
    ]
    # Text, not a formula (tests/registrations/test_xlsx_exports.py checks how it is shown).
    assert sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix

    with app.app_context():
        records = db.session.scalars(
            sa.select(RegistrationExport).order_by(RegistrationExport.id)
        ).all()
    assert [(r.user_id, r.file_format, r.columns, r.row_count) for r in records] == [
        (organiser.id, "csv", ["full_name", "job_title", "status", "accessibility_needs"], 1),
        (organiser.id, "xlsx", ["full_name", "email"], 1),
    ]
    assert "2 rows" not in client.get(url).get_data(as_text=True)
    assert "1 row, Excel (.xlsx): Full name and Email address" in client.get(url).get_data(
        as_text=True
    )


def test_an_export_needs_a_column(client, event, organiser):
    response = client.submit(
        f"/manage/events/{event.slug}/registrations/export", {"file_format": "csv"}
    )
    assert response.status_code == 422
    assert "Tick at least one column." in response.get_data(as_text=True)


def status_change(client, event, registration_id, status, reason="Because"):
    url = f"/manage/events/{event.slug}/registrations/{registration_id}"
    return client.submit(
        f"{url}/status", {"status": status, "reason": reason}, follow_redirects=True
    )


def test_organisers_put_back_to_pending_but_never_cancel_for_the_participant(
    app, client, event, organiser, outbox
):
    register(app, event, "leila@ngo.example")
    [registration] = registrations(app, event)
    status_change(client, event, registration.id, "declined")
    page = status_change(client, event, registration.id, "pending").get_data(as_text=True)
    assert "The registration is now: Awaiting approval" in page
    assert outbox[-1]["Subject"].startswith("We received your registration")
    detail = client.get(f"/manage/events/{event.slug}/registrations/{registration.id}")
    offered = re.findall(r'<option[^>]*value="(\w+)"', detail.get_data(as_text=True))
    # Neither the status it has nor the one only participants choose.
    assert offered == ["confirmed", "waitlisted", "declined"]
    for status in ("cancelled", "pending", "bogus"):
        refused = status_change(client, event, registration.id, status).get_data(as_text=True)
        assert "Choose one of the statuses offered for this registration." in refused
    assert registrations(app, event)[0].status is RegistrationStatus.PENDING


def test_the_waiting_list_is_offered_only_while_it_is_on(app, client, event, organiser):
    configure(app, event, waitlist_enabled=False)
    register(app, event, "leila@ngo.example")
    [registration] = registrations(app, event)
    detail = client.get(f"/manage/events/{event.slug}/registrations/{registration.id}")
    assert 'value="waitlisted"' not in detail.get_data(as_text=True)
    table = client.get(f"/manage/events/{event.slug}/registrations").get_data(as_text=True)
    assert 'value="waitlisted"' not in table.split('id="bulk-status"')[1].split("</select>")[0]
    assert 'value="cancelled"' not in table.split('id="bulk-status"')[1].split("</select>")[0]


def test_an_erased_registration_is_final(app, client, event, organiser, outbox):
    register(app, event, "leila@ngo.example", "omar@ngo.example")
    erased, other = registrations(app, event)
    detail = f"/manage/events/{event.slug}/registrations/{erased.id}"
    client.submit(f"{detail}/erase")
    outbox.clear()
    page = status_change(client, event, erased.id, "waitlisted").get_data(as_text=True)
    assert "the registration can no longer change" in page
    bulk = client.submit(
        f"/manage/events/{event.slug}/registrations/bulk",
        {
            "status": "confirmed",
            "registration_id": [str(erased.id), str(other.id)],
            "confirmed": "yes",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "1 registration changed." in bulk and "can no longer change" in bulk
    assert client.submit(detail, {"internal_notes": "Called her"}).status_code == 409
    shown = client.get(detail).get_data(as_text=True)
    assert "Change the status" not in shown and "Erase the data" not in shown
    assert client.submit(f"{detail}/erase").status_code == 409
    erased, other = registrations(app, event)
    assert erased.status is RegistrationStatus.CANCELLED and erased.internal_notes is None
    assert other.status is RegistrationStatus.CONFIRMED
    assert [message["To"] for message in outbox] == ["omar@ngo.example"]
    # Nor does asking for the link again at the erased address write to it.
    app.test_client().submit(f"/events/{event.slug}/register/link", {"email": erased.email})
    assert [message["To"] for message in outbox] == ["omar@ngo.example"]


def test_a_waiting_registration_anonymised_on_schedule_never_gets_a_seat(
    app, client, event, organiser, outbox
):
    from consultation.privacy.services import anonymise

    register(app, event, "a@ngo.example", "b@ngo.example")
    first, second = registrations(app, event)
    status_change(client, event, first.id, "confirmed")
    status_change(client, event, second.id, "waitlisted")
    with app.app_context():
        anonymise(Registration.id == second.id)
        db.session.commit()
    outbox.clear()
    status_change(client, event, first.id, "declined")
    assert registrations(app, event)[1].status is RegistrationStatus.WAITLISTED
    assert [message["To"] for message in outbox] == ["a@ngo.example"]


def seats_taken(app, event):
    with app.app_context():
        return db.session.get(RegistrationSettings, event.id).confirmed_count


def test_moving_people_to_the_waiting_list_does_not_give_them_their_seat_back(
    app, client, event, organiser, outbox
):
    register(app, event, "a@ngo.example", "b@ngo.example")
    first, second = registrations(app, event)
    status_change(client, event, first.id, "confirmed")
    status_change(client, event, first.id, "waitlisted")
    assert registrations(app, event)[0].status is RegistrationStatus.WAITLISTED
    assert seats_taken(app, event) == 0

    status_change(client, event, first.id, "confirmed")
    status_change(client, event, second.id, "waitlisted")
    outbox.clear()
    # Declining the confirmed one frees a seat for the waiting list, once.
    client.submit(
        f"/manage/events/{event.slug}/registrations/bulk",
        {"status": "declined", "registration_id": [str(first.id)], "confirmed": "yes"},
    )
    assert [r.status for r in registrations(app, event)] == [
        RegistrationStatus.DECLINED,
        RegistrationStatus.CONFIRMED,
    ]
    assert sorted(m["Subject"].split(":")[0] for m in outbox) == [
        "A place is now yours",
        "Your registration was not accepted",
    ]
    assert seats_taken(app, event) == 1


def test_a_bulk_action_never_promotes_the_people_it_moves(app, client, event, organiser, outbox):
    register(app, event, "a@ngo.example", "b@ngo.example")
    first, second = registrations(app, event)
    status_change(client, event, first.id, "confirmed")
    status_change(client, event, second.id, "waitlisted")
    outbox.clear()
    client.submit(
        f"/manage/events/{event.slug}/registrations/bulk",
        {
            "status": "waitlisted",
            "registration_id": [str(first.id), str(second.id)],
            "confirmed": "yes",
        },
    )
    assert [r.status for r in registrations(app, event)] == [RegistrationStatus.WAITLISTED] * 2
    assert [m["Subject"].split(":")[0] for m in outbox] == ["You are on the waiting list"]
    assert seats_taken(app, event) == 0


def demo_time_zones() -> list[str]:
    """Every zone the demo consultation and the scale demo hold events in."""
    from benchmarks.scale_data import REGIONS

    cities = (
        city for _weight, _code, hosts, _countries, _languages in REGIONS.values() for city in hosts
    )
    return sorted({"Europe/Istanbul", *(city.timezone for city in cities)})


@pytest.mark.parametrize(
    ("zone", "opens", "closes"),
    [
        *(
            (zone, datetime(2026, 11, 2, 9, 0), datetime(2027, 2, 15, 21, 0))
            for zone in demo_time_zones()
        ),
        # Across the clocks going forward (Europe/Paris, 28 March 2027) and back (Beirut, October).
        ("Europe/Paris", datetime(2027, 3, 1, 9, 0), datetime(2027, 4, 15, 21, 0)),
        ("Asia/Beirut", datetime(2027, 9, 1, 9, 0), datetime(2027, 11, 15, 21, 0)),
    ],
)
def test_saving_unchanged_settings_keeps_the_registration_window(
    app, client, make_event, make_user, add_to_team, zone, opens, closes
):
    event = make_event(timezone=zone)
    organiser = make_user(Role.ORGANISER)
    add_to_team(event, organiser)
    client.login(organiser.email)
    local = ZoneInfo(zone)
    configure(
        app,
        event,
        opens_at=opens.replace(tzinfo=local).astimezone(UTC),
        closes_at=closes.replace(tzinfo=local).astimezone(UTC),
    )
    page = f"/manage/events/{event.slug}/registration"
    values = unchanged_form(client, page)
    # Shown on the event's wall clock.
    assert datetime.fromisoformat(values["closes_at"]) == closes
    for _save in range(2):
        assert client.submit(page, unchanged_form(client, page)).status_code == 302
    with app.app_context():
        settings = db.session.get(RegistrationSettings, event.id)
        assert settings.opens_at == opens.replace(tzinfo=local).astimezone(UTC)
        assert settings.closes_at == closes.replace(tzinfo=local).astimezone(UTC)
