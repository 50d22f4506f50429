"""The public follow-up API, and the OpenAPI 3.1 document that describes the whole public
API: every endpoint's real answers are validated against it."""

import pytest
import sqlalchemy as sa
from flask import Flask
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from consultation.db import db
from consultation.outcomes.models import ReviewStatus, SessionOutcome

API = "/api/v1"


def publish_all_outcomes(app) -> None:
    with app.app_context():
        for outcome in db.session.scalars(sa.select(SessionOutcome)):
            outcome.review_status = ReviewStatus.PUBLISHED
        db.session.commit()


@pytest.fixture
def checked(app, client):
    """Gets an API address and validates the answer against the served OpenAPI document."""
    document = client.get(f"{API}/openapi.json")
    assert document.status_code == 200
    spec = OpenAPI.from_dict(document.get_json())

    def get(path: str, status: int = 200):
        response = client.get(API + path)
        assert response.status_code == status, response.get_data(as_text=True)
        spec.validate_response(
            WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response)
        )
        return response.get_json()

    return get


def test_every_public_endpoint_answers_as_its_document_says(app, series_world, checked):
    publish_all_outcomes(app)
    events = checked("/events")
    assert {event["slug"] for event in events["events"]} >= {"mena-2026", "mena-2027"}
    assert checked("/events/mena-2026")["slug"] == "mena-2026"
    checked("/events/nowhere", 404)
    recommendations = checked("/series/MENA/recommendations")
    assert recommendations["total"] == 3
    commitments = checked("/series/MENA/commitments")
    assert commitments["total"] == 3
    checked("/series/MENA/commitments?edition=2026&status=done")
    checked("/series/MENA/recommendations?theme=humanitarian-access&page=2")
    checked("/series/MENA/recommendations?theme=no-such-theme", 400)
    checked("/series/NOPE/recommendations", 404)


def test_the_document_describes_every_public_route(app: Flask, client):
    document = client.get(f"{API}/openapi.json").get_json()
    OpenAPI.from_dict(document).check_spec()
    documented = {API + path for path in document["paths"]}
    served = {
        rule.rule.replace("<", "{").replace(">", "}").replace("{int:", "{")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert served == documented


def test_only_published_items_and_statuses_leave_through_the_api(
    app, client, series_world, checked
):
    assert checked("/series/MENA/recommendations")["total"] == 0
    publish_all_outcomes(app)
    commitments = {c["reference"]: c for c in checked("/series/MENA/commitments")["commitments"]}
    refs = series_world.references
    done = commitments[refs["c26_done"]]
    assert done["status"] == "done" and done["progress"] == 5
    assert [update["text"] for update in done["updates"]] == ["Shared with 40 NGOs."]
    # On the record in 2026: owners named; under the Chatham House rule in 2027: not.
    assert done["owner"] == "Amel Association"
    assert commitments[refs["c27_open"]]["owner"] is None
    assert checked("/series/MENA/commitments?edition=2027")["total"] == 1
    by_theme = checked("/series/MENA/recommendations?theme=local-capacity")
    assert [r["reference"] for r in by_theme["recommendations"]] == [refs["r26_local"]]


def test_the_api_pages_its_items(app, client, series_world, checked):
    publish_all_outcomes(app)
    app.config["API_ITEMS_PER_PAGE"] = 2
    try:
        first = checked("/series/MENA/recommendations")
        second = checked("/series/MENA/recommendations?page=2")
    finally:
        app.config["API_ITEMS_PER_PAGE"] = 50
    assert (first["pages"], len(first["recommendations"]), len(second["recommendations"])) == (
        2,
        2,
        1,
    )
