"""Events and sessions carry their texts in several languages: organisers translate them,
visitors read their own language or the original with a note saying so."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from consultation.agenda.models import Session, SessionKind
from consultation.db import db
from consultation.events.models import Event, TeamRole
from tests.factories import configure, form
from tests.helpers import translated

ARABIC = {"Accept-Language": "ar"}
FRENCH = {"Accept-Language": "fr"}


@pytest.fixture
def event(app, make_event):
    event = make_event(
        title="Regional consultation on humanitarian access",
        summary="Safe access in **high-risk** places.",
        description="Three days of debate.",
        working_languages=["en", "ar", "fr"],
    )
    with app.app_context():
        session = Session(
            event_id=event.id,
            title="Access to detention centres",
            description="Monitoring visits.",
            kind=SessionKind.PANEL,
            starts_at=datetime(2027, 3, 1, 7, tzinfo=UTC),
            ends_at=datetime(2027, 3, 1, 8, tzinfo=UTC),
        )
        db.session.add(session)
        db.session.commit()
        event.session_id = session.id
    return event


@pytest.fixture
def organiser_client(client, make_user, add_to_team, event):
    from consultation.accounts.models import Role

    organiser = make_user(Role.ORGANISER)
    add_to_team(event, organiser, TeamRole.ORGANISER)
    client.login(organiser.email)
    return client


ARABIC_TEXTS = {
    "text0-title": "المشاورة الإقليمية حول وصول المساعدات الإنسانية",
    "text0-summary": "الوصول الآمن إلى **الأماكن** عالية الخطورة.",
    "text0-description": "",
    "text1-title": "الوصول إلى مراكز الاحتجاز",
    "text1-description": "زيارات الرصد.",
}


def test_an_organiser_translates_and_arabic_readers_see_it(app, organiser_client, event):
    url = f"/manage/events/{event.slug}/translations"
    page = organiser_client.get(url).get_data(as_text=True)
    assert "0 of 5" in page  # five non-empty texts, none translated yet, for each language
    form = organiser_client.get(f"{url}/ar").get_data(as_text=True)
    assert 'id="text1-title" lang="ar"' in form and "Access to detention centres" in form

    response = organiser_client.submit(f"{url}/ar", ARABIC_TEXTS)
    assert response.status_code == 302
    page = organiser_client.get(url).get_data(as_text=True)
    assert "4 of 5" in page and "0 of 5" in page  # Arabic, then French

    visitor = app.test_client()
    arabic = visitor.get(f"/events/{event.slug}", headers=ARABIC).get_data(as_text=True)
    assert "<h1>المشاورة الإقليمية حول وصول المساعدات الإنسانية</h1>" in arabic
    assert "<strong>الأماكن</strong>" in arabic
    # The description has no Arabic version: the English one, marked as English.
    assert '<div lang="en" dir="ltr"><p>Three days of debate.</p>' in arabic
    agenda = visitor.get(f"/events/{event.slug}/agenda", headers=ARABIC).get_data(as_text=True)
    assert "الوصول إلى مراكز الاحتجاز" in agenda
    session = visitor.get(
        f"/events/{event.slug}/sessions/{event.session_id}", headers=ARABIC
    ).get_data(as_text=True)
    assert "<p>زيارات الرصد.</p>" in session
    # English readers still see the original.
    english = visitor.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "<h1>Regional consultation on humanitarian access</h1>" in english


def test_readers_of_an_untranslated_language_see_the_original_with_a_note(app, client, event):
    page = client.get(f"/events/{event.slug}", headers=FRENCH).get_data(as_text=True)
    assert '<h1 lang="en" dir="ltr">Regional consultation on humanitarian access</h1>' in page
    note = translated(
        "fr",
        "There is no %(wanted)s version of this page yet: its texts are shown in %(original)s.",
    ) % {"wanted": "français", "original": "anglais"}
    assert note in page
    # Once translated, the note is gone.
    with app.app_context():
        stored = db.session.get(Event, event.id)
        stored.set_translations("fr", {"title": "Consultation régionale sur l'accès"})
        db.session.commit()
    page = client.get(f"/events/{event.slug}", headers=FRENCH).get_data(as_text=True)
    assert "<h1>Consultation régionale sur l&#39;accès</h1>" in page
    assert "anglais" not in page


def test_a_translation_that_is_too_long_is_refused_and_kept(app, organiser_client, event):
    url = f"/manage/events/{event.slug}/translations/fr"
    response = organiser_client.submit(url, {"text0-title": "x" * 201, "text1-title": "Accès"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Field cannot be longer than 200 characters." in page or "200" in page
    assert 'value="Accès"' in page
    with app.app_context():
        assert db.session.get(Event, event.id).translations == {}


def test_only_the_events_other_working_languages_can_be_translated(
    app, organiser_client, make_event, add_to_team, event
):
    assert organiser_client.get(f"/manage/events/{event.slug}/translations/en").status_code == 404
    assert organiser_client.get(f"/manage/events/{event.slug}/translations/de").status_code == 404
    english_only = make_event(working_languages=["en"])
    page = organiser_client.get(f"/manage/events/{english_only.slug}/translations")
    assert page.status_code == 403  # not on its team
    assert organiser_client.get(f"/events/{event.slug}").status_code == 200


def test_an_event_with_one_language_says_there_is_nothing_to_translate(
    app, organiser_client, event
):
    with app.app_context():
        db.session.get(Event, event.id).working_languages = ["en"]
        db.session.commit()
    page = organiser_client.get(f"/manage/events/{event.slug}/translations")
    assert "nothing to translate" in page.get_data(as_text=True)


def test_a_new_edition_keeps_the_translated_texts_but_not_the_title(app, organiser_client, event):
    organiser_client.submit(f"/manage/events/{event.slug}/translations/ar", ARABIC_TEXTS)
    response = organiser_client.submit(
        f"/manage/events/{event.slug}/copy",
        {"title": "Regional consultation 2028", "start_date": "2028-03-06"},
    )
    assert response.status_code == 302
    with app.app_context():
        copy = db.session.scalar(sa.select(Event).where(Event.start_date == date(2028, 3, 6)))
        assert copy.translations == {"ar": {"summary": ARABIC_TEXTS["text0-summary"]}}
        [session] = db.session.scalars(sa.select(Session).where(Session.event_id == copy.id))
        assert session.translations["ar"]["title"] == "الوصول إلى مراكز الاحتجاز"


def test_emails_and_calendars_name_the_event_in_the_readers_language(
    app, organiser_client, outbox, event
):
    organiser_client.submit(f"/manage/events/{event.slug}/translations/ar", ARABIC_TEXTS)
    configure(app, event, capacity=5)
    visitor = app.test_client()
    visitor.submit(f"/events/{event.slug}/register", form("amal@ngo.example"), headers=ARABIC)
    visitor.submit(f"/events/{event.slug}/register", form("luc@ngo.example"), headers=FRENCH)
    arabic, french = outbox
    assert arabic["Subject"].endswith(ARABIC_TEXTS["text0-title"])
    assert french["Subject"].endswith("Regional consultation on humanitarian access")
    calendar = visitor.get(f"/events/{event.slug}/agenda.ics", headers=ARABIC).get_data(
        as_text=True
    )
    assert f"SUMMARY;LANGUAGE=ar:{ARABIC_TEXTS['text1-title']}" in calendar


def test_dates_are_in_the_readers_language_with_western_digits_and_the_events_zone(client, event):
    arabic = client.get(f"/events/{event.slug}/agenda", headers=ARABIC).get_data(as_text=True)
    assert "الاثنين، 1 مارس 2027" in arabic  # Arabic day and month names
    assert not any("\u0660" <= character <= "\u0669" for character in arabic)
    # 07:00 UTC is 10:00 in Amman, and the zone is named.
    assert "10:00" in arabic and "Asia/Amman (UTC+03:00)" in arabic
    french = client.get(f"/events/{event.slug}/agenda", headers=FRENCH).get_data(as_text=True)
    assert "lundi 1 mars 2027" in french and "10:00" in french
