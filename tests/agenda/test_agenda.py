from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser

import icalendar
import pytest
import sqlalchemy as sa

from consultation.accounts.models import Role
from consultation.agenda.models import Session, SessionKind, SessionSpeaker, SpeakerRole
from consultation.agenda.services import SessionDetails, save_session
from consultation.db import db
from consultation.events.models import Event, EventStatus
from consultation.markdown import render_markdown
from consultation.taxonomy.models import Theme
from tests.helpers import shown

ISTANBUL = {
    "start_date": date(2027, 5, 11),
    "end_date": date(2027, 5, 13),
    "timezone": "Europe/Istanbul",
    "city": "Istanbul",
    "country": "TR",
}
SESSION = {
    "title": "Risk reduction tactics",
    "kind": "panel",
    "day": "2027-05-11",
    "start": "09:00",
    "end": "10:30",
    "room": "Marmara Hall",
    "attribution": "chatham_house",
    "description": "",
}


@pytest.fixture
def event(app, make_event, themes):
    event = make_event(**ISTANBUL)
    with app.app_context():
        stored = db.session.get(Event, event.id, options=[sa.orm.selectinload(Event.themes)])
        stored.themes = list(db.session.scalars(sa.select(Theme)))
        db.session.commit()
    return event


def add_session(app, event, **changes) -> int:
    values = {
        "title": "Plenary",
        "kind": SessionKind.PLENARY,
        "day": event.start_date,
        "start": time(9),
        "end": time(10),
        "room": "Marmara Hall",
        **changes,
    }
    with app.app_context():
        stored = db.session.get(Event, event.id, options=[sa.orm.selectinload(Event.themes)])
        session = save_session(stored, None, SessionDetails(**values))
        db.session.commit()
        return session.id


def stored_sessions(app, event):
    with app.app_context():
        return db.session.scalars(
            sa.select(Session).where(Session.event_id == event.id).order_by(Session.starts_at)
        ).all()


def test_a_session_entered_at_nine_in_istanbul_is_stored_in_utc(app, client, event, organiser):
    response = client.submit(f"/manage/events/{event.slug}/sessions/new", SESSION)
    assert response.status_code == 302
    [session] = stored_sessions(app, event)
    assert session.starts_at == datetime(2027, 5, 11, 6, 0, tzinfo=UTC)
    assert session.ends_at == datetime(2027, 5, 11, 7, 30, tzinfo=UTC)


def test_the_timezone_round_trip_to_the_page_and_the_calendar(app, client, event):
    session_id = add_session(app, event, title="Opening", start=time(9), end=time(9, 45))
    agenda = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    # Babel separates the time from AM with a narrow no-break space.
    assert "9:00\u202fAM" in agenda and "Europe/Istanbul (UTC+03:00)" in agenda
    assert 'datetime="2027-05-11T09:00:00+03:00"' in agenda
    page = client.get(f"/events/{event.slug}/sessions/{session_id}").get_data(as_text=True)
    assert "9:00\u202fAM" in page

    response = client.get(f"/events/{event.slug}/sessions/{session_id}.ics")
    assert response.mimetype == "text/calendar"
    raw = response.get_data(as_text=True)
    assert "DTSTART;TZID=Europe/Istanbul:20270511T090000" in raw
    assert "BEGIN:VTIMEZONE" in raw and "TZID:Europe/Istanbul" in raw
    calendar = icalendar.Calendar.from_ical(raw)
    [entry] = calendar.walk("VEVENT")
    assert entry.decoded("dtstart") == datetime(2027, 5, 11, 6, 0, tzinfo=UTC)
    assert str(entry["uid"]) == f"session-{session_id}@consultation.test"


def test_the_event_calendar_has_every_session_with_stable_uids_and_escaped_text(app, client, event):
    add_session(app, event, title="Access; risks, and duty of care", start=time(9), end=time(10))
    add_session(
        app,
        event,
        title="Closing",
        kind=SessionKind.CLOSING,
        day=date(2027, 5, 13),
        start=time(12),
        end=time(13),
    )
    first = client.get(f"/events/{event.slug}/agenda.ics").get_data(as_text=True)
    assert r"SUMMARY;LANGUAGE=en:Access\; risks\, and duty of care" in first
    entries = icalendar.Calendar.from_ical(first).walk("VEVENT")
    assert [str(entry["summary"]) for entry in entries] == [
        "Access; risks, and duty of care",
        "Closing",
    ]
    second = client.get(f"/events/{event.slug}/agenda.ics").get_data(as_text=True)
    uids = [str(entry["uid"]) for entry in entries]
    assert uids == [str(e["uid"]) for e in icalendar.Calendar.from_ical(second).walk("VEVENT")]


def test_an_event_without_sessions_exports_its_days(client, make_event):
    event = make_event()
    [entry] = icalendar.Calendar.from_ical(
        client.get(f"/events/{event.slug}/agenda.ics").data
    ).walk("VEVENT")
    assert entry.decoded("dtstart") == date(2027, 3, 1)
    assert entry.decoded("dtend") == date(2027, 3, 4)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"end": "08:30"}, "end", "The session must end after it starts."),
        ({"day": "2027-05-20"}, "day", "Not a valid choice"),
        ({"start": "9h"}, "start", "Enter a time as HH:MM, e.g. 09:30."),
        ({"title": ""}, "title", "Give the session a title."),
    ],
)
def test_session_errors_are_shown_on_their_fields_with_the_values_kept(
    app, client, event, organiser, change, field, message
):
    response = client.submit(f"/manage/events/{event.slug}/sessions/new", {**SESSION, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'id="{field}-error"' in page
    assert 'value="Marmara Hall"' in page
    assert stored_sessions(app, event) == []


def test_two_sessions_cannot_share_a_room_at_the_same_time(app, client, event, organiser):
    add_session(app, event, title="Opening", start=time(9), end=time(10))
    clash = client.submit(
        f"/manage/events/{event.slug}/sessions/new",
        {**SESSION, "start": "09:30", "room": "marmara hall"},
    )
    assert clash.status_code == 422
    assert "Marmara Hall is already taken by “Opening” from 09:00 to 10:00." in shown(
        clash.get_data(as_text=True)
    )
    elsewhere = client.submit(
        f"/manage/events/{event.slug}/sessions/new",
        {**SESSION, "start": "09:30", "room": "Galata Room"},
    )
    assert elsewhere.status_code == 302
    back_to_back = client.submit(
        f"/manage/events/{event.slug}/sessions/new",
        {**SESSION, "title": "Next", "start": "10:30", "end": "11:00"},
    )
    assert back_to_back.status_code == 302


def test_breaks_may_share_a_room(app, client, event, organiser):
    add_session(
        app,
        event,
        title="Coffee",
        kind=SessionKind.BREAK,
        start=time(10),
        end=time(10, 30),
        room="Foyer",
    )
    response = client.submit(
        f"/manage/events/{event.slug}/sessions/new",
        {
            **SESSION,
            "kind": "break",
            "title": "Networking",
            "start": "10:00",
            "end": "10:30",
            "room": "Foyer",
        },
    )
    assert response.status_code == 302


def test_editing_a_session_does_not_clash_with_itself(app, client, event, organiser):
    session_id = add_session(app, event, title="Opening", start=time(9), end=time(10))
    response = client.submit(
        f"/manage/events/{event.slug}/sessions/{session_id}/edit",
        {**SESSION, "title": "Opening plenary", "start": "09:00", "end": "10:15"},
    )
    assert response.status_code == 302
    [session] = stored_sessions(app, event)
    assert session.title == "Opening plenary"


def test_a_speaker_cannot_be_in_two_parallel_sessions(app, client, event, organiser, make_user):
    director = make_user(Role.ORGANISER, display_name="Amina Diallo")
    opening = add_session(app, event, title="Opening", start=time(9), end=time(10))
    breakout = add_session(
        app, event, title="Breakout A", start=time(9, 30), end=time(11), room="Galata Room"
    )
    later = add_session(app, event, title="Closing", start=time(10), end=time(11), room="Foyer")

    def add(session_id, **person):
        return client.submit(
            f"/manage/events/{event.slug}/sessions/{session_id}/speakers",
            {
                "speaker-role": "speaker",
                "speaker-user_id": "0",
                "speaker-name": "",
                "speaker-title": "",
                "speaker-organisation_id": "0",
                **person,
            },
        )

    assert add(opening, **{"speaker-user_id": str(director.id)}).status_code == 302
    clash = add(breakout, **{"speaker-user_id": str(director.id)})
    assert clash.status_code == 422
    assert "Amina Diallo is already on “Opening” from 09:00 to 10:00." in shown(
        clash.get_data(as_text=True)
    )
    # External speakers are the same person whatever the case and spacing of their name.
    assert add(opening, **{"speaker-name": "Hala Nasser"}).status_code == 302
    external = add(breakout, **{"speaker-name": "hala  NASSER"})
    assert external.status_code == 422
    assert "is already on “Opening” from 09:00 to 10:00." in shown(external.get_data(as_text=True))
    # Back to back is no clash.
    assert add(later, **{"speaker-user_id": str(director.id)}).status_code == 302
    # Nor may a session be moved onto the time of another of its speakers' sessions.
    moved = client.submit(
        f"/manage/events/{event.slug}/sessions/{later}/edit",
        {**SESSION, "title": "Closing", "start": "09:45", "end": "11:00", "room": "Foyer"},
    )
    assert moved.status_code == 422
    assert "Amina Diallo is already on “Opening” from 09:00 to 10:00." in shown(
        moved.get_data(as_text=True)
    )
    with app.app_context():
        assert db.session.get(Session, later).starts_at.astimezone(UTC).hour == 7


def test_people_on_a_session(app, client, event, organiser, make_organisation):
    session_id = add_session(app, event)
    iom = make_organisation("International Organization for Migration", "IOM")
    url = f"/manage/events/{event.slug}/sessions/{session_id}/speakers"
    moderator = {
        "speaker-role": "moderator",
        "speaker-user_id": "0",
        "speaker-name": "Hala Nasser",
        "speaker-title": "Executive Director",
        "speaker-organisation_id": str(iom.id),
    }
    assert client.submit(url, moderator).status_code == 302
    second = client.submit(url, {**moderator, "speaker-name": "Another moderator"})
    assert second.status_code == 422
    assert "This session already has a moderator." in second.get_data(as_text=True)
    nobody = client.submit(url, {**moderator, "speaker-role": "speaker", "speaker-name": ""})
    assert nobody.status_code == 422
    assert "give the name of an external speaker" in nobody.get_data(as_text=True)
    page = client.get(f"/events/{event.slug}/sessions/{session_id}").get_data(as_text=True)
    assert (
        "Hala Nasser" in page
        and "Executive Director" in page
        and "IOM" in page
        and "Moderator" in page
    )


def test_the_agenda_filters_by_theme(app, client, event, themes):
    add_session(app, event, title="On access", theme_ids=[themes[0].id])
    add_session(app, event, title="On diversion", theme_ids=[themes[8].id], room="Galata Room")
    page = client.get(f"/events/{event.slug}/agenda?theme={themes[8].slug}").get_data(as_text=True)
    assert "On diversion" in page and "On access" not in page
    assert client.get("/themes.css").get_data(as_text=True).count(".theme-") == len(themes)


def test_a_draft_agenda_is_a_404_for_visitors(app, client, make_event):
    event = make_event(status=EventStatus.DRAFT)
    for url in [
        f"/events/{event.slug}/agenda",
        f"/events/{event.slug}/agenda.ics",
        f"/api/v1/events/{event.slug}",
    ]:
        assert client.get(url).status_code == 404, url


def test_deleting_a_session(app, client, event, organiser):
    session_id = add_session(app, event)
    assert (
        client.submit(f"/manage/events/{event.slug}/sessions/{session_id}/delete").status_code
        == 302
    )
    assert stored_sessions(app, event) == []


def test_the_event_list_filters_by_region_theme_and_year(client, make_event, app, themes):
    make_event(
        title="Dakar 2028",
        region="west-central-africa",
        start_date=date(2028, 3, 1),
        end_date=date(2028, 3, 2),
    )
    istanbul = make_event(
        title="Istanbul 2027", start_date=date(2027, 5, 11), end_date=date(2027, 5, 13)
    )
    with app.app_context():
        stored = db.session.get(Event, istanbul.id, options=[sa.orm.selectinload(Event.themes)])
        stored.themes = [db.session.get(Theme, themes[3].id)]
        db.session.commit()
    by_region = client.get("/events?region=mena").get_data(as_text=True)
    assert "Istanbul 2027" in by_region and "Dakar 2028" not in by_region
    by_year = client.get("/events?year=2028").get_data(as_text=True)
    assert "Dakar 2028" in by_year and "Istanbul 2027" not in by_year
    by_theme = client.get(f"/events?theme={themes[3].slug}").get_data(as_text=True)
    assert "Istanbul 2027" in by_theme and "Dakar 2028" not in by_theme
    nothing = client.get("/events?year=1999").get_data(as_text=True)
    assert "No consultation matches these filters." in nothing


# Markdown ----------------------------------------------------------------------------------


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = TagCollector()
    collector.feed(html)
    return collector.tags


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "![tracker](https://evil.example/pixel.png)",
        '<a href="https://evil.example" onclick="steal()">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<p style="background:url(https://evil.example/x)">styled</p>',
    ],
)
def test_markdown_keeps_no_script_handler_or_remote_resource(attack):
    html = str(render_markdown(f"Intro\n\n{attack}\n\n**Bold** and [IOM](https://www.iom.int)"))
    tags = tags_of(html)
    assert {tag for tag, _ in tags} <= {"p", "strong", "a"}, html
    for _, attributes in tags:
        assert set(attributes) <= {"href", "rel"}, html
    assert [attributes["href"] for tag, attributes in tags if tag == "a"] == ["https://www.iom.int"]
    assert "<strong>Bold</strong>" in html


def test_markdown_links_to_javascript_are_never_clickable():
    assert "href" not in str(render_markdown("[click](javascript:alert(1))"))


def test_the_event_page_renders_its_markdown_safely(client, make_event):
    event = make_event(summary="**Safe** <script>alert('x')</script>")
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "<strong>Safe</strong>" in page
    assert "<script>alert" not in page


# JSON ---------------------------------------------------------------------------------------


def test_the_json_view_of_an_event_and_its_agenda(app, client, event, themes):
    add_session(app, event, title="Opening", theme_ids=[themes[0].id])
    data = client.get(f"/api/v1/events/{event.slug}").get_json()
    assert data["slug"] == event.slug and data["timezone"] == "Europe/Istanbul"
    [session] = data["sessions"]
    assert session["starts_at"] == "2027-05-11T09:00:00+03:00"
    assert session["themes"] == [themes[0].slug]
    listing = client.get("/api/v1/events").get_json()
    assert [item["slug"] for item in listing["events"]] == [event.slug]
    missing = client.get("/api/v1/events/nowhere")
    assert missing.status_code == 404 and missing.get_json()["status"] == 404


# Queries ------------------------------------------------------------------------------------


def fill_agenda(app, event, count, themes):
    with app.app_context():
        stored_themes = db.session.scalars(sa.select(Theme)).all()
        for number in range(count):
            day = event.start_date.toordinal() + number % 3
            start = datetime.combine(date.fromordinal(day), time(8), tzinfo=UTC)
            db.session.add(
                Session(
                    event_id=event.id,
                    title=f"Session {number}",
                    kind=SessionKind.PLENARY,
                    starts_at=start.replace(minute=number % 60),
                    ends_at=start.replace(hour=9, minute=number % 60),
                    room=f"Room {number}",
                    themes=stored_themes[: 1 + number % 3],
                    speakers=[
                        SessionSpeaker(
                            name=f"Speaker {number}-{n}", role=SpeakerRole.SPEAKER, position=n
                        )
                        for n in range(2)
                    ],
                )
            )
        db.session.commit()


def test_the_agenda_uses_the_same_number_of_queries_for_5_and_300_sessions(
    app, client, make_event, themes, count_queries
):
    small, large = make_event(**ISTANBUL), make_event(**ISTANBUL)
    fill_agenda(app, small, 5, themes)
    fill_agenda(app, large, 300, themes)
    for page in ("/events/{}/agenda", "/api/v1/events/{}", "/events/{}/agenda.ics", "/events/{}"):
        urls = [page.format(event.slug) for event in (small, large)]
        counts = [count_queries(lambda url=url: client.get(url)) for url in urls]
        assert counts[0] == counts[1], (page, counts)


def test_the_event_list_uses_the_same_number_of_queries_for_3_and_40_events(
    app, client, make_event, themes, count_queries
):
    for number in range(3):
        make_event(title=f"Small {number}")
    few = count_queries(lambda: client.get("/events"))
    for number in range(37):
        make_event(title=f"Large {number}")
    many = count_queries(lambda: client.get("/events"))
    assert few == many


@pytest.fixture
def paris_event(app, make_event, add_to_team, organiser):
    # The clocks go forward in Paris at 02:00 on Sunday 28 March 2027.
    event = make_event(
        start_date=date(2027, 3, 27), end_date=date(2027, 3, 29), timezone="Europe/Paris"
    )
    add_to_team(event, organiser)
    return event


def test_a_time_skipped_by_the_clock_change_is_refused(app, client, paris_event):
    response = client.submit(
        f"/manage/events/{paris_event.slug}/sessions/new",
        {**SESSION, "day": "2027-03-28", "start": "02:30", "end": "03:15"},
    )
    assert response.status_code == 422
    assert "This time does not exist on that day" in response.get_data(as_text=True)


def test_a_session_across_the_clock_change_keeps_its_real_length(app, client, paris_event):
    response = client.submit(
        f"/manage/events/{paris_event.slug}/sessions/new",
        {**SESSION, "day": "2027-03-28", "start": "01:30", "end": "03:30"},
    )
    assert response.status_code == 302
    [session] = stored_sessions(app, paris_event)
    assert session.ends_at - session.starts_at == timedelta(hours=1)


def test_room_names_clash_whatever_their_accents_case(app, client, event, organiser):
    add_session(app, event, title="Atelier", start=time(9), end=time(10), room="Salle É")
    clash = client.submit(
        f"/manage/events/{event.slug}/sessions/new", {**SESSION, "room": "salle é"}
    )
    assert clash.status_code == 422
