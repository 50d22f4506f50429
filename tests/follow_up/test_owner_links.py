"""Owners report without an account: their contacts get a private update link in their
language, exchanged for a cookie; what they post waits for the policy team."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from consultation.db import db
from consultation.follow_up.models import CommitmentContact, FollowUpUpdate, UpdateReview
from consultation.outcomes.models import CommitmentStatus
from consultation.privacy import retention
from tests.follow_up.test_updates import item_url, stored
from tests.helpers import link_in, open_link

CONTACT = {"name": "Rana Haddad", "email": "rana@lca.example", "language": "ar"}
REPORT = {
    "reported_on": "2026-11-02",
    "status": "in_progress",
    "progress": "2",
    "text": "بدأ رسم الخرائط في بلدين.",
    "language": "ar",
}


def contact_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(CommitmentContact.id).order_by("id")))


def send_link(client, world, outbox, name="c26_overdue", contact=CONTACT):
    url = item_url(world, name)
    assert client.submit(url + "/contacts", contact).status_code == 302
    contact_id = contact_ids(client.application)[-1]
    assert client.submit(f"{url}/contacts/{contact_id}/link").status_code == 302
    return contact_id, link_in(outbox[-1])


def test_an_owners_contact_reports_progress_through_their_link(app, client, series_world, outbox):
    client.login(series_world.users["organiser"].email)
    contact_id, link = send_link(client, series_world, outbox)
    message = outbox[-1]
    assert message["To"] == "rana@lca.example" and message["Content-Language"] == "ar"
    assert series_world.references["c26_overdue"] in message["Subject"]
    page = client.get(item_url(series_world, "c26_overdue")).get_data(as_text=True)
    assert "Has not reported" in page

    owner = app.test_client()
    path = open_link(owner, link)
    assert path == f"/follow-up/contacts/{contact_id}"
    page = owner.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in text and "Map detention sites in the region." in text
    token = owner.csrf_token(path)
    response = owner.post(path, data={**REPORT, "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        [update] = db.session.scalars(
            sa.select(FollowUpUpdate).where(FollowUpUpdate.contact_id == contact_id)
        ).all()
        assert (update.review, update.author_id, update.language) == (
            UpdateReview.PENDING,
            None,
            "ar",
        )
    # Not published yet; the team sees who reported, the policy team publishes.
    assert stored(app, series_world, "c26_overdue").status is CommitmentStatus.PLANNED
    page = client.get(item_url(series_world, "c26_overdue")).get_data(as_text=True)
    assert "Has reported" in page and "for the owner" in page
    client.submit("/logout")
    client.login(series_world.users["policy"].email)
    url = item_url(series_world, "c26_overdue")
    assert (
        client.submit(f"{url}/updates/{update.id}/review", {"decision": "publish"}).status_code
        == 302
    )
    assert stored(app, series_world, "c26_overdue").status is CommitmentStatus.IN_PROGRESS


def test_the_link_is_the_contacts_alone_and_ends_when_replaced_or_removed(
    app, client, series_world, outbox
):
    client.login(series_world.users["organiser"].email)
    contact_id, first = send_link(client, series_world, outbox)
    page = f"/follow-up/contacts/{contact_id}"
    # Another browser, without the cookie, is refused; a made-up token is not found.
    assert app.test_client().get(page).status_code == 403
    assert app.test_client().get(f"{page}/{'x' * 43}").status_code == 404
    # A second contact's cookie does not open the first one's page.
    other_id, other_link = send_link(
        client, series_world, outbox, "c27_open", {**CONTACT, "email": "omar@srn.example"}
    )
    other = app.test_client()
    open_link(other, other_link)
    assert other.get(page).status_code == 403
    # A new link replaces the first; removing the contact ends every link.
    client.submit(f"{item_url(series_world, 'c26_overdue')}/contacts/{contact_id}/link")
    second = link_in(outbox[-1])
    assert app.test_client().get(first).status_code == 404
    owner = app.test_client()
    open_link(owner, second)
    assert owner.get(page).status_code == 200
    client.submit(f"{item_url(series_world, 'c26_overdue')}/contacts/{contact_id}/delete")
    assert owner.get(page).status_code == 403
    assert app.test_client().get(second).status_code == 404
    assert contact_ids(app) == [other_id]


def test_contacts_are_checked_field_by_field(app, client, series_world):
    client.login(series_world.users["organiser"].email)
    url = item_url(series_world, "c26_overdue") + "/contacts"
    client.submit(url, CONTACT)
    for data, message in [
        ({**CONTACT, "email": "RANA@lca.example"}, "This person is already a contact"),
        ({**CONTACT, "email": "not an address"}, "Enter an email address like"),
        ({**CONTACT, "name": ""}, "Give the person"),
        ({**CONTACT, "language": "xx"}, "Not a valid choice"),
    ]:
        response = client.submit(url, data)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True), message
    assert len(contact_ids(app)) == 1


def test_only_the_series_organisers_and_policy_team_manage_contacts(app, client, series_world):
    url = item_url(series_world, "c26_overdue") + "/contacts"
    for role, expected in (("rapporteur", 404), ("other_organiser", 404), ("participant", 404)):
        client.login(series_world.users[role].email)
        assert client.submit(url, CONTACT).status_code == expected, role
        client.submit("/logout")
    assert contact_ids(app) == []


def test_contacts_are_forgotten_some_time_after_their_commitment_closed(app, client, series_world):
    client.login(series_world.users["organiser"].email)
    for name in ("c26_done", "c26_overdue"):
        client.submit(item_url(series_world, name) + "/contacts", CONTACT)
    # C02's closing update was published on 2 April 2026 (whatever date it reports on): its
    # contact goes 180 days later, the open one's stays.
    with app.app_context():
        db.session.execute(
            sa.update(FollowUpUpdate).values(reviewed_at=datetime(2026, 4, 2, 12, tzinfo=UTC))
        )
        db.session.commit()
        assert retention.purge(date(2026, 9, 28)).contacts_deleted == 0
        assert retention.purge(date(2026, 9, 30)).contacts_deleted == 1
        db.session.commit()
        remaining = db.session.scalars(sa.select(CommitmentContact.commitment_id)).all()
    assert remaining == [series_world.items["c26_overdue"]]


def test_the_register_finds_owners_who_have_not_reported(app, client, series_world, outbox):
    client.login(series_world.users["organiser"].email)
    _contact_id, link = send_link(client, series_world, outbox)
    register = "/manage/series/MENA/follow-up?kind=commitments&silent=1"
    reference = series_world.references["c26_overdue"]
    assert reference in client.get(register).get_data(as_text=True)
    owner = app.test_client()
    path = open_link(owner, link)
    owner.post(path, data={**REPORT, "csrf_token": owner.csrf_token(path)})
    assert reference not in client.get(register).get_data(as_text=True)
