"""An organiser sets up a whole edition in the browser; a visitor finds it and its agenda."""

import icalendar
import pytest
from playwright.sync_api import Page, expect

from consultation.accounts.models import Role
from consultation.events.models import EventStatus
from tests.browser.helpers import choose, sign_in

# Slow (a browser each): `make test` and CI run them; `pytest -m "not browser"` skips them.
pytestmark = pytest.mark.browser


def test_an_organiser_builds_and_publishes_an_edition(page: Page, make_user, themes):
    organiser = make_user(Role.ORGANISER, display_name="Olivier Martin")
    make_user(Role.RAPPORTEUR, email="rania@ngo.example", display_name="Rania Khalil")

    sign_in(page, organiser.email)
    page.get_by_role("link", name="My events").click()

    # The directory and the series first.
    page.get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Add an organisation").first.click()
    page.get_by_label("Name", exact=True).fill("International Council of Voluntary Agencies")
    page.get_by_label("Acronym").fill("ICVA")
    choose(page, "Type", "NGO network or consortium")
    page.get_by_role("button", name="Save the organisation").click()
    expect(page.get_by_text("The organisation is saved.")).to_be_visible()

    page.goto("/manage/series/new")
    page.get_by_label("Name", exact=True).fill("IOM–NGO Humanitarian Consultations")
    page.get_by_label("Code").fill("MENA")
    page.get_by_role("button", name="Create the series").click()

    # The edition.
    page.get_by_label("Title", exact=True).fill("Regional Humanitarian Consultation — MENA")
    choose(page, "Series", "IOM–NGO Humanitarian Consultations")
    page.get_by_label("Edition year").fill("2027")
    page.get_by_label("City").fill("Istanbul")
    choose(page, "Country", "Türkiye")
    page.get_by_label("First day").fill("2027-05-11")
    page.get_by_label("Last day").fill("2027-05-13")
    choose(page, "Time zone", "Europe/Istanbul")
    page.get_by_role("button", name="Save the event").click()
    expect(page.get_by_text("The event is created as a draft.")).to_be_visible()

    page.get_by_role("link", name="Partners", exact=True).click()
    choose(page, "Organisation", "International Council of Voluntary Agencies (ICVA)")
    choose(page, "Role", "Co-organiser")
    page.get_by_role("button", name="Add the partner").click()
    expect(page.get_by_text("The partner is added.")).to_be_visible()

    page.get_by_role("link", name="Themes", exact=True).click()
    page.get_by_label("Humanitarian access").check()
    page.get_by_label("Duty of care").check()
    page.get_by_role("button", name="Save the themes").click()

    page.get_by_role("link", name="Team", exact=True).click()
    page.get_by_label("Email address of their account").fill("rania@ngo.example")
    choose(page, "Role on this event", "Rapporteur")
    page.get_by_role("button", name="Add to the team").click()
    expect(page.get_by_role("button", name="Remove Rania Khalil")).to_be_visible()

    page.get_by_role("link", name="Add a session", exact=True).first.click()
    page.get_by_label("Title", exact=True).fill("Opening: safe access in high-risk environments")
    choose(page, "Kind", "Opening")
    page.get_by_label("Starts at").fill("09:00")
    page.get_by_label("Ends at").fill("09:45")
    page.get_by_label("Room").fill("Marmara Hall")
    page.get_by_label("Humanitarian access").check()
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_text("The session is added to the agenda.")).to_be_visible()
    page.get_by_label("Name of an external speaker").fill("Daniel Moreau")
    page.get_by_role("button", name="Add to the session").click()
    expect(page.get_by_text("The person is added to the session.")).to_be_visible()

    page.get_by_role("link", name="Add a session", exact=True).first.click()
    page.get_by_label("Title", exact=True).fill("Working group: duty of care for local partners")
    choose(page, "Kind", "Working group")
    page.get_by_label("Day").select_option(value="2027-05-12")
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("11:30")
    page.get_by_label("Duty of care").check()
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_text("The session is added to the agenda.")).to_be_visible()

    page.get_by_role("link", name="Overview").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The event is published")).to_be_visible()

    # A visitor, signed out, finds it and adds it to a calendar.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/events?region=mena")
    page.get_by_role("link", name="Regional Humanitarian Consultation — MENA").click()
    expect(page.get_by_text("International Council of Voluntary Agencies")).to_be_visible()
    page.get_by_role("link", name="See the agenda").click()
    expect(
        page.get_by_role("link", name="Opening: safe access in high-risk environments")
    ).to_be_visible()
    expect(page.get_by_text("Daniel Moreau")).to_be_visible()
    expect(
        page.get_by_role("link", name="Working group: duty of care for local partners")
    ).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Add the whole agenda to my calendar (.ics)").click()
    calendar = icalendar.Calendar.from_ical(download.value.path().read_bytes())
    opening, working_group = calendar.walk("VEVENT")
    assert str(opening["summary"]) == "Opening: safe access in high-risk environments"
    assert opening["dtstart"].params["TZID"] == "Europe/Istanbul"
    assert str(working_group["summary"]) == "Working group: duty of care for local partners"
    assert working_group["dtstart"].dt.isoformat() == "2027-05-12T10:00:00+03:00"


def test_deleting_asks_first(page: Page, make_user, make_event, add_to_team, app):
    organiser = make_user(Role.ORGANISER)
    event = make_event(status=EventStatus.DRAFT)
    add_to_team(event, organiser)
    sign_in(page, organiser.email)
    page.goto(f"/manage/events/{event.slug}")
    messages = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Publish").click()
    assert "Publish this event?" in messages[0]
    expect(page.locator(".status-draft").first).to_be_visible()
