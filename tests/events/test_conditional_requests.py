"""Conditional requests on an event's public page, agenda and calendars: a visitor whose copy
is current gets a 304 without the page being built, and any change to what the response
shows, or to who is asking, gives a new ETag."""

from datetime import time, timedelta
from email.utils import format_datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import template_rendered
from sqlalchemy.orm import selectinload

from consultation.accounts.models import Role, User
from consultation.agenda import services as agenda
from consultation.agenda.models import Session, SessionKind, SpeakerRole
from consultation.db import db, now_utc
from consultation.events import access
from consultation.events import services as events
from consultation.events import team as event_team
from consultation.events.http_cache import RenderedPages
from consultation.events.models import Event, EventStatus, PartnerRole, TeamRole
from consultation.organisations.models import Organisation, OrganisationLevel, OrganisationType
from consultation.organisations.services import save_organisation
from consultation.registrations import seats
from consultation.registrations import services as registrations
from consultation.registrations.models import Registration, RegistrationSettings
from consultation.taxonomy.models import Theme
from tests.factories import add_session
from tests.helpers import CSRF_INPUT

AN_HOUR_AGO = now_utc().replace(microsecond=0) - timedelta(hours=1)


@pytest.fixture
def world(app, make_event, make_user, make_organisation, themes):
    """A published event with themes, a partner, two sessions with speakers, and open
    registration with two places; everything last changed an hour ago."""
    event = make_event()
    staff = make_user(Role.ORGANISER, display_name="Amira Haddad")
    host = make_organisation("Jordan River Foundation", "JRF")
    with app.app_context():
        stored = db.session.get(Event, event.id, options=[selectinload(Event.themes)])
        stored.themes = list(db.session.scalars(sa.select(Theme).order_by(Theme.id).limit(2)))
        events.add_partner(stored, db.session.get(Organisation, host.id), PartnerRole.HOST)
        session_ids = []
        for hour in (9, 11):
            session = add_session(
                stored, f"Session at {hour}", hour, theme_ids=[stored.themes[0].id]
            )
            session_ids.append(session.id)
        first = db.session.get(Session, session_ids[0], options=[selectinload(Session.speakers)])
        agenda.add_speaker(first, SpeakerRole.MODERATOR, user=db.session.get(User, staff.id))
        agenda.add_speaker(first, SpeakerRole.SPEAKER, name="Hala Nasser")
        db.session.add(
            RegistrationSettings(
                event_id=event.id,
                opens_at=AN_HOUR_AGO - timedelta(days=1),
                closes_at=now_utc() + timedelta(days=30),
                capacity=2,
            )
        )
        db.session.commit()
        for model in (Event, Session):
            db.session.execute(sa.update(model).values(updated_at=AN_HOUR_AGO))
        db.session.commit()
    return SimpleNamespace(
        event=event,
        sessions=session_ids,
        staff=staff,
        host=host,
        theme=themes[0],
        urls=SimpleNamespace(
            page=f"/events/{event.slug}",
            agenda=f"/events/{event.slug}/agenda",
            calendar=f"/events/{event.slug}/agenda.ics",
            session_calendar=f"/events/{event.slug}/sessions/{session_ids[0]}.ics",
        ),
    )


def etag_of(client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status
    return response.headers["ETag"]


def revalidate(client, url: str, etag: str, **headers: str):
    return client.get(url, headers={"If-None-Match": etag, **headers})


URLS = ["page", "agenda", "calendar", "session_calendar"]
PAGES = ["page", "agenda"]


# Validators and 304 -------------------------------------------------------------------------


@pytest.mark.parametrize("name", URLS)
def test_responses_carry_a_weak_etag_and_are_revalidated(client, world, name):
    response = client.get(getattr(world.urls, name))
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('W/"')
    assert response.cache_control.no_cache
    # A page holds the visitor's CSRF token: only their browser may keep it.
    assert bool(response.cache_control.private) == (name in PAGES)
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


@pytest.mark.parametrize("name", URLS)
def test_a_current_copy_gets_a_304_with_an_empty_body(client, world, name):
    url = getattr(world.urls, name)
    etag = etag_of(client, url)
    response = revalidate(client, url, etag, **{"Accept-Encoding": "gzip, br"})
    assert response.status_code == 304
    assert response.data == b""
    # What a 304 must repeat of the 200, so that caches update the copy they keep.
    assert response.headers["ETag"] == etag
    assert response.cache_control.no_cache
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


@pytest.mark.parametrize("name", URLS)
def test_a_304_renders_nothing_and_runs_fewer_statements(app, client, world, count_queries, name):
    url = getattr(world.urls, name)
    # A language the browser asks for: otherwise choosing one reads the event's.
    english = {"Accept-Language": "en"}
    first = []
    full = count_queries(lambda: first.append(client.get(url, headers=english)))
    etag = first[0].headers["ETag"]
    rendered = []
    with template_rendered.connected_to(
        lambda *args, template, **kwargs: rendered.append(template), app
    ):
        unchanged = count_queries(lambda: revalidate(client, url, etag, **english))
    assert rendered == []
    # The version's one query (and the BEGIN SQLite counts): neither the event nor its agenda
    # is loaded.
    assert unchanged <= 2 < full, (unchanged, full)


def test_a_compressed_response_keeps_the_etag_it_is_revalidated_with(client, world):
    response = client.get(world.urls.page, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert revalidate(client, world.urls.page, response.headers["ETag"]).status_code == 304


# What changes the version --------------------------------------------------------------------


def edit(app, change) -> None:
    with app.app_context():
        change()
        db.session.commit()


def loaded_event(world) -> Event:
    return db.session.scalar(
        sa.select(Event).where(Event.id == world.event.id).options(*access.EVENT_PAGE_OPTIONS)
    )


def loaded_session(world, index: int = 0) -> Session:
    return agenda.session_in_event(loaded_event(world), world.sessions[index])


def session_details(session: Session, **changes) -> agenda.SessionDetails:
    local_start, local_end = session.local_start, session.local_end
    values = {
        "title": session.title,
        "kind": session.kind,
        "day": local_start.date(),
        "start": local_start.time(),
        "end": local_end.time(),
        "room": session.room,
        "description": session.description,
        "attribution": session.attribution,
        "theme_ids": [theme.id for theme in session.themes],
        **changes,
    }
    return agenda.SessionDetails(**values)


def retitle_event(world):
    loaded_event(world).title = "A new title"


def translate_event(world):
    loaded_event(world).set_translations("ar", {"title": "مشاورة إقليمية"})


def add_closing_session(world):
    event = loaded_event(world)
    closing = agenda.SessionDetails(
        "Closing", SessionKind.CLOSING, event.start_date, time(15), time(16)
    )
    agenda.save_session(event, None, closing)


def retitle_session(world):
    session = loaded_session(world)
    agenda.save_session(session.event, session, session_details(session, title="Renamed"))


def translate_session(world):
    loaded_session(world).set_translations("ar", {"title": "جلسة"})


def delete_session(world):
    agenda.delete_session(loaded_session(world, 1))


def change_session_themes(world):
    session = loaded_session(world)
    other = session.event.themes[1].id
    agenda.save_session(session.event, session, session_details(session, theme_ids=[other]))


def add_speaker(world):
    agenda.add_speaker(loaded_session(world, 1), SpeakerRole.SPEAKER, name="Omar Khalil")


def replace_last_speaker(world):
    # SQLite gives the new speaker the id of the one removed.
    session = loaded_session(world)
    agenda.remove_speaker(session, session.speakers[-1].id)
    db.session.flush()
    agenda.add_speaker(session, SpeakerRole.SPEAKER, name="Omar Khalil")


def rename_speaker_account(world):
    db.session.get(User, world.staff.id).display_name = "Amira H. Haddad"


def rename_theme(world):
    db.session.get(Theme, world.theme.id).name = "Renamed theme"


def drop_event_theme(world):
    event = loaded_event(world)
    events.set_event_themes(event, [event.themes[0].id])


def add_partner(world):
    organisation = save_organisation(
        None, "Arab Renaissance for Democracy and Development", "ARDD",
        OrganisationType.NATIONAL_NGO, OrganisationLevel.NATIONAL, "JO", None,
    )  # fmt: skip
    events.add_partner(loaded_event(world), organisation, PartnerRole.SPONSOR)


def rename_partner(world):
    host = db.session.get(Organisation, world.host.id)
    save_organisation(
        host, "Jordan River Foundation (Amman)", host.acronym,
        host.type, host.level, host.country, host.website,
    )  # fmt: skip


def close_registration(world):
    db.session.get(RegistrationSettings, world.event.id).closes_at = now_utc()


def take_a_place(world):
    assert seats.take_seat(world.event.id)


def archive_event(world):
    events.set_status(loaded_event(world), EventStatus.ARCHIVED)


CHANGES = {
    "page": [
        retitle_event,
        translate_event,
        rename_theme,
        drop_event_theme,
        add_partner,
        rename_partner,
        close_registration,
        take_a_place,
        archive_event,
    ],
    "agenda": [
        retitle_event,
        translate_event,
        add_closing_session,
        retitle_session,
        translate_session,
        delete_session,
        change_session_themes,
        add_speaker,
        replace_last_speaker,
        rename_speaker_account,
        rename_theme,
        drop_event_theme,
    ],
    "calendar": [
        retitle_event,
        translate_event,
        add_closing_session,
        retitle_session,
        translate_session,
        delete_session,
    ],
    "session_calendar": [retitle_event, retitle_session, translate_session],
}


@pytest.mark.parametrize(
    ("name", "change"),
    [(name, change) for name, changes in CHANGES.items() for change in changes],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_a_change_to_what_is_shown_gets_the_new_version(app, client, world, name, change):
    url = getattr(world.urls, name)
    etag = etag_of(client, url)
    edit(app, lambda: change(world))
    response = revalidate(client, url, etag)
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    assert revalidate(client, url, response.headers["ETag"]).status_code == 304


def without_capacity(world):
    db.session.get(RegistrationSettings, world.event.id).capacity = None


def register_with_a_new_organisation(world):
    # A registrant's own organisation stays out of the directory the form offers.
    answers = registrations.Answers(
        full_name="Rana Saleh",
        organisation_id=None,
        new_organisation=registrations.NewOrganisation(
            "Amman Relief Network", None, OrganisationType.NATIONAL_NGO,
            OrganisationLevel.NATIONAL, "JO",
        ),
        job_title=None,
        country_of_work="JO",
    )  # fmt: skip
    registrations.register(loaded_event(world), "rana@example.org", "en", answers)


def add_to_the_team(world):
    event_team.add_team_member(loaded_event(world), world.registered.email, TeamRole.ORGANISER)


def speaker_signs_in(world):
    db.session.get(User, world.staff.id).last_login_at = now_utc()


PRIVATE_CHANGES = [register_with_a_new_organisation, add_to_the_team, speaker_signs_in]


@pytest.mark.parametrize("change", PRIVATE_CHANGES, ids=lambda change: change.__name__)
@pytest.mark.parametrize("name", URLS)
def test_a_change_no_public_page_shows_keeps_the_version(
    app, client, world, make_user, name, change
):
    """Nobody may learn from a version that someone registered, joined the team or signed in."""
    world.registered = make_user(Role.ORGANISER, email="member@example.org")
    edit(app, lambda: without_capacity(world))
    url = getattr(world.urls, name)
    etag = etag_of(client, url)
    edit(app, lambda: change(world))
    assert revalidate(client, url, etag).status_code == 304


def test_registration_opening_when_its_time_comes_gets_the_new_version(
    app, client, world, monkeypatch
):
    opening = now_utc().replace(microsecond=0) + timedelta(days=2)
    edit(
        app,
        lambda: setattr(db.session.get(RegistrationSettings, world.event.id), "opens_at", opening),
    )
    etag = etag_of(client, world.urls.page)
    assert "Registration opens on" in client.get(world.urls.page).get_data(as_text=True)
    later = opening + timedelta(minutes=1)
    for module in ("consultation.content_version", "consultation.registrations.configuration"):
        monkeypatch.setattr(f"{module}.now_utc", lambda: later)
    response = revalidate(client, world.urls.page, etag)
    assert response.status_code == 200
    assert "Registration opens on" not in response.get_data(as_text=True)


@pytest.mark.parametrize("name", URLS)
def test_another_interface_language_gets_another_version(client, world, name):
    url = getattr(world.urls, name)
    etag = etag_of(client, url, **{"Accept-Language": "en"})
    response = revalidate(client, url, etag, **{"Accept-Language": "fr"})
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_the_language_chosen_in_the_session_gets_another_version(client, world):
    etag = etag_of(client, world.urls.agenda)
    client.submit("/language", {"language": "ar", "next": world.urls.agenda})
    response = revalidate(client, world.urls.agenda, etag)
    assert response.status_code == 200
    assert 'dir="rtl"' in response.get_data(as_text=True)


# Who is asking --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_two_visitors_never_share_a_page_whose_csrf_token_is_their_own(app, world, name):
    url = getattr(world.urls, name)
    first, second = app.test_client(), app.test_client()
    etag = etag_of(first, url)
    response = revalidate(second, url, etag)
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_a_calendar_holds_no_token_and_is_the_same_for_every_visitor(app, world):
    etag = etag_of(app.test_client(), world.urls.calendar)
    assert revalidate(app.test_client(), world.urls.calendar, etag).status_code == 304


@pytest.mark.parametrize("name", URLS)
def test_signed_in_visitors_get_no_validators_and_nothing_stored(client, world, name):
    url = getattr(world.urls, name)
    anonymous_etag = etag_of(client, url)
    client.login(world.staff.email)
    response = revalidate(client, url, anonymous_etag)
    assert response.status_code == 200
    assert "ETag" not in response.headers and "Last-Modified" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_draft_is_never_revalidated_for_its_team(client, make_event, make_user, add_to_team):
    draft = make_event(EventStatus.DRAFT)
    organiser = make_user(Role.ORGANISER)
    add_to_team(draft, organiser)
    urls = [
        f"/events/{draft.slug}",
        f"/events/{draft.slug}/agenda",
        f"/events/{draft.slug}/agenda.ics",
    ]
    for url in urls:
        missing = client.get(url, headers={"If-None-Match": "*"})
        assert missing.status_code == 404 and "ETag" not in missing.headers
    client.login(organiser.email)
    for url in urls:
        response = client.get(url, headers={"If-None-Match": "*"})
        assert response.status_code == 200, url
        assert "ETag" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"


def test_a_flashed_message_is_shown_and_its_page_not_kept(client, world):
    etag = etag_of(client, world.urls.page)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "You are registered.")]
    response = revalidate(client, world.urls.page, etag)
    assert response.status_code == 200
    assert "You are registered." in response.get_data(as_text=True)
    assert "ETag" not in response.headers
    # Shown once: the next request finds the page as it was.
    assert revalidate(client, world.urls.page, etag).status_code == 304


# If-Modified-Since ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", URLS)
def test_a_date_alone_never_confirms_a_copy(app, client, world, name):
    """No date covers a deleted session, another language or another visitor's token, so the
    responses carry none and a copy is confirmed by its ETag alone."""
    url = getattr(world.urls, name)
    response = client.get(url)
    assert "Last-Modified" not in response.headers
    tomorrow = format_datetime(now_utc() + timedelta(days=1), usegmt=True)
    edit(app, lambda: retitle_event(world))
    changed = client.get(url, headers={"If-Modified-Since": tomorrow})
    assert changed.status_code == 200
    assert "A new title" in changed.get_data(as_text=True)


# Pages kept rendered ----------------------------------------------------------------------------


def csrf_token_in(page: str) -> str:
    return CSRF_INPUT.search(page).group(1)


@pytest.mark.parametrize("name", PAGES)
def test_a_page_is_rendered_once_per_version_and_each_visitor_gets_their_own_token(
    app, world, name
):
    url = getattr(world.urls, name)
    rendered = []
    with template_rendered.connected_to(
        lambda *args, template, **kwargs: rendered.append(template), app
    ):
        first, second = app.test_client(), app.test_client()
        pages = [client.get(url).get_data(as_text=True) for client in (first, second)]
    assert len(rendered) == 1
    tokens = [csrf_token_in(page) for page in pages]
    assert tokens[0] != tokens[1]
    assert pages[0].replace(tokens[0], "") == pages[1].replace(tokens[1], "")
    # The second visitor's token is their own: their form is accepted, the first's refused.
    for client, token, status in [(second, tokens[1], 302), (second, tokens[0], 400)]:
        response = client.post(
            "/language", data={"csrf_token": token, "language": "fr", "next": url}
        )
        assert response.status_code == status


@pytest.mark.parametrize(
    ("name", "change", "shown"),
    [
        ("page", retitle_event, "A new title"),
        ("agenda", retitle_session, "Renamed"),
        ("agenda", add_closing_session, "Closing"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_a_kept_page_is_rendered_again_when_what_it_shows_changes(app, world, name, change, shown):
    url = getattr(world.urls, name)
    assert shown not in app.test_client().get(url).get_data(as_text=True)
    edit(app, lambda: change(world))
    assert shown in app.test_client().get(url).get_data(as_text=True)


def test_pages_kept_are_bounded_the_least_recently_used_going_first(app):
    pages = RenderedPages(2)
    for version in ("a", "b"):
        pages.keep(version, f"page {version} token-{version}", f"token-{version}")
    assert pages.get("a", "mine") == "page a mine"
    pages.keep("c", "page c", "token-c")
    assert pages.get("b", "mine") is None
    assert pages.get("a", "mine") == "page a mine"
    assert pages.get("c", "mine") == "page c"
    nothing_kept = RenderedPages(0)
    nothing_kept.keep("a", "page a", "token")
    assert nothing_kept.get("a", "mine") is None


def register_url(world) -> str:
    return f"/events/{world.event.slug}/register"


def test_the_registration_form_is_rendered_once_and_each_visitor_registers_with_their_own_token(
    app, world
):
    rendered = []
    with template_rendered.connected_to(
        lambda *args, template, **kwargs: rendered.append(template), app
    ):
        visitors = [app.test_client(), app.test_client()]
        pages = [visitor.get(register_url(world)).get_data(as_text=True) for visitor in visitors]
    assert len(rendered) == 1
    tokens = [csrf_token_in(page) for page in pages]
    assert tokens[0] != tokens[1]
    fields = {
        "full_name": "Leila Mansour",
        "organisation_id": str(world.host.id),
        "new_organisation_type": "local_ngo",
        "new_organisation_level": "local",
        "country_of_work": "LB",
        "consent": "y",
    }
    # Someone else's token is refused; each visitor's own is accepted, and the form sent is
    # handled, never answered with the page kept.
    refused = visitors[1].post(
        register_url(world), data={**fields, "email": "a@example.org", "csrf_token": tokens[0]}
    )
    assert refused.status_code == 400
    for visitor, token, email in zip(
        visitors, tokens, ("a@example.org", "b@example.org"), strict=True
    ):
        response = visitor.post(
            register_url(world), data={**fields, "email": email, "csrf_token": token}
        )
        assert response.status_code == 200
        assert email in response.get_data(as_text=True)
    with app.app_context():
        emails = db.session.scalars(
            sa.select(Registration.email).where(Registration.event_id == world.event.id)
        ).all()
    assert sorted(emails) == ["a@example.org", "b@example.org"]


def add_organisation(world):
    save_organisation(
        None, "Sahel Relief Network", "SRN", OrganisationType.NGO_NETWORK,
        OrganisationLevel.REGIONAL, "ML", None,
    )  # fmt: skip


def ask_for_accessibility_needs(world):
    settings = db.session.get(RegistrationSettings, world.event.id)
    settings.questions = [*settings.questions, "accessibility_needs"]


def rewrite_privacy_notice(world):
    db.session.get(RegistrationSettings, world.event.id).privacy_notice = "Kept 30 days."


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (add_organisation, "Sahel Relief Network (SRN)"),
        (ask_for_accessibility_needs, 'name="accessibility_needs"'),
        (rewrite_privacy_notice, "Kept 30 days."),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_the_registration_form_is_rendered_again_when_what_it_offers_changes(
    app, world, change, shown
):
    assert shown not in app.test_client().get(register_url(world)).get_data(as_text=True)
    edit(app, lambda: change(world))
    assert shown in app.test_client().get(register_url(world)).get_data(as_text=True)


def test_a_page_whose_data_changes_while_it_renders_is_not_kept(app, world, monkeypatch):
    """On PostgreSQL the page's queries see changes made after its version was read: kept
    under that version, the page would come back when the change is undone."""
    load = access.visible_event

    def load_after_a_place_is_taken(*args, **kwargs):
        monkeypatch.setattr(access, "visible_event", load)
        edit(app, lambda: take_a_place(world))
        return load(*args, **kwargs)

    monkeypatch.setattr(access, "visible_event", load_after_a_place_is_taken)
    # PostgreSQL shows the place taken; SQLite reads the whole request from one snapshot.
    app.test_client().get(world.urls.page)
    edit(app, lambda: seats.free_seat(world.event.id))
    assert "2 places left." in app.test_client().get(world.urls.page).get_data(as_text=True)
