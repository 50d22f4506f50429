"""A new edition takes up the previous one's open items: listed on its outcomes page, and
reviewed in a generated agenda session."""

import sqlalchemy as sa

from consultation.agenda.models import Session
from consultation.db import db
from consultation.taxonomy.models import Series
from tests.follow_up.fixtures import publish_all_outcomes


def test_the_next_editions_outcomes_list_what_is_still_open(app, client, series_world):
    # Unpublished, the previous edition's items are its team's alone.
    client.login(series_world.users["organiser"].email)
    assert "Still open from" not in client.get("/manage/events/mena-2027/outcomes/").get_data(
        as_text=True
    )
    publish_all_outcomes(app)
    client.login(series_world.users["organiser"].email)
    page = client.get("/manage/events/mena-2027/outcomes/").get_data(as_text=True)
    refs = series_world.references
    assert "Still open from 2026" in page
    assert refs["r26_access"] in page and refs["c26_overdue"] in page
    # Done already: not offered again.
    assert refs["c26_done"] not in page


def test_organisers_add_a_session_reviewing_them_in_every_language(app, client, series_world):
    publish_all_outcomes(app)
    client.login(series_world.users["organiser"].email)
    url = "/manage/events/mena-2027/outcomes/progress-session"
    response = client.submit(url)
    assert response.status_code == 302 and "/sessions/" in response.headers["Location"]
    with app.app_context():
        session = db.session.scalar(sa.select(Session).where(Session.title.like("Progress%")))
        assert session.title == "Progress since the last consultation"
        assert series_world.references["r26_access"] in session.description
        assert series_world.references["c26_done"] not in session.description
        assert session.translations["fr"]["title"] != session.title
        assert "Ouverte" in session.translations["fr"]["description"]
    # Once is enough.
    client.submit(url)
    page = client.get("/manage/events/mena-2027/outcomes/").get_data(as_text=True)
    assert "The agenda has this session already." in page


def test_only_organisers_change_the_agenda(app, client, series_world):
    client.login(series_world.users["rapporteur"].email)
    assert client.submit("/manage/events/mena-2027/outcomes/progress-session").status_code == 403


def test_the_first_edition_has_nothing_to_take_up(app, client, series_world, make_user):
    client.login(series_world.users["policy"].email)
    page = client.get("/manage/events/mena-2026/outcomes/").get_data(as_text=True)
    assert "Still open from" not in page


def test_a_copied_edition_is_offered_the_open_items(app, client, series_world):
    publish_all_outcomes(app)
    with app.app_context():
        # Only the series' owner adds editions to it.
        db.session.scalar(sa.select(Series)).owner_id = series_world.users["organiser"].id
        db.session.commit()
    client.login(series_world.users["organiser"].email)
    copy_page = client.get("/manage/events/mena-2027/copy").get_data(as_text=True)
    assert "still open are offered to the new edition" in copy_page
    response = client.submit(
        "/manage/events/mena-2027/copy", {"title": "Consultation 2028", "start_date": "2028-05-09"}
    )
    assert response.status_code == 302
    overview = client.get(response.headers["Location"]).get_data(as_text=True)
    # 2027's own open items: the protocol recommendation and the focal points' training.
    assert "Still open from 2027" in overview
    assert "2 recommendations and commitments of the previous edition are still open." in overview
