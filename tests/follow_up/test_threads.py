"""Threads across editions: a recommendation follows earlier ones of its series up."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consultation.db import db
from consultation.outcomes.models import Recommendation
from tests.follow_up.fixtures import publish_all_outcomes


def add_recommendation(client, world, year: int, follows: str):
    with client.application.app_context():
        session_id = db.session.scalar(
            sa.select(Recommendation.session_id).where(
                Recommendation.event_id == world.editions[year]
            )
        )
    return client.submit(
        f"/manage/events/mena-{year}/outcomes/sessions/{session_id}/recommendations",
        {
            "recommendation-text": "Publish a shared protocol for visits, with national NGOs.",
            "recommendation-addressees": ["iom"],
            "recommendation-priority": "high",
            "recommendation-follows": follows,
        },
    )


def stored_threads(app) -> dict[str, list[str]]:
    with app.app_context():
        return {
            item.reference: [earlier.reference for earlier in item.follows]
            for item in db.session.scalars(
                sa.select(Recommendation).options(selectinload(Recommendation.follows))
            )
        }


def test_a_new_recommendation_follows_earlier_ones_up(app, client, series_world):
    client.login(series_world.users["organiser"].email)
    refs = series_world.references
    response = add_recommendation(client, series_world, 2027, f"{refs['r26_access'].lower()} ; ")
    assert response.status_code == 302
    [new] = [ref for ref, follows in stored_threads(app).items() if follows]
    assert stored_threads(app)[new] == [refs["r26_access"]]
    client.submit("/logout")
    client.login(series_world.users["policy"].email)
    earlier = client.get(
        f"/manage/follow-up/recommendations/{series_world.items['r26_access']}"
    ).get_data(as_text=True)
    assert "Followed up by" in earlier and new in earlier
    register = client.get("/manage/series/MENA/follow-up").get_data(as_text=True)
    assert "Follows up:" in register


def test_only_earlier_editions_of_the_series_can_be_followed(app, client, series_world):
    client.login(series_world.users["organiser"].email)
    refs = series_world.references
    for follows in ("MENA-2025-R01", refs["r27_protocol"]):
        response = add_recommendation(client, series_world, 2027, follows)
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "No earlier edition of this series has a recommendation" in page
        assert "Publish a shared protocol for visits" in page
    assert not any(stored_threads(app).values())


def test_the_form_suggests_the_previous_editions_open_recommendations(app, client, series_world):
    publish_all_outcomes(app, series_world.editions[2026])
    client.login(series_world.users["organiser"].email)
    with app.app_context():
        session_id = db.session.scalar(
            sa.select(Recommendation.session_id).where(
                Recommendation.event_id == series_world.editions[2027]
            )
        )
    page = client.get(f"/manage/events/mena-2027/outcomes/sessions/{session_id}")
    text = page.get_data(as_text=True)
    assert 'list="earlier-recommendations"' in text
    assert f'<option value="{series_world.references["r26_access"]}">' in text
