"""An organiser reports progress on a commitment from the register, the policy team
publishes it, and the public "You said, we did" page shows it, right to left in Arabic."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from consultation.db import db
from consultation.outcomes.models import ReviewStatus, SessionOutcome
from tests.browser.helpers import choose, sign_in

pytestmark = pytest.mark.browser


def test_an_update_goes_from_the_register_to_the_public_page(page: Page, app, series_world):
    with app.app_context():
        for outcome in db.session.scalars(sa.select(SessionOutcome)):
            outcome.review_status = ReviewStatus.PUBLISHED
        db.session.commit()
    reference = series_world.references["c26_overdue"]

    sign_in(page, series_world.users["organiser"].email)
    page.goto("/manage/series/MENA/follow-up")
    page.get_by_role("link", name="Commitments").click()
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=reference).click()
    page.get_by_label("Date of the update").fill("2026-11-20")
    choose(page, "Status", "In progress")
    choose(page, "Progress (self-assessment)", "3 — half-way")
    page.get_by_label("What was done").fill("Detention sites mapped in **two** countries.")
    page.get_by_role("button", name="Save the update").click()
    expect(page.get_by_text("the policy team publishes it after review")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, series_world.users["policy"].email)
    page.goto("/manage/series/MENA/follow-up?kind=commitments&review=1")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("The update is published.")).to_be_visible()

    page.context.clear_cookies()
    page.goto("/series/MENA/follow-up")
    page.get_by_role("button", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    article = page.locator("article", has_text=reference)
    expect(article.locator("strong", has_text="two")).to_be_visible()
    expect(article.get_by_text("3/5")).to_be_visible()
