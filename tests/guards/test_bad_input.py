"""Input nobody should send still gets a clear answer, never a server error."""

from consultation.accounts.models import Role
from consultation.registrations.models import Moderation
from tests.factories import configure, form


def test_nul_characters_are_refused_everywhere(app, client, make_event, make_user):
    event = make_event()
    configure(app, event, capacity=5, moderation=Moderation.APPROVAL)
    response = client.submit(
        f"/events/{event.slug}/register", form("nul@ngo.example", full_name="Leila\x00Mansour")
    )
    assert response.status_code == 400
    assert client.get("/events?region=%00").status_code == 400
    assert client.get("/events/%00").status_code == 400
    client.login(make_user(Role.ADMIN).email)
    assert client.get(f"/manage/events/{event.slug}/registrations?q=%00").status_code == 400


def test_numbers_too_large_for_the_database_are_not_found_or_ignored(
    app, client, make_event, make_user, add_to_team
):
    event = make_event()
    configure(app, event, capacity=5)
    organiser = make_user(Role.ORGANISER)
    add_to_team(event, organiser)
    client.login(organiser.email)
    huge = "99999999999999999999"
    base = f"/manage/events/{event.slug}/registrations"
    assert client.get(f"{base}/{huge}").status_code == 404
    assert client.get(f"/registrations/{huge}/token").status_code == 404
    for query in (f"page={huge}", "page=-1", "page=abc", f"theme={huge}"):
        assert client.get(f"{base}?{query}").status_code == 200, query
    assert client.get(f"/events?page={huge}&year={huge}").status_code == 200
    assert client.get(f"/api/v1/events?page={huge}").status_code == 200
    bulk = client.submit(
        f"{base}/bulk", {"status": "confirmed", "registration_id": [huge, "²", "x"]}
    )
    assert bulk.status_code == 302
    settings = client.submit(
        f"/manage/events/{event.slug}/registration",
        {"capacity": huge, "moderation": "automatic", "retention_days": "90"},
    )
    assert settings.status_code == 422
    assert "from 0 to 1,000,000" in settings.get_data(as_text=True)
