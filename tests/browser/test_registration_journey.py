"""A participant registers from the event page and manages the registration through the
emailed link; an organiser approves it."""

from playwright.sync_api import Page, expect

from consultation.accounts.models import Role
from consultation.registrations.models import Moderation
from tests.browser.test_organiser_journey import choose, sign_in
from tests.helpers import link_in
from tests.test_registrations import configure


def test_register_manage_and_get_approved(
    page: Page, app, make_user, make_event, add_to_team, make_organisation, outbox
):
    event = make_event()
    make_organisation("Amel Association", "AMEL")
    configure(app, event, capacity=10, moderation=Moderation.APPROVAL)

    page.goto(f"/events/{event.slug}")
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Full name").fill("Leila Mansour")
    page.get_by_label("Email address", exact=True).fill("leila@ngo.example")
    choose(page, "Organisation", "Amel Association (AMEL)")
    choose(page, "Country where you work", "Lebanon")
    page.get_by_label("Accessibility needs").fill("Step-free access")
    page.get_by_label("I agree to the processing of my data").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    [received] = outbox
    assert received["Subject"].startswith("We received your registration")
    page.goto(link_in(received))
    expect(page.get_by_text("Awaiting approval")).to_be_visible()
    page.get_by_label("Job title").fill("Protection officer")
    page.get_by_role("button", name="Save my changes").click()
    expect(page.get_by_text("Your registration is updated.")).to_be_visible()

    organiser = make_user(Role.ORGANISER)
    add_to_team(event, organiser)
    page.context.clear_cookies()
    sign_in(page, organiser.email)
    page.goto(f"/manage/events/{event.slug}/registrations")
    page.get_by_role("link", name="Leila Mansour").click()
    expect(page.get_by_text("Step-free access")).to_be_visible()
    choose(page, "New status", "Confirmed")
    page.get_by_label("Reason").fill("Selected by the committee")
    page.get_by_role("button", name="Change and email the participant").click()
    expect(page.get_by_text("Selected by the committee")).to_be_visible()
    assert outbox[-1]["Subject"].startswith("Your place is confirmed")
