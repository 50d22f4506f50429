"""Text people type: invisible controls are dropped on input, and the text is isolated in its
own direction wherever it sits inside translated text (pages, emails)."""

import importlib
import pkgutil
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm

import consultation
from consultation.accounts.models import Role
from consultation.forms import Form
from consultation.registrations.models import Moderation
from tests.factories import configure, form, registrations
from tests.helpers import PASSWORD, open_link

RIGHT_TO_LEFT_OVERRIDE, POP = "\u202e", "\u202c"


@pytest.fixture
def open_event(app, make_event):
    event = make_event()
    configure(app, event, capacity=10, moderation=Moderation.AUTOMATIC)
    return event


def test_direction_overrides_and_invisible_characters_are_dropped_from_what_people_type(
    app, client, open_event
):
    response = client.submit(
        f"/events/{open_event.slug}/register",
        form(
            "leila@ngo.example",
            full_name=f"{RIGHT_TO_LEFT_OVERRIDE}live{POP} Le\u200bila \u2067Mansour\u2069",
            new_organisation_name="\ufeffTripoli\u2060 Community Aid",
            job_title="\u202aProtection\u202c officer",
        ),
    )
    assert response.status_code == 200
    [registration] = registrations(app, open_event)
    assert registration.full_name == "live Leila Mansour"
    assert registration.organisation.name == "Tripoli Community Aid"
    assert registration.job_title == "Protection officer"


def test_joiners_and_marks_that_scripts_need_are_kept(app, client, open_event):
    # ZWNJ (Persian), ZWJ (emoji sequences) and the right-to-left mark are part of the text.
    name = "فاطمه\u200cزاده \u200f👩\u200d💻"
    client.submit(
        f"/events/{open_event.slug}/register", form("fatemeh@ngo.example", full_name=name)
    )
    [registration] = registrations(app, open_event)
    assert registration.full_name == name


def test_passwords_are_kept_exactly_as_typed(client, make_user):
    password = f"{PASSWORD} {RIGHT_TO_LEFT_OVERRIDE}"
    user = make_user(Role.PARTICIPANT, password=password)
    assert client.submit("/login", {"email": user.email, "password": password}).status_code == 302


def test_every_form_drops_invisible_controls():
    for module in pkgutil.walk_packages(consultation.__path__, "consultation."):
        importlib.import_module(module.name)

    def subclasses(cls):
        for subclass in cls.__subclasses__():
            yield subclass
            yield from subclasses(subclass)

    forms = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("consultation.")]
    assert len(forms) > 30
    assert [cls.__qualname__ for cls in forms if not issubclass(cls, Form)] == []


# Isolation -----------------------------------------------------------------------------------

LATIN = ("Ali Jr.", "Amel Association.", "Access now.", "Hall A.")
ARABIC = ("علي حسن", "جمعية الأمل.")
UNISOLATED_ELEMENTS = {"title", "option", "textarea", "script", "style"}


class Isolation(HTMLParser):
    """For each text of ``wanted`` found in a page, the direction of the innermost element
    around it that sets one (``<html>``, a ``<bdi>`` or any element with ``dir``): a name in a
    sentence of the other direction that is not isolated takes the sentence's."""

    def __init__(self, html: str, wanted: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.stack: list[tuple[str, str | None]] = []
        self.found: list[tuple[str, str | None]] = []
        self.feed(html)

    VOID = {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"}

    def handle_starttag(self, tag, attributes):
        if tag in self.VOID:
            return
        direction = dict(attributes).get("dir")
        self.stack.append((tag, direction))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if any(tag in UNISOLATED_ELEMENTS for tag, _ in self.stack):
            return
        for text in self.wanted:
            if text in data:
                directions = [direction for _, direction in self.stack if direction]
                self.found.append((text, directions[-1] if directions else None))


def check_isolated(html: str, where: str) -> list[str]:
    found = Isolation(html, LATIN + ARABIC).found
    expected = {**dict.fromkeys(LATIN, "ltr"), **dict.fromkeys(ARABIC, "rtl")}
    return [
        f"{where}: {text!r} sits in {direction or 'no direction'}"
        for text, direction in found
        if direction != expected[text]
    ]


@pytest.fixture
def mixed_world(app, make_user, make_event, add_to_team):
    """An English event whose people have Latin and Arabic names, ending in punctuation."""
    from consultation.agenda import services as agenda
    from consultation.agenda.models import SpeakerRole
    from consultation.db import db
    from consultation.events import services as events
    from consultation.events.models import Event, PartnerRole
    from tests.routes import _open_registration, _organisation, _register, _session

    event = make_event(title="Access now.", working_languages=["en", "ar"], venue="Hall A.")
    organisers = {}
    for language in ("ar", "en"):
        organisers[language] = make_user(Role.ORGANISER, language=language)
        add_to_team(event, organisers[language])
    with app.app_context():
        stored = db.session.get(Event, event.id, options=[sa.orm.selectinload(Event.themes)])
        latin = _organisation("Amel Association.")
        arabic = _organisation("جمعية الأمل.")
        events.add_partner(stored, latin, PartnerRole.HOST)
        events.add_partner(stored, arabic, PartnerRole.SPONSOR)
        session = _session(stored, "Access now.", event.start_date, 9, "Hall A.")
        agenda.add_speaker(session, SpeakerRole.SPEAKER, name="Ali Jr.", organisation=latin)
        agenda.add_speaker(session, SpeakerRole.SPEAKER, name="علي حسن", organisation=arabic)
        _open_registration(stored, Moderation.APPROVAL)
        first, token = _register(stored, "Ali Jr.", "ali@ngo.example", arabic)
        second, _ = _register(stored, "علي حسن", "hasan@ngo.example", latin)
        db.session.commit()
        return SimpleNamespace(
            event=event,
            organisers=organisers,
            session_id=session.id,
            registration_ids=(first.id, second.id),
            manage_url=f"/registrations/{first.id}/{token}",
        )


@pytest.mark.parametrize("language", ["ar", "en"])
def test_user_text_keeps_its_own_direction_on_every_page(app, mixed_world, language):
    client = app.test_client()
    client.login(mixed_world.organisers[language].email)
    slug = mixed_world.event.slug
    first, second = mixed_world.registration_ids
    pages = [
        f"/events/{slug}",
        f"/events/{slug}/agenda",
        f"/events/{slug}/sessions/{mixed_world.session_id}",
        f"/manage/events/{slug}",
        f"/manage/events/{slug}/partners",
        f"/manage/events/{slug}/sessions/{mixed_world.session_id}/edit",
        f"/manage/events/{slug}/registrations",
        f"/manage/events/{slug}/registrations/{first}",
        f"/manage/events/{slug}/registrations/{second}",
        f"/manage/events/{slug}/outcomes/sessions/{mixed_world.session_id}",
        "/manage/organisations/",
        "/manage/",
    ]
    problems = []
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert any(text in html for text in LATIN + ARABIC), page
        problems += check_isolated(html, page)
    visitor = app.test_client()
    visitor.set_cookie("language", language)
    manage = open_link(visitor, mixed_world.manage_url)
    for page in (manage, f"/events/{slug}/register"):
        response = visitor.get(page, headers={"Accept-Language": language})
        problems += check_isolated(response.get_data(as_text=True), page)
    assert problems == []


def test_names_in_emails_keep_their_own_direction(app, mixed_world, outbox):
    # Emails greet the participant by name once their address is confirmed: they open their
    # link, then ask for it again.
    participant = app.test_client()
    open_link(participant, mixed_world.manage_url)
    outbox.clear()
    participant.submit(
        f"/events/{mixed_world.event.slug}/register/link", {"email": "ali@ngo.example"}
    )
    messages = [message for message in outbox if message["To"] == "ali@ngo.example"]
    assert messages
    for message in messages:
        html = message.get_body(preferencelist=("html",)).get_content()
        assert check_isolated(html, "email") == []
        text = message.get_body(preferencelist=("plain",)).get_content()
        # Plain text holds the name between left-to-right isolate characters.
        assert "\u2066Ali Jr.\u2069" in text and "\u2066Access now.\u2069" in text
