"""Who may reach what: one table of every route of the application and the answer each kind of
visitor gets, checked request by request, and forms that ignore the fields they do not show.

``MATRIX`` (in ``tests/routes.py``, with the world) is the table. Its keys are (method, rule) exactly as in ``app.url_map``; a route
added without a row fails ``test_every_route_is_in_the_matrix``. Each row gives the expected
status for the eight kinds of visitor in ``ROLES``; ``LOGIN`` means "302 to the sign-in page".
The helpers (``public``, ``organisers``, ``team``...) spell out the usual rows; any cell of a
helper can be overridden by keyword (``team(302, policy=403)``).

The ``world`` fixture holds a published event A with its team, a session with speakers and
outcomes, registrations, an outcome report (its PDF made by the test that downloads it) and a
failed email; and a draft event B organised by someone else, with the same kinds of objects,
whose ids must never be reachable through A's URLs.

Each role's client has first opened the emailed registration links its visitor holds
(``LINKS_OPENED``), as they would: a registration's own pages answer only the browser that
opened its link.

Requests go in the order of the table, one fresh world per role: the rows that change things
act on spare objects (a spare partner, session, speaker, team member, user...), the review
steps come after the edits they would lock, and signing out comes last.
"""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from consultation.accounts import services as accounts
from consultation.accounts.models import Role, User
from consultation.agenda.models import Session
from consultation.db import db
from consultation.events.models import Event, EventMember, EventStatus, TeamRole
from consultation.outcomes.models import (
    Commitment,
    CommitmentStatus,
    EventOutcome,
    KeyPoint,
    Recommendation,
    ReviewStatus,
    SessionOutcome,
)
from consultation.registrations.models import (
    Registration,
    RegistrationSettings,
    RegistrationStatus,
)
from consultation.reports import services as reports
from consultation.reports.models import Audience, ReportKind
from tests import routes
from tests.helpers import PASSWORD, open_link
from tests.routes import (
    ARGUMENT,
    ARGUMENTS,
    DRAFT_EVENT_PAGES,
    EMAILS,
    EVENT_FORM,
    FORMS,
    HIDDEN,
    MATRIX,
    OUTCOME_ITEMS,
    QUERIES,
    REGISTRATION_FORM,
    ROLES,
    SESSION,
    form_data,
    mismatch,
    request,
    signed_in_client,
    urls,
)

# The world of tests/routes.py: event A with its team and objects, the draft event B.
world = routes.world


# The matrix ------------------------------------------------------------------------------


def test_every_route_is_in_the_matrix(app):
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    missing = sorted(served - MATRIX.keys())
    gone = sorted(MATRIX.keys() - served)
    assert not missing, f"routes missing from MATRIX: {missing}"
    assert not gone, f"MATRIX rows for routes that no longer exist: {gone}"
    for table in (ARGUMENTS, FORMS, QUERIES):
        assert not table.keys() - MATRIX.keys(), table.keys() - MATRIX.keys()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_from_every_route(app, world, role):
    with app.app_context():
        # Made here, not in the world: the other tests have no use for the PDF.
        reports.produce(world.export_id)
    client = signed_in_client(app, role, world)
    csrf_token = client.csrf_token()
    failures = []
    for rule in DRAFT_EVENT_PAGES:
        for url in urls("GET", rule, world, slug=world.b_slug, session_id=world.b_session_id):
            problem = mismatch(client.get(url), HIDDEN[role])
            if problem:
                failures.append(f"GET {url} (draft event B): {problem}")
    for (method, rule), expected in MATRIX.items():
        data = form_data(method, rule, world)
        for url in urls(method, rule, world):
            response = request(client, method, url, data, csrf_token)
            problem = mismatch(response, expected[role])
            if problem:
                failures.append(f"{method} {url}: {problem}")
    assert not failures, f"as {role}:\n" + "\n".join(failures)


def foreign_urls(method: str, rule: str, world: SimpleNamespace, name: str) -> list[str]:
    """URLs of event A whose argument ``name`` is the id of event B's object."""
    if name != "item_id":
        return urls(method, rule, world, **{name: world.b_ids[name]})
    found = []
    for collection, ids in world.b_ids["item_id"].items():
        found += [
            url
            for url in urls(method, rule, world, item_id=ids["main"])
            if f"/{collection}/" in url
        ]
    return found


@pytest.mark.parametrize("role", ["organiser", "admin"])
def test_objects_of_another_event_are_not_found_through_this_one(app, world, role):
    """Every id in a URL under /manage/events/<slug>/ must belong to that event: event B's
    session, partner, team member, speaker, registration, email, report or outcome item,
    put in a URL of event A, is a 404 even for someone who manages both events."""
    client = signed_in_client(app, role)
    csrf_token = client.csrf_token()
    failures = []
    checked = 0
    for (method, rule), _ in MATRIX.items():
        if not rule.startswith("/manage/events/<slug>/"):
            continue
        data = form_data(method, rule, world)
        for name in ARGUMENT.findall(rule):
            if name not in world.b_ids:
                continue
            for url in foreign_urls(method, rule, world, name):
                checked += 1
                response = request(client, method, url, data, csrf_token)
                if response.status_code != 404:
                    failures.append(f"{method} {url} ({name} of event B): {response.status_code}")
    assert checked > 30
    assert not failures, "\n".join(failures)


def test_a_registration_link_opens_only_its_own_registration(app, world):
    client = app.test_client()
    own, other = (
        f"/registrations/{world.registration_id}",
        f"/registrations/{world.other_registration_id}",
    )
    assert open_link(client, f"{own}/{world.registration_token}") == own
    assert client.get(own).status_code == 200
    for url in (
        f"{other}/{world.registration_token}",
        f"{own}/{world.other_registration_token}",
        f"{own}/not-a-token",
    ):
        assert client.get(url).status_code == 404, url
    # The cookie R1's link handed out opens none of R2's pages, even sent along their path.
    cookie = client.get_cookie("registration_access", path=own)
    assert cookie is not None and cookie.http_only
    client.set_cookie("registration_access", cookie.value, path=other)
    for url in (other, f"{other}/event.ics", f"{other}/data.json"):
        assert client.get(url).status_code == 403, url
    csrf_token = client.csrf_token()
    for action in ("cancel", "erase"):
        response = client.post(f"{other}/{action}", data={"csrf_token": csrf_token})
        assert response.status_code == 403, action
    with app.app_context():
        registration = db.session.get(Registration, world.other_registration_id)
        assert registration.status is RegistrationStatus.PENDING
        assert registration.anonymised_at is None


def test_a_bulk_change_reaches_only_registrations_of_the_event(app, world):
    client = signed_in_client(app, "admin")
    foreign = world.b_ids["registration_id"]
    data = {"status": "declined", "registration_id": [str(foreign)], "confirmed": "yes"}
    assert (
        submit(client, f"/manage/events/{world.slug}/registrations/bulk", data).status_code == 302
    )
    with app.app_context():
        assert db.session.get(Registration, foreign).status is RegistrationStatus.PENDING


def test_participant_lists_are_for_the_organisers_only(app, world):
    with app.app_context():
        export = reports.record_export(
            db.session.get(Event, world.event_id),
            ReportKind.PARTICIPANTS,
            Audience.INTERNAL,
            "en",
            db.session.get(User, world.users["organiser"]),
        )
        db.session.commit()
        export_id = export.id
    base = f"/manage/events/{world.slug}/reports"
    expected = {"organiser": 200, "admin": 200, "rapporteur": 403, "policy": 403}
    for role, status in expected.items():
        client = signed_in_client(app, role)
        assert client.get(f"{base}/{export_id}").status_code == status, role
        if status == 403:
            assert client.get(f"{base}/{export_id}.pdf").status_code == 403, role
            asked = {"kind": "participants", "audience": "internal", "language": "en"}
            assert submit(client, base, asked).status_code == 422, role
            query = "?kind=participants&audience=internal&language=en"
            assert client.get(f"{base}/preview{query}").status_code == 422, role


def test_a_team_member_demoted_by_an_administrator_no_longer_sees_the_draft(app, world):
    """Like managing it and its outcomes, seeing a draft takes the permission of one's role
    on its team: an organiser made a participant loses the draft's pages at once."""
    client = signed_in_client(app, "other_organiser")
    assert client.get(f"/events/{world.b_slug}").status_code == 200
    with app.app_context():
        db.session.get(User, world.users["other_organiser"]).role = Role.PARTICIPANT
        db.session.commit()
    for rule in DRAFT_EVENT_PAGES:
        for url in urls("GET", rule, world, slug=world.b_slug, session_id=world.b_session_id):
            assert client.get(url).status_code == 404, url


def test_moving_an_item_keeps_its_neighbour(app, world):
    client = signed_in_client(app, "rapporteur")
    base = f"/manage/events/{world.slug}/outcomes/sessions/{world.session_id}"
    for collection in ("key-points", "recommendations", "commitments"):
        main = world.items[collection]["main"]
        response = submit(client, f"{base}/{collection}/{main}/move", {"direction": "down"})
        assert response.status_code == 302
    with app.app_context():
        for collection, model in (
            ("key-points", KeyPoint),
            ("recommendations", Recommendation),
            ("commitments", Commitment),
        ):
            ordered = db.session.scalars(
                sa.select(model.id)
                .where(model.session_id == world.session_id)
                .order_by(model.position)
            ).all()
            ids = world.items[collection]
            assert ordered == [ids["spare"], ids["main"]], collection


# Mass assignment -------------------------------------------------------------------------
# Fields a form does not show are ignored, whatever a request adds.

EXTRA_FIELDS = {
    "status": "confirmed",
    "review_status": "published",
    "role": "admin",
    "is_admin": "1",
    "active": "0",
    "user_id": "1",
    "email_confirmed_at": "2020-01-01",
    "session_token": "chosen-by-the-attacker",
    "confirmed_count": "999",
    "reference": "FAKE-R99",
    "number": "99",
}


def extra(world) -> dict:
    """The extra fields, with event B as the event and its session as the session."""
    return {
        **EXTRA_FIELDS,
        "event_id": str(world.b_event_id),
        "session_id": str(world.b_session_id),
        "id": "999",
    }


def submit(client, url: str, data: dict):
    return client.post(url, data={**data, "csrf_token": client.csrf_token()})


def test_registering_ignores_status_event_and_account_fields(app, world):
    client = signed_in_client(app, "other_participant")
    response = submit(
        client,
        f"/events/{world.slug}/register",
        {**REGISTRATION_FORM, "email": "extra@ngo.example", **extra(world)},
    )
    assert response.status_code == 200
    with app.app_context():
        registration = db.session.scalar(
            sa.select(Registration).where(Registration.email_key == "extra@ngo.example")
        )
        # The event asks organisers to approve each registration.
        assert registration.status is RegistrationStatus.PENDING
        assert registration.event_id == world.event_id
        # Not the posted account, nor the signed-in one: the address is not theirs.
        assert registration.user_id is None
        assert registration.internal_notes is None
        settings = db.session.get(RegistrationSettings, world.event_id)
        assert settings.confirmed_count == 0


def test_correcting_a_registration_ignores_status_and_event(app, world):
    client = app.test_client()
    url = open_link(client, f"/registrations/{world.registration_id}/{world.registration_token}")
    data = {
        **REGISTRATION_FORM,
        "organisation_id": str(world.host_id),
        "full_name": "Participant Renamed",
        "email": "someone-else@ngo.example",
        "internal_notes": "I am a VIP",
        **extra(world),
    }
    assert submit(client, url, data).status_code == 302
    with app.app_context():
        registration = db.session.get(Registration, world.registration_id)
        assert registration.full_name == "Participant Renamed"
        assert registration.status is RegistrationStatus.PENDING
        assert registration.event_id == world.event_id
        assert registration.email == EMAILS["participant"]
        assert registration.user_id == world.users["participant"]
        assert registration.internal_notes is None


def test_organiser_notes_do_not_change_the_registration_status(app, world):
    client = signed_in_client(app, "organiser")
    url = f"/manage/events/{world.slug}/registrations/{world.other_registration_id}"
    assert submit(client, url, {"internal_notes": "Visa letter", **extra(world)}).status_code == 302
    with app.app_context():
        registration = db.session.get(Registration, world.other_registration_id)
        assert registration.internal_notes == "Visa letter"
        assert registration.status is RegistrationStatus.PENDING
        assert registration.event_id == world.event_id


def test_registration_settings_keep_the_seat_count(app, world):
    client = signed_in_client(app, "organiser")
    data = {
        "moderation": "approval",
        "privacy_notice": "A new notice.",
        "retention_days": "30",
        "opens_at": "2026-01-01T09:00",
        **extra(world),
    }
    response = submit(client, f"/manage/events/{world.slug}/registration", data)
    assert response.status_code == 302
    with app.app_context():
        settings = db.session.get(RegistrationSettings, world.event_id)
        assert settings.retention_days == 30
        assert settings.confirmed_count == 0
        assert db.session.get(RegistrationSettings, world.b_event_id).retention_days == 90


def test_editing_an_event_does_not_change_its_status(app, world):
    client = signed_in_client(app, "other_organiser")
    data = {**EVENT_FORM, "title": "Event B renamed", "slug": "event-b", **extra(world)}
    data["status"] = "published"
    response = submit(client, "/manage/events/event-b/edit", data)
    assert response.status_code == 302
    with app.app_context():
        event = db.session.get(Event, world.b_event_id)
        assert event.title == "Event B renamed"
        assert event.status is EventStatus.DRAFT
        assert db.session.get(Event, world.event_id).title == "Event A"


def test_creating_an_event_starts_a_draft_with_its_creator_alone(app, world):
    client = signed_in_client(app, "other_organiser")
    data = {**EVENT_FORM, "title": "Fresh event", "slug": "fresh", **extra(world)}
    data["status"] = "published"
    data["team"] = str(world.users["admin"])
    assert submit(client, "/manage/events/new", data).status_code == 302
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "fresh"))
        assert event.status is EventStatus.DRAFT
        team = db.session.execute(
            sa.select(EventMember.user_id, EventMember.role).where(EventMember.event_id == event.id)
        ).all()
        assert team == [(world.users["other_organiser"], TeamRole.ORGANISER)]


def test_a_session_cannot_be_moved_to_another_event(app, world):
    client = signed_in_client(app, "admin")
    url = f"/manage/events/{world.slug}/sessions/{world.session_id}/edit"
    data = {
        **FORMS[("POST", f"{SESSION}/edit")],
        "title": "Humanitarian access, renamed",
        **extra(world),
    }
    assert submit(client, url, data).status_code == 302
    with app.app_context():
        session = db.session.get(Session, world.session_id)
        assert session.title == "Humanitarian access, renamed"
        assert session.event_id == world.event_id
        assert db.session.get(Session, world.b_session_id).title == "Accountability"


def test_a_profile_cannot_make_its_owner_an_administrator(app, world):
    client = signed_in_client(app, "participant")
    data = {
        "display_name": "Participant One",
        "language": "fr",
        "email": "admin@iom.example",
        "password_hash": "x",
        **extra(world),
    }
    assert submit(client, "/account", data).status_code == 302
    with app.app_context():
        user = db.session.get(User, world.users["participant"])
        assert user.language == "fr"
        assert user.role is Role.PARTICIPANT
        assert user.email == EMAILS["participant"]
        assert user.active and user.session_token != "chosen-by-the-attacker"
        assert accounts.password_matches(user, PASSWORD)


def test_signing_up_always_makes_a_participant(app, world):
    client = app.test_client()
    data = {"display_name": "Newcomer", "email": "newcomer@ngo.example", **extra(world)}
    assert submit(client, "/signup", data).status_code == 200
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "newcomer@ngo.example"))
        assert user.role is Role.PARTICIPANT
        assert user.password_hash is None and user.email_confirmed_at is None


def test_changing_a_role_changes_nothing_else(app, world):
    client = signed_in_client(app, "admin")
    url = f"/admin/users/{world.spare_user_id}/role"
    data = {**extra(world), "role": "organiser", "email": "changed@ngo.example"}
    assert submit(client, url, data).status_code == 302
    with app.app_context():
        user = db.session.get(User, world.spare_user_id)
        assert user.role is Role.ORGANISER
        assert user.active
        assert user.email == "spare@ngo.example"
        assert user.session_token != "chosen-by-the-attacker"


def test_inviting_staff_leaves_the_account_to_its_owner(app, world):
    client = signed_in_client(app, "admin")
    data = {
        "display_name": "Invited",
        "email": "invited@iom.example",
        "role": "policy",
        "language": "en",
        **{name: value for name, value in extra(world).items() if name != "role"},
        "password_hash": "x",
    }
    assert submit(client, "/admin/users/new", data).status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "invited@iom.example"))
        assert user.role is Role.POLICY
        assert user.password_hash is None and user.email_confirmed_at is None


def test_outcome_items_ignore_event_session_reference_and_status(app, world):
    client = signed_in_client(app, "rapporteur")
    base = f"/manage/events/{world.slug}/outcomes/sessions/{world.session_id}"
    for collection in ("key-points", "recommendations", "commitments"):
        response = submit(client, f"{base}/{collection}", {**OUTCOME_ITEMS, **extra(world)})
        assert response.status_code == 302, collection
    commitment_id = world.items["commitments"]["main"]
    response = submit(
        client,
        f"{base}/commitments/{commitment_id}/edit",
        {**OUTCOME_ITEMS, "commitment-text": "Edited", **extra(world)},
    )
    assert response.status_code == 302
    response = submit(client, f"{base}/summary", {"summary": "Edited summary", **extra(world)})
    assert response.status_code == 302
    response = submit(
        client,
        f"/manage/events/{world.slug}/outcomes/conclusions",
        {"conclusions": "Edited conclusions", **extra(world)},
    )
    assert response.status_code == 302
    with app.app_context():
        for model in (KeyPoint, Recommendation, Commitment):
            newest = db.session.scalar(sa.select(model).order_by(model.id.desc()).limit(1))
            assert newest.session_id == world.session_id, model
            if model is not KeyPoint:
                assert newest.event_id == world.event_id
                assert newest.reference.startswith("MENA-2027-")
                assert newest.number == 3
        edited = db.session.get(Commitment, commitment_id)
        assert edited.text == "Edited"
        assert edited.status is CommitmentStatus.PLANNED
        assert edited.session_id == world.session_id and edited.event_id == world.event_id
        assert edited.reference == "MENA-2027-C01"
        outcome = db.session.get(SessionOutcome, world.session_id)
        assert outcome.summary == "Edited summary"
        assert outcome.review_status is ReviewStatus.DRAFT
        assert outcome.event_id == world.event_id
        conclusions = db.session.get(EventOutcome, world.event_id)
        assert conclusions.conclusions == "Edited conclusions"
        assert conclusions.review_status is ReviewStatus.DRAFT
        assert db.session.get(EventOutcome, world.b_event_id).last_recommendation_number == 2


def test_the_matrix_has_a_row_per_role_everywhere():
    for key, expected in MATRIX.items():
        assert tuple(expected) == ROLES, key
    assert isinstance(HIDDEN, dict) and tuple(HIDDEN) == ROLES
