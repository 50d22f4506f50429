"""A participant registers from the event page, gets the confirmation by email and cancels
through the emailed link, in English and in Arabic; an organiser approves a registration.

The Arabic journey finds labels and buttons by their text in the Arabic catalogue, so it
fails when a string of the journey is left untranslated or its translation changes shape.
"""

import time

import flask_babel
import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from consultation.accounts.models import Role
from consultation.i18n import LANGUAGE_NAMES
from consultation.registrations.models import Moderation
from tests.browser.helpers import choose, sign_in
from tests.factories import configure
from tests.helpers import link_in, shown

# Slow (a browser each): `make test` and CI run them; `pytest -m "not browser"` skips them.
pytestmark = pytest.mark.browser


def t(app: Flask, language: str, message: str, **variables) -> str:
    """The message as the catalogue of ``language`` gives it (the compiled .mo files)."""
    with app.test_request_context(), flask_babel.force_locale(language):
        return flask_babel.gettext(message, **variables)


def text_of(message) -> str:
    """The text part as a reader sees it: without the isolates around names and titles."""
    return shown(message.get_body(preferencelist=("plain",)).get_content())


def sent(outbox: list, count: int = 1) -> list:
    """The outbox once it holds ``count`` emails: a registration is made after the response
    (the same for a known address), so the page can show before the email is written."""
    deadline = time.monotonic() + 10
    while len(outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return outbox


@pytest.mark.parametrize("language", ["en", "ar"])
def test_register_get_the_confirmation_and_cancel(
    page: Page, app, make_event, make_organisation, outbox, language
):
    event = make_event()
    make_organisation("Amel Association", "AMEL")
    configure(app, event, capacity=10, moderation=Moderation.AUTOMATIC)

    def _(message: str, **variables) -> str:
        return t(app, language, message, **variables)

    page.goto(f"/events/{event.slug}")
    if language != "en":
        # The participant chooses the language with the switcher in the navigation.
        page.get_by_role("button", name=LANGUAGE_NAMES[language], exact=True).click()
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")

    page.get_by_role("link", name=_("Register"), exact=True).click()
    page.get_by_label(_("Full name"), exact=True).fill("Leila Mansour")
    page.get_by_label(_("Email address"), exact=True).fill("leila@ngo.example")
    page.get_by_label(_("Organisation"), exact=True).select_option(label="Amel Association (AMEL)")
    page.get_by_label(_("Country where you work"), exact=True).select_option("LB")
    page.get_by_label(_("Accessibility needs"), exact=True).fill("Step-free access")
    page.get_by_label(
        _(
            "I agree to the processing of my data as described in the privacy notice"
            " (version %(version)d).",
            version=1,
        )
    ).check()
    page.get_by_role("button", name=_("Register"), exact=True).click()
    expect(page.get_by_role("heading", name=_("Check your inbox"))).to_be_visible()
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")

    # The confirmation, in the language the participant chose.
    [confirmation] = sent(outbox)
    assert confirmation["Subject"] == _("Your place is confirmed: %(event)s", event=event.title)
    # The address is not confirmed yet: the email greets without the name typed on the form.
    assert text_of(confirmation).startswith(_("Hello,"))
    assert "Leila Mansour" not in text_of(confirmation)
    html_part = confirmation.get_body(preferencelist=("html",)).get_content()
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html_part

    page.goto(link_in(confirmation))
    expect(html).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", name=_("Your registration"), exact=True)).to_be_visible()
    expect(page.get_by_text(_("Confirmed"), exact=True)).to_be_visible()

    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name=_("Cancel my registration")).click()
    expect(
        page.get_by_text(_("Your registration is cancelled. We have sent you a confirmation."))
    ).to_be_visible()
    assert questions == [_("Cancel your registration? Your place will be given to someone else.")]
    expect(page.get_by_text(_("Cancelled"), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=_("Cancel my registration"))).to_have_count(0)
    assert outbox[-1]["Subject"] == _(
        "Your registration is cancelled: %(event)s", event=event.title
    )


def test_an_organiser_approves_a_registration(
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

    [received] = sent(outbox)
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
