import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consultation.accounts.models import Role
from consultation.db import db, now_utc
from consultation.events.models import Event
from consultation.registrations import seats, services
from consultation.registrations.models import (
    Moderation,
    Registration,
    RegistrationChange,
    RegistrationStatus,
)
from tests.factories import configure, form, registrations
from tests.helpers import CSRF_INPUT, link_in, open_link


@pytest.fixture
def open_event(app, make_event, make_organisation):
    """A published event taking registrations, with automatic confirmation and 2 places."""
    event = make_event()
    make_organisation("Amel Association", "AMEL")
    configure(app, event, capacity=2, moderation=Moderation.AUTOMATIC)
    return event


def test_a_participant_registers_and_is_confirmed_by_email(app, client, open_event, outbox):
    response = client.submit(f"/events/{open_event.slug}/register", form("Leila@NGO.example"))
    assert response.status_code == 200
    assert "Check your inbox" in response.get_data(as_text=True)
    [registration] = registrations(app, open_event)
    assert registration.status is RegistrationStatus.CONFIRMED
    assert registration.email_key == "leila@ngo.example"
    assert registration.accessibility_needs == "Step-free access"
    assert registration.privacy_notice_version == 1
    [message] = outbox
    assert message["Subject"].startswith("Your place is confirmed")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert open_event.title in text and "Amman" in text
    page = open_link(client, link_in(message))
    assert page == f"/registrations/{registration.id}"
    manage = client.get(page)
    assert manage.status_code == 200
    assert "Confirmed" in manage.get_data(as_text=True)
    assert manage.headers["Cache-Control"] == "no-store"


def test_unasked_questions_are_not_stored(app, client, open_event):
    client.submit(
        f"/events/{open_event.slug}/register", form("a@ngo.example", dietary_requirements="Vegan")
    )
    [registration] = registrations(app, open_event)
    assert registration.dietary_requirements is None


def test_a_second_registration_with_the_same_address_answers_the_same(
    app, client, open_event, outbox
):
    first = client.submit(f"/events/{open_event.slug}/register", form("leila@ngo.example"))
    second = client.submit(
        f"/events/{open_event.slug}/register", form(" LEILA@ngo.example ", full_name="Someone else")
    )

    def neutral(response):
        page = re.sub(r"leila@ngo.example", "ADDRESS", response.get_data(as_text=True), flags=re.I)
        return re.sub(r'name="csrf_token" value="[^"]+"', "", page)

    assert neutral(first) == neutral(second)
    [registration] = registrations(app, open_event)
    assert registration.full_name == "Leila Mansour"
    assert [m["Subject"].split(":")[0] for m in outbox] == [
        "Your place is confirmed",
        "Your registration link",
    ]
    # The second email's link replaces the first one once opened; until then both work.
    assert client.get(link_in(outbox[0])).status_code == 303
    assert client.get(link_in(outbox[1]), follow_redirects=True).status_code == 200
    assert client.get(link_in(outbox[0])).status_code == 404
    assert client.get(link_in(outbox[1])).status_code == 303


def test_form_errors_keep_the_values(app, client, open_event):
    response = client.submit(
        f"/events/{open_event.slug}/register", form("not-an-email", consent="")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Registration needs your agreement to the privacy notice." in page
    assert "Enter an email address like name@example.org." in page
    assert 'value="Protection officer"' in page
    assert registrations(app, open_event) == []


def test_an_organisation_must_be_chosen_or_named(app, client, open_event):
    response = client.submit(
        f"/events/{open_event.slug}/register", form("a@ngo.example", new_organisation_name="")
    )
    assert response.status_code == 422
    assert "Choose your organisation, or give its name below." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "window",
    [
        {"opens_at": None},
        {"opens_at": now_utc() + timedelta(days=2)},
        {"closes_at": now_utc() - timedelta(minutes=1)},
    ],
)
def test_closed_registration_shows_a_page_and_refuses_posts(app, client, open_event, window):
    configure(app, open_event, **window)
    page = client.get(f"/events/{open_event.slug}/register")
    assert page.status_code == 200
    assert "Registration is not open" in page.get_data(as_text=True)
    assert (
        client.submit(f"/events/{open_event.slug}/register", form("a@ngo.example")).status_code
        == 403
    )
    assert registrations(app, open_event) == []


def test_full_events_fill_the_waiting_list_and_a_cancellation_promotes_in_order(
    app, client, open_event, outbox
):
    for name in ("first", "second", "third", "fourth"):
        client.submit(f"/events/{open_event.slug}/register", form(f"{name}@ngo.example"))
    statuses = [r.status for r in registrations(app, open_event)]
    assert statuses == [RegistrationStatus.CONFIRMED] * 2 + [RegistrationStatus.WAITLISTED] * 2
    first_link = link_in(outbox[0])
    outbox.clear()

    page = open_link(client, first_link)
    cancelled = client.submit(f"{page}/cancel", follow_redirects=True)
    # The link the participant used still works: they land on their cancelled registration.
    assert cancelled.status_code == 200
    assert "Your registration is cancelled." in cancelled.get_data(as_text=True)
    assert client.get(first_link, follow_redirects=True).status_code == 200
    statuses = [r.status for r in registrations(app, open_event)]
    assert statuses == [
        RegistrationStatus.CANCELLED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    ]
    assert sorted(m["Subject"].split(":")[0] for m in outbox) == [
        "A place is now yours",
        "Your registration is cancelled",
    ]
    assert [m["To"] for m in outbox if m["Subject"].startswith("A place")] == ["third@ngo.example"]


def test_raising_the_capacity_promotes_the_waiting_list(app, client, open_event, outbox):
    for name in ("first", "second", "third"):
        client.submit(f"/events/{open_event.slug}/register", form(f"{name}@ngo.example"))
    with app.app_context():
        seats.set_capacity(db.session.get(Event, open_event.id), 3)
        db.session.commit()
    assert [r.status for r in registrations(app, open_event)] == [RegistrationStatus.CONFIRMED] * 3


def test_the_capacity_cannot_drop_below_the_confirmed(app, client, open_event):
    for name in ("first", "second"):
        client.submit(f"/events/{open_event.slug}/register", form(f"{name}@ngo.example"))
    with app.app_context(), pytest.raises(services.ConsultationError):
        seats.set_capacity(db.session.get(Event, open_event.id), 1)


def test_approval_keeps_registrations_pending_and_organisers_decide(
    app, client, open_event, outbox, make_user
):
    configure(app, open_event, moderation=Moderation.APPROVAL)
    client.submit(f"/events/{open_event.slug}/register", form("leila@ngo.example"))
    [registration] = registrations(app, open_event)
    assert registration.status is RegistrationStatus.PENDING
    assert outbox[-1]["Subject"].startswith("We received your registration")
    organiser = make_user(Role.ORGANISER)
    with app.app_context():
        stored = db.session.get(Registration, registration.id)
        seats.change_status(
            stored,
            RegistrationStatus.DECLINED,
            db.session.get(type(organiser), organiser.id),
            "Outside the region",
        )
        db.session.commit()
        history = db.session.scalars(
            sa.select(RegistrationChange).order_by(RegistrationChange.id)
        ).all()
    assert [(h.from_status, h.to_status) for h in history] == [
        (None, RegistrationStatus.PENDING),
        (RegistrationStatus.PENDING, RegistrationStatus.DECLINED),
    ]
    assert history[-1].actor_id == organiser.id and history[-1].reason == "Outside the region"
    assert outbox[-1]["Subject"].startswith("Your registration was not accepted")


def test_management_links_are_scoped_to_their_registration(app, client, open_event, outbox):
    client.submit(f"/events/{open_event.slug}/register", form("one@ngo.example"))
    client.submit(f"/events/{open_event.slug}/register", form("two@ngo.example"))
    one, two = link_in(outbox[0]), link_in(outbox[1])
    one_id, one_token = one.split("/")[2:4]
    two_id = two.split("/")[2]
    assert client.get(f"/registrations/{two_id}/{one_token}").status_code == 404
    assert client.get(f"/registrations/{one_id}/{one_token[:-2]}xx").status_code == 404
    # The cookie the first link gives opens the first registration's pages only.
    assert open_link(client, one) == f"/registrations/{one_id}"
    assert client.submit(f"/registrations/{two_id}/cancel").status_code == 403
    assert client.get(f"/registrations/{two_id}").status_code == 403
    assert client.get(f"/registrations/{one_id}/event.ics").status_code == 200


def test_a_participant_corrects_their_details(app, client, open_event, outbox):
    client.submit(f"/events/{open_event.slug}/register", form("one@ngo.example"))
    page = open_link(client, link_in(outbox[0]))
    response = client.submit(
        page,
        {**form("ignored@ngo.example"), "full_name": "Leila Mansour-Haddad", "status": "confirmed"},
    )
    assert response.status_code == 302
    [registration] = registrations(app, open_event)
    assert registration.full_name == "Leila Mansour-Haddad"
    assert registration.email == "one@ngo.example"


def test_after_registering_the_page_says_what_happened_the_same_way_every_time(
    app, client, open_event
):
    first = client.submit(f"/events/{open_event.slug}/register", form("leila@ngo.example"))
    again = app.test_client().submit(
        f"/events/{open_event.slug}/register", form("leila@ngo.example")
    )
    pages = [response.get_data(as_text=True) for response in (first, again)]
    for page in pages:
        assert "Check your inbox: we have sent the next steps to" in page
        assert "leila@ngo.example" in page and "can be used here" not in page
    # The second registration of an address looks like the first.
    assert CSRF_INPUT.sub("", pages[0]) == CSRF_INPUT.sub("", pages[1])
    link = app.test_client().submit(
        f"/events/{open_event.slug}/register/link", {"email": "nobody@ngo.example"}
    )
    text = re.sub(r"<[^>]+>", "", link.get_data(as_text=True))
    assert "If nobody@ngo.example is registered for this event" in text


@pytest.mark.parametrize(
    ("moderation", "waitlist", "said"),
    [
        (
            Moderation.AUTOMATIC,
            True,
            "The event is full: new registrations go on the waiting list.",
        ),
        (Moderation.AUTOMATIC, False, "The event is full."),
        (Moderation.APPROVAL, True, "All places are taken. You can still register"),
    ],
)
def test_a_full_event_says_what_happens_to_new_registrations(
    app, client, open_event, moderation, waitlist, said
):
    configure(app, open_event, capacity=0, moderation=moderation, waitlist_enabled=waitlist)
    for page in (f"/events/{open_event.slug}", f"/events/{open_event.slug}/register"):
        text = client.get(page).get_data(as_text=True)
        assert said in text
        if moderation is Moderation.APPROVAL:
            assert "go on the waiting list" not in text


def test_a_closed_registration_offers_neither_the_calendar_nor_cancelling(
    app, client, open_event, outbox
):
    client.submit(f"/events/{open_event.slug}/register", form("leila@ngo.example"))
    manage = open_link(client, link_in(outbox[-1]))
    assert "calendar" in client.get(manage).get_data(as_text=True)
    client.submit(f"{manage}/cancel", headers={"Referer": manage})
    page = client.get(manage).get_data(as_text=True)
    assert "Add the event to my calendar" not in page and "Cancel my registration" not in page
    assert client.get(f"{manage}/event.ics").status_code == 409
    cancelled = outbox[-1].get_body(preferencelist=("plain",)).get_content()
    assert "cancel" not in cancelled.split("\n\n", 2)[2].lower()


def test_the_decline_email_does_not_invite_the_person_to_cancel(app, client, open_event, outbox):
    configure(app, open_event, capacity=0, waitlist_enabled=False)
    client.submit(f"/events/{open_event.slug}/register", form("leila@ngo.example"))
    [message] = outbox
    assert message["Subject"].startswith("Your registration was not accepted")
    for part in ("plain", "html"):
        body = message.get_body(preferencelist=(part,)).get_content()
        assert "cancel" not in body.lower() and "calendar" not in body.lower()
        assert "See your registration" in body


def test_the_event_page_invites_writing_to_the_organisers_only_with_their_address(
    app, client, make_event
):
    without = make_event(contact_email=None)
    page = client.get(f"/events/{without.slug}").get_data(as_text=True)
    assert "Online registration for this consultation will open here." in page
    assert "write to the organisers" not in page
    with_address = make_event(contact_email="mena@consultation.example")
    page = client.get(f"/events/{with_address.slug}").get_data(as_text=True)
    assert "write to the organisers" in page and "mailto:mena@consultation.example" in page
