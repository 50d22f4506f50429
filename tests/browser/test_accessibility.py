"""Every public page and the main organiser pages, in English and in Arabic, pass axe-core's
WCAG 2.2 A and AA rules: the test fails on each serious or critical violation, naming the
page, the rule and the elements.

The data is the demo consultation (partners, themes, a three-day agenda with speakers, open
registration with dozens of registrations, published outcomes), so the pages are as full as
they get in real use. axe-core is vendored under static/vendor/axe-core/ by
scripts/vendor-assets and injected by the test only; no template links it.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page

from consultation import PROJECT_ROOT
from consultation.accounts.models import Role
from consultation.agenda.models import Session, SessionSpeaker
from consultation.db import db, now_utc
from consultation.demo import DEMO_EVENT_SLUG, seed_demo
from consultation.events.models import Event
from consultation.outcomes.models import Commitment, ReviewStatus, SessionOutcome
from consultation.registrations.links import management_url, new_management_token
from consultation.registrations.models import Registration, RegistrationSettings
from tests.helpers import PASSWORD

# Slow (a browser each): `make test` and CI run them; `pytest -m "not browser"` skips them.
pytestmark = pytest.mark.browser

AXE = PROJECT_ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
REPORTED_IMPACTS = {"serious", "critical"}
LANGUAGES = ["en", "ar"]


@dataclass(frozen=True)
class Pages:
    """The addresses of one of each kind of page, in the demo consultation."""

    event: str
    session_id: int
    outcome_session_id: int
    registration_id: int
    manage_registration: str
    organiser_email: str
    # A commitment of the previous edition with its owner's contacts and updates
    follow_up_commitment_id: int


def build_pages(app: Flask, make_user, add_to_team, language: str) -> Pages:
    with app.app_context():
        seed_demo()
        event = db.session.scalar(sa.select(Event).where(Event.slug == DEMO_EVENT_SLUG))
        # The demo's registration window has fixed dates; keep it open whatever today is.
        settings = db.session.get(RegistrationSettings, event.id)
        settings.opens_at = now_utc() - timedelta(days=1)
        settings.closes_at = now_utc() + timedelta(days=30)
        session_id = db.session.scalar(
            sa.select(Session.id)
            .join(SessionSpeaker)
            .where(Session.event_id == event.id)
            .order_by(Session.starts_at, Session.id)
            .limit(1)
        )
        outcome_session_id = db.session.scalar(
            sa.select(SessionOutcome.session_id)
            .where(
                SessionOutcome.event_id == event.id,
                SessionOutcome.review_status == ReviewStatus.PUBLISHED,
            )
            .order_by(SessionOutcome.session_id)
            .limit(1)
        )
        registration = db.session.scalar(
            sa.select(Registration)
            .where(Registration.event_id == event.id)
            .order_by(Registration.id)
            .limit(1)
        )
        follow_up_commitment_id = db.session.scalar(
            sa.select(Commitment.id).where(Commitment.reference == "MENA-2026-C05")
        )
        # The link the participant was emailed: only its hash is stored, so issue a new one.
        manage_registration = management_url(registration, new_management_token(registration))
        db.session.commit()
        db.session.refresh(event)
        db.session.expunge(event)
        pages = Pages(
            event=event.slug,
            session_id=session_id,
            outcome_session_id=outcome_session_id,
            registration_id=registration.id,
            manage_registration=manage_registration.removeprefix(app.config["BASE_URL"]),
            organiser_email="a11y-organiser@example.org",
            follow_up_commitment_id=follow_up_commitment_id,
        )
    organiser = make_user(Role.ORGANISER, email=pages.organiser_email, language=language)
    add_to_team(event, organiser)
    return pages


def serious_violations(page: Page) -> list[str]:
    page.add_script_tag(path=AXE)
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_TAGS,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "\n".join("      " + " ".join(map(str, node["target"])) for node in violation["nodes"])
        for violation in results["violations"]
        if violation["impact"] in REPORTED_IMPACTS
    ]


def public_pages(pages: Pages) -> dict[str, str]:
    event = f"/events/{pages.event}"
    return {
        "event list": "/",
        "event page": event,
        "agenda": f"{event}/agenda",
        "session page": f"{event}/sessions/{pages.session_id}",
        "registration form": f"{event}/register",
        "privacy notice": f"{event}/privacy-notice",
        "managing a registration": pages.manage_registration,
        "sign-up": "/signup",
        "forgot password": "/password/forgot",
        "sign-in": "/login",
        "you said, we did": "/series/MENA/follow-up",
    }


def organiser_pages(pages: Pages) -> dict[str, str]:
    manage = f"/manage/events/{pages.event}"
    return {
        "dashboard": "/manage/",
        "event overview and agenda": manage,
        "event form": f"{manage}/edit",
        "partners": f"{manage}/partners",
        "event themes": f"{manage}/themes",
        "team": f"{manage}/team",
        "session form (new)": f"{manage}/sessions/new",
        "session form (with speakers)": f"{manage}/sessions/{pages.session_id}/edit",
        "registrations": f"{manage}/registrations",
        "registration detail": f"{manage}/registrations/{pages.registration_id}",
        "registration settings": f"{manage}/registration",
        "new organisations": f"{manage}/organisations/",
        "outcomes overview": f"{manage}/outcomes/",
        "session outcomes": f"{manage}/outcomes/sessions/{pages.outcome_session_id}",
        "reports": f"{manage}/reports",
        "theme list": "/manage/themes",
        "organisations": "/manage/organisations/",
        "deleting one's account": "/account/delete",
        "follow-up register": "/manage/series/MENA/follow-up",
        "follow-up register (commitments)": "/manage/series/MENA/follow-up?kind=commitments",
        "follow-up of a commitment": f"/manage/follow-up/commitments/{pages.follow_up_commitment_id}",
        "reminder settings": "/manage/series/MENA/follow-up/reminders",
    }


def reflow_violations(page: Page) -> list[str]:
    """WCAG 1.4.10 (reflow), which axe does not check: on a 320 CSS px wide screen the page
    does not scroll sideways (a wide table may, inside its own box)."""
    width, viewport = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if width <= viewport:
        return []
    return [f"reflow: the page is {width} px wide in a {viewport} px wide window"]


NARROW_WIDTH = 320
# Pages whose tables, lists and rows of buttons change most on a phone; they are checked again
# at 320 px, where the menu collapses and wide tables scroll.
NARROW_PAGES = (
    "event list",
    "agenda",
    "dashboard",
    "event overview and agenda",
    "team",
    "registrations",
    "outcomes overview",
    "reports",
    "theme list",
    "organisations",
    "registration form",
    "session outcomes",
    "you said, we did",
    "follow-up register",
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_have_no_serious_accessibility_violations(
    chromium, live_server, app, make_user, add_to_team, language
):
    pages = build_pages(app, make_user, add_to_team, language)
    # The browser asks for the language; axe's injected script needs the CSP bypassed.
    context = chromium.new_context(base_url=live_server, locale=language, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    failures: dict[str, list[str]] = {}

    def audit(name: str, path: str | None = None) -> None:
        if path is not None:
            response = page.goto(path)
            assert response is not None and response.ok, (path, response and response.status)
        assert page.locator("html").get_attribute("lang") == language, name
        violations = serious_violations(page)
        if page.viewport_size["width"] <= NARROW_WIDTH:
            violations += reflow_violations(page)
        if violations:
            failures[name] = violations

    public = public_pages(pages)
    for name, path in public.items():
        audit(name, path)
    page.goto(public["registration form"])
    page.locator("#main form[novalidate]").first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible()
    audit("registration form submitted empty")

    page.goto("/login")
    page.locator("#email").fill(pages.organiser_email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#main form button[type=submit]").click()
    page.wait_for_url(lambda url: not url.endswith("/login"))
    organiser = organiser_pages(pages)
    for name, path in organiser.items():
        audit(name, path)

    page.set_viewport_size({"width": NARROW_WIDTH, "height": 720})
    every_page = {**public, **organiser}
    for name in NARROW_PAGES:
        audit(f"{name} at {NARROW_WIDTH} px", every_page[name])
    page.locator(".navbar-toggler").click()
    page.locator("#main-nav.show").wait_for()
    audit(f"menu opened at {NARROW_WIDTH} px")
    context.close()

    assert not failures, "Serious or critical WCAG violations (axe-core):\n" + "\n".join(
        f"  [{language}] {name}:\n" + "\n".join(f"    {line}" for line in violations)
        for name, violations in failures.items()
    )
