"""Follow-up updates: organisers write them, the policy team publishes them, and only a
published update moves its item's status and progress."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from consultation.accounts.models import User
from consultation.db import db
from consultation.errors import Conflict
from consultation.follow_up import updates
from consultation.follow_up.models import FollowUpUpdate, UpdateReview
from consultation.follow_up.register import item_or_404
from consultation.outcomes.models import CommitmentStatus, RecommendationStatus


def item_url(world, name: str) -> str:
    kind = "recommendations" if name.startswith("r") else "commitments"
    return f"/manage/follow-up/{kind}/{world.items[name]}"


def stored(app, world, name: str):
    kind = "recommendations" if name.startswith("r") else "commitments"
    with app.app_context():
        item, _event = item_or_404(kind, world.items[name])
        db.session.expunge_all()
        return item


def stored_updates(app) -> list[FollowUpUpdate]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(FollowUpUpdate).order_by(FollowUpUpdate.id)))
        db.session.expunge_all()
        return found


UPDATE = {
    "reported_on": "2026-09-15",
    "status": "in_progress",
    "progress": "3",
    "text": "Sites mapped in **three** countries.",
    "language": "en",
    "evidence_links": "https://example.org/map\n",
}


def test_an_organisers_update_waits_for_the_policy_team_then_moves_the_commitment(
    app, client, series_world
):
    url = item_url(series_world, "c26_overdue")
    client.login(series_world.users["organiser"].email)
    response = client.submit(url + "/updates", UPDATE)
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "the policy team publishes it after review." in page
    assert "Waiting for review" in page and "<strong>three</strong>" in page
    # Not yet: the commitment is as it was, and the organiser cannot publish.
    assert stored(app, series_world, "c26_overdue").status is CommitmentStatus.PLANNED
    [update] = [u for u in stored_updates(app) if u.review is UpdateReview.PENDING]
    review = f"{url}/updates/{update.id}/review"
    assert client.submit(review, {"decision": "publish"}).status_code == 403

    client.submit("/logout")
    client.login(series_world.users["policy"].email)
    assert client.submit(review, {"decision": "publish"}).status_code == 302
    item = stored(app, series_world, "c26_overdue")
    assert (item.status, item.progress) == (CommitmentStatus.IN_PROGRESS, 3)
    [published] = [u for u in stored_updates(app) if u.id == update.id]
    assert published.review is UpdateReview.PUBLISHED
    assert published.previous_status == "planned"
    assert published.reviewed_by_id == series_world.users["policy"].id
    assert published.evidence_links == ["https://example.org/map"]
    page = client.get(url).get_data(as_text=True)
    assert "Planned" in page and 'Reviewed by <bdi dir="ltr">Pierre Policy</bdi>' in page
    # Reviewed once: a second decision is refused, and changes nothing.
    response = client.submit(review, {"decision": "reject", f"review-{update.id}-note": "No"})
    assert response.status_code == 302
    assert "This update has already been reviewed." in client.get(url).get_data(as_text=True)
    assert stored(app, series_world, "c26_overdue").status is CommitmentStatus.IN_PROGRESS


def test_the_policy_teams_own_update_is_published_at_once(app, client, series_world):
    client.login(series_world.users["policy"].email)
    url = item_url(series_world, "r27_protocol")
    response = client.submit(
        url + "/updates",
        {"reported_on": date.today().isoformat(), "status": "accepted", "language": "fr"},
    )
    assert response.status_code == 302
    assert stored(app, series_world, "r27_protocol").status is RecommendationStatus.ACCEPTED
    page = client.get(url).get_data(as_text=True)
    assert "Your update is published at once: you are on the policy team." in page
    # Recommendations have no progress scale.
    assert "Progress (self-assessment)" not in page


def test_not_publishing_needs_a_reason_and_leaves_the_item_as_it_was(app, client, series_world):
    url = item_url(series_world, "r26_access")
    client.login(series_world.users["organiser"].email)
    client.submit(url + "/updates", {**UPDATE, "status": "implemented", "progress": ""})
    client.submit("/logout")
    client.login(series_world.users["policy"].email)
    [update] = stored_updates(app)[1:]
    review = f"{url}/updates/{update.id}/review"
    response = client.submit(review, {"decision": "reject"})
    assert response.status_code == 422
    assert "Say why the update is not published." in response.get_data(as_text=True)
    response = client.submit(
        review, {"decision": "reject", f"review-{update.id}-note": "The decree is not adopted yet."}
    )
    assert response.status_code == 302
    assert stored(app, series_world, "r26_access").status is RecommendationStatus.OPEN
    page = client.get(url).get_data(as_text=True)
    assert "Not published" in page and "The decree is not adopted yet." in page


def test_a_late_update_about_an_earlier_month_does_not_undo_a_newer_one(app, client, series_world):
    url = item_url(series_world, "c26_done")
    client.login(series_world.users["policy"].email)
    # Done in April (the world's update); an update about February comes in later.
    client.submit(url + "/updates", {**UPDATE, "reported_on": "2026-02-01", "progress": "1"})
    item = stored(app, series_world, "c26_done")
    assert (item.status, item.progress) == (CommitmentStatus.DONE, 5)
    assert [u.reported_on for u in item.updates] == [date(2026, 4, 2), date(2026, 2, 1)]


def test_a_bad_update_is_refused_field_by_field_and_kept_as_typed(app, client, series_world):
    url = item_url(series_world, "c26_overdue")
    client.login(series_world.users["organiser"].email)
    before = len(stored_updates(app))
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    cases = [
        ({**UPDATE, "reported_on": tomorrow}, "The date of an update cannot be in the future."),
        ({**UPDATE, "evidence_links": "javascript:alert(1)"}, "is not a web address"),
        (
            {"reported_on": "2026-09-15", "status": "", "progress": "", "text": "  "},
            "Say what changed: a status, the progress or a text.",
        ),
        ({**UPDATE, "status": "implemented"}, "Not a valid choice."),
        ({**UPDATE, "reported_on": "15/09/2026"}, "Enter a date as YYYY-MM-DD."),
        ({**UPDATE, "progress": "9"}, "Not a valid choice."),
    ]
    for data, message in cases:
        response = client.submit(url + "/updates", data)
        page = response.get_data(as_text=True)
        assert response.status_code == 422, message
        assert message in page, message
        assert 'aria-invalid="true"' in page
    assert "Sites mapped in **three** countries." in page
    assert len(stored_updates(app)) == before


def test_markdown_in_updates_cannot_run_anything(app, client, series_world):
    url = item_url(series_world, "c27_open")
    client.login(series_world.users["organiser"].email)
    text = "<script>alert(1)</script> [proof](javascript:alert(2)) <img src=x onerror=alert(3)>"
    client.submit(url + "/updates", {**UPDATE, "text": text})
    page = client.get(url).get_data(as_text=True)
    assert "<script>alert(1)" not in page and 'href="javascript' not in page
    assert "<img src=x" not in page and "&lt;script&gt;alert(1)" in page


def test_the_session_page_links_each_item_to_its_follow_up(app, client, series_world):
    client.login(series_world.users["policy"].email)
    item = stored(app, series_world, "c26_overdue")
    page = client.get(f"/manage/events/mena-2026/outcomes/sessions/{item.session_id}").get_data(
        as_text=True
    )
    assert item_url(series_world, "c26_overdue") in page
    assert item_url(series_world, "r26_access") in page


def test_two_reviewers_at_once_cannot_both_decide(app, client, series_world):
    """The second decision, taken on the page as it was, finds the update reviewed."""
    client.login(series_world.users["organiser"].email)
    client.submit(item_url(series_world, "c26_overdue") + "/updates", UPDATE)
    with app.app_context():
        policy = db.session.get(User, series_world.users["policy"].id)
        item, _event = item_or_404("commitments", series_world.items["c26_overdue"])
        [update] = [each for each in item.updates if each.review is UpdateReview.PENDING]
        # A colleague publishes it meanwhile, behind this session's back.
        db.session.execute(
            sa.update(FollowUpUpdate)
            .where(FollowUpUpdate.id == update.id)
            .values(review=UpdateReview.PUBLISHED)
        )
        with pytest.raises(Conflict):
            updates.reject(update, policy, "Not adopted yet.")
        db.session.rollback()
