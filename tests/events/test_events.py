from datetime import date

import pytest

from consultation.accounts.models import Role
from consultation.events.models import EventStatus, TeamRole


def test_the_home_page_lists_published_events_only(client, make_event):
    make_event(title="Published consultation")
    make_event(title="Secret draft", status=EventStatus.DRAFT)
    page = client.get("/").get_data(as_text=True)
    assert "Published consultation" in page
    assert "Secret draft" not in page


def test_coming_events_come_first_soonest_first(client, make_event):
    make_event(title="Past edition", start_date=date(2019, 5, 1), end_date=date(2019, 5, 2))
    make_event(title="Later edition", start_date=date(2031, 5, 1), end_date=date(2031, 5, 2))
    make_event(title="Next edition", start_date=date(2030, 5, 1), end_date=date(2030, 5, 2))
    page = client.get("/").get_data(as_text=True)
    assert page.index("Next edition") < page.index("Later edition") < page.index("Past edition")


def test_the_home_page_says_what_to_do_when_nothing_is_published(client):
    assert "No consultation is published yet." in client.get("/").get_data(as_text=True)


def test_the_event_page_shows_dates_place_and_contact(client, make_event):
    event = make_event(contact_email="contact@ngo.example", summary="Access and duty of care.")
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert event.title in page
    assert "Jordan" in page
    assert "March 1, 2027" in page
    assert "contact@ngo.example" in page
    assert "Asia/Amman" in page


@pytest.mark.parametrize("role", [None, Role.PARTICIPANT, Role.RAPPORTEUR, Role.POLICY])
def test_a_draft_event_is_a_404_outside_the_organisers(client, make_event, make_user, role):
    event = make_event(status=EventStatus.DRAFT)
    if role:
        client.login(make_user(role).email)
    assert client.get(f"/events/{event.slug}").status_code == 404


@pytest.mark.parametrize("team_role", [TeamRole.ORGANISER, TeamRole.RAPPORTEUR, TeamRole.POLICY])
def test_the_team_can_preview_a_draft(client, make_event, make_user, add_to_team, team_role):
    event = make_event(status=EventStatus.DRAFT)
    user = make_user(Role.ORGANISER)
    add_to_team(event, user, team_role)
    client.login(user.email)
    response = client.get(f"/events/{event.slug}")
    assert response.status_code == 200
    assert "This event is a draft" in response.get_data(as_text=True)


def test_administrators_can_preview_any_draft(client, make_event, make_user):
    event = make_event(status=EventStatus.DRAFT)
    client.login(make_user(Role.ADMIN).email)
    assert client.get(f"/events/{event.slug}").status_code == 200


def test_an_organiser_of_another_event_gets_a_404_on_a_draft(client, make_event, make_user):
    event = make_event(status=EventStatus.DRAFT)
    client.login(make_user(Role.ORGANISER).email)
    assert client.get(f"/events/{event.slug}").status_code == 404


def test_an_unknown_event_is_a_404_in_the_application_look(client):
    response = client.get("/events/no-such-event")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Skip to main content" in page
    assert "Go to the list of events" in page
