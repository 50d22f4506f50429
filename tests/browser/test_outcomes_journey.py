"""A rapporteur records a session's outcomes, a policy officer approves and publishes them,
and the outcome report downloads as a PDF that holds them."""

from datetime import UTC, datetime

import pypdf
import pytest
from playwright.sync_api import Page, expect

from consultation.accounts.models import Role
from consultation.agenda.models import Attribution, Session, SessionKind
from consultation.db import db
from consultation.events.models import TeamRole
from tests.browser.helpers import choose, sign_in

# Slow (a browser each): `make test` and CI run them; `pytest -m "not browser"` skips them.
pytestmark = pytest.mark.browser


def test_record_review_and_download_the_outcome_report(
    page: Page, app, make_user, make_event, add_to_team
):
    event = make_event(title="Regional consultation on access")
    with app.app_context():
        session = Session(
            event_id=event.id,
            title="Access to detention centres",
            kind=SessionKind.PANEL,
            starts_at=datetime(2027, 3, 1, 7, tzinfo=UTC),
            ends_at=datetime(2027, 3, 1, 8, tzinfo=UTC),
            attribution=Attribution.CHATHAM_HOUSE,
        )
        db.session.add(session)
        db.session.commit()
        session_id = session.id
    rapporteur, policy = make_user(Role.RAPPORTEUR), make_user(Role.POLICY)
    add_to_team(event, rapporteur, TeamRole.RAPPORTEUR)
    add_to_team(event, policy, TeamRole.POLICY)

    sign_in(page, rapporteur.email)
    page.goto("/manage/")
    page.get_by_role("link", name="Regional consultation on access").click()
    page.get_by_role("link", name="Access to detention centres").click()
    page.get_by_label("Summary of the session").fill("Access is **shrinking**.")
    page.get_by_role("button", name="Save the summary").click()
    expect(page.get_by_text("The summary is saved.")).to_be_visible()

    page.get_by_text("Add a recommendation").click()
    page.get_by_label("Recommendation", exact=True).fill("Negotiate monitored access jointly.")
    page.get_by_label("IOM").check()
    choose(page, "Priority", "High")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("-R01")).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("are now In review")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, policy.email)
    page.goto(f"/manage/events/{event.slug}/outcomes/sessions/{session_id}")
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("are now Published")).to_be_visible()
    expect(page.locator("strong", has_text="shrinking")).to_be_visible()

    page.get_by_role("link", name="Reports").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{event.slug}-outcome-public-en.pdf"
    reader = pypdf.PdfReader(download.path())
    text = "\n".join(page_.extract_text() for page_ in reader.pages)
    assert "Negotiate monitored access jointly." in text
    expect(page.get_by_text("Recent exports")).to_be_visible()
