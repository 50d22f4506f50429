import pytest
import sqlalchemy as sa

from consultation.accounts.models import Role
from consultation.db import db
from consultation.events.models import Event, PartnerRole
from consultation.events.services import add_partner
from consultation.organisations.models import Organisation

NEW = {
    "name": "International Council of Voluntary Agencies",
    "acronym": "ICVA",
    "type": "ngo_network",
    "level": "international",
    "country": "CH",
    "website": "https://www.icvanetwork.org",
}


@pytest.fixture
def organiser(client, make_user):
    user = make_user(Role.ORGANISER)
    client.login(user.email)
    return user


@pytest.fixture
def admin(client, make_user):
    user = make_user(Role.ADMIN)
    client.login(user.email)
    return user


def organisations(app):
    with app.app_context():
        return db.session.scalars(sa.select(Organisation.name)).all()


def test_an_organiser_adds_an_organisation(app, client, organiser):
    response = client.submit("/manage/organisations/new", NEW)
    assert response.status_code == 302
    assert organisations(app) == [NEW["name"]]
    listing = client.get("/manage/organisations/").get_data(as_text=True)
    assert "International Council of Voluntary Agencies" in listing
    assert "NGO network or consortium" in listing
    assert "Switzerland" in listing


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"name": "  international council of   VOLUNTARY agencies "},
            "name",
            "is already in the directory",
        ),
        ({"name": "Another name", "acronym": "icva"}, "acronym", "already used by"),
    ],
)
def test_duplicates_are_caught_with_a_clear_message(
    app, client, organiser, make_organisation, change, field, message
):
    make_organisation(NEW["name"], "ICVA")
    response = client.submit("/manage/organisations/new", {**NEW, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'id="{field}-error"' in page
    assert 'value="https://www.icvanetwork.org"' in page
    assert len(organisations(app)) == 1


def test_a_bad_website_is_refused_on_its_field(client, organiser):
    response = client.submit("/manage/organisations/new", {**NEW, "website": "not a url"})
    assert response.status_code == 422
    assert "Enter a full address starting with https://." in response.get_data(as_text=True)


def test_an_organisation_can_be_renamed_without_clashing_with_itself(
    app, client, organiser, make_organisation
):
    organisation = make_organisation(NEW["name"], "ICVA")
    response = client.submit(
        f"/manage/organisations/{organisation.id}/edit",
        {**NEW, "acronym": "ICVA", "level": "regional"},
    )
    assert response.status_code == 302


def test_a_partner_organisation_cannot_be_removed(
    app, client, admin, make_organisation, make_event
):
    organisation = make_organisation("Host NGO")
    event = make_event()
    with app.app_context():
        add_partner(
            db.session.get(Event, event.id),
            db.session.get(Organisation, organisation.id),
            PartnerRole.HOST,
        )
        db.session.commit()
    response = client.submit(f"/manage/organisations/{organisation.id}/delete")
    assert response.status_code == 409
    assert "it is a partner of 1 event. Merge it" in response.get_data(as_text=True)
    assert organisations(app) == ["Host NGO"]


def test_an_unused_organisation_is_removed(app, client, admin, make_organisation):
    organisation = make_organisation("Short-lived NGO")
    assert client.submit(f"/manage/organisations/{organisation.id}/delete").status_code == 302
    assert organisations(app) == []


def test_only_administrators_remove_organisations(app, client, organiser, make_organisation):
    organisation = make_organisation("Shared NGO")
    assert client.submit(f"/manage/organisations/{organisation.id}/delete").status_code == 403
    assert organisations(app) == ["Shared NGO"]


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.RAPPORTEUR, Role.POLICY])
def test_only_organisers_manage_the_directory(client, make_user, make_organisation, role):
    organisation = make_organisation()
    client.login(make_user(role).email)
    assert client.get("/manage/organisations/").status_code == 403
    assert client.submit("/manage/organisations/new", NEW).status_code == 403
    assert client.submit(f"/manage/organisations/{organisation.id}/delete").status_code == 403
