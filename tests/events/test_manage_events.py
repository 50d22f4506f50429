import itertools
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter, IntegerConverter

from consultation.accounts.models import Role
from consultation.agenda.models import Session, SessionKind, SessionSpeaker, SpeakerRole
from consultation.db import db
from consultation.events.models import (
    Event,
    EventMember,
    EventPartner,
    EventStatus,
    PartnerRole,
    TeamRole,
)
from consultation.outcomes import reading
from consultation.outcomes import services as outcomes
from consultation.outcomes.models import Addressee, Priority, Recommendation
from consultation.taxonomy.models import Series

# The CSRF token differs between two pages otherwise alike.
CSRF = re.compile(r'name="csrf_token" value="[^"]*"')

EVENT = {
    "title": "IOM–NGO Regional Humanitarian Consultation — West and Central Africa",
    "slug": "",
    "series_id": "0",
    "edition_year": "2028",
    "region": "west-central-africa",
    "city": "Dakar",
    "country": "SN",
    "venue": "King Fahd Palace",
    "start_date": "2028-03-14",
    "end_date": "2028-03-16",
    "timezone": "Africa/Dakar",
    "working_languages": ["en", "fr"],
    "content_language": "fr",
    "summary": "**Access** and duty of care.",
    "description": "",
    "contact_email": "Contact@NGO.example",
}


@pytest.fixture
def organiser(client, make_user):
    user = make_user(Role.ORGANISER)
    client.login(user.email)
    return user


def event_row(app, slug):
    with app.app_context():
        return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def test_an_organiser_creates_a_draft_event_and_joins_its_team(app, client, organiser):
    response = client.submit("/manage/events/new", EVENT)
    assert response.status_code == 302
    slug = "iom-ngo-regional-humanitarian-consultation-west-and-central-africa"
    assert response.headers["Location"] == f"/manage/events/{slug}"
    event = event_row(app, slug)
    assert event.status is EventStatus.DRAFT
    # Its texts are in French: French comes first, whatever the order of the boxes.
    assert event.working_languages == ["fr", "en"]
    assert event.contact_email == "contact@ngo.example"
    with app.app_context():
        member = db.session.scalar(sa.select(EventMember).where(EventMember.event_id == event.id))
        assert (member.user_id, member.role) == (organiser.id, TeamRole.ORGANISER)
    # Invisible to the public until published.
    assert app.test_client().get(f"/events/{slug}").status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Give the event a title."),
        ({"end_date": "2028-03-10"}, "The event cannot end before it starts."),
        ({"start_date": "14/03/2028"}, "Enter the first day as YYYY-MM-DD."),
        ({"timezone": "Mars/Olympus"}, "Choose a time zone from the list."),
        ({"working_languages": []}, "Choose at least one working language."),
        ({"content_language": "ar"}, "Choose one of the working languages you ticked."),
        ({"slug": "Not A Slug!"}, "Use lower-case letters, digits and hyphens only"),
        ({"contact_email": "nobody"}, "Enter an email address like name@example.org."),
        ({"short_code": "RHC-2028"}, "Up to 12 letters and digits, e.g. RHC."),
        ({"short_code": "ABCDEFGHIJKLM"}, "Up to 12 letters and digits, e.g. RHC."),
    ],
)
def test_event_form_errors_keep_what_was_typed(app, client, organiser, change, message):
    response = client.submit("/manage/events/new", {**EVENT, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'value="King Fahd Palace"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_publishing_and_archiving(app, client, organiser, make_event, add_to_team):
    event = make_event(status=EventStatus.DRAFT)
    add_to_team(event, organiser)
    visitor = app.test_client()
    assert visitor.get(f"/events/{event.slug}").status_code == 404

    client.submit(f"/manage/events/{event.slug}/status", {"status": "published"})
    assert visitor.get(f"/events/{event.slug}").status_code == 200
    assert event.title in visitor.get("/events").get_data(as_text=True)

    client.submit(f"/manage/events/{event.slug}/status", {"status": "archived"})
    page = visitor.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "This edition is archived." in page
    assert (
        client.submit(f"/manage/events/{event.slug}/status", {"status": "deleted"}).status_code
        == 400
    )


def test_changing_dates_cannot_strand_sessions(app, client, organiser, make_event, add_to_team):
    event = make_event(
        start_date=date(2028, 3, 14), end_date=date(2028, 3, 16), timezone="Africa/Dakar"
    )
    add_to_team(event, organiser)
    with app.app_context():
        zone = ZoneInfo("Africa/Dakar")
        db.session.add(
            Session(
                event_id=event.id,
                title="Closing",
                kind=SessionKind.CLOSING,
                starts_at=datetime(2028, 3, 16, 12, tzinfo=zone),
                ends_at=datetime(2028, 3, 16, 13, tzinfo=zone),
            )
        )
        db.session.commit()
    response = client.submit(
        f"/manage/events/{event.slug}/edit",
        {**EVENT, "title": event.title, "start_date": "2028-03-14", "end_date": "2028-03-15"},
    )
    assert response.status_code == 422
    assert "1 session of the agenda would fall outside the new dates" in response.get_data(
        as_text=True
    )
    assert event_row(app, event.slug).end_date == date(2028, 3, 16)


def test_copy_from_a_previous_edition(
    app, client, organiser, make_event, add_to_team, themes, make_organisation
):
    paris = ZoneInfo("Europe/Paris")
    source = make_event(
        start_date=date(2027, 3, 22),
        end_date=date(2027, 3, 23),
        timezone="Europe/Paris",
        short_code="PARIS",
    )
    add_to_team(source, organiser)
    partner = make_organisation("Host NGO")
    with app.app_context():
        event = db.session.get(
            Event,
            source.id,
            options=[sa.orm.selectinload(Event.themes), sa.orm.selectinload(Event.partners)],
        )
        event.themes = [db.session.get(type(themes[0]), themes[0].id)]
        event.partners = [EventPartner(organisation_id=partner.id, role=PartnerRole.HOST)]
        session = Session(
            event_id=source.id,
            title="Opening",
            kind=SessionKind.OPENING,
            # 09:00 in winter time (UTC+1)
            starts_at=datetime(2027, 3, 23, 9, tzinfo=paris),
            ends_at=datetime(2027, 3, 23, 10, tzinfo=paris),
            themes=list(event.themes),
            speakers=[SessionSpeaker(name="Hala Nasser", role=SpeakerRole.SPEAKER)],
        )
        db.session.add(session)
        db.session.commit()

    response = client.submit(
        f"/manage/events/{source.slug}/copy",
        {"title": "Next edition", "slug": "next-edition", "start_date": "2028-04-10"},
    )
    assert response.status_code == 302
    with app.app_context():
        copy = db.session.scalar(
            sa.select(Event)
            .where(Event.slug == "next-edition")
            .options(
                sa.orm.selectinload(Event.themes),
                sa.orm.selectinload(Event.partners),
                sa.orm.selectinload(Event.sessions).selectinload(Session.speakers),
                sa.orm.selectinload(Event.team),
            )
        )
        assert copy.status is EventStatus.DRAFT
        assert (copy.start_date, copy.end_date, copy.edition_year) == (
            date(2028, 4, 10),
            date(2028, 4, 11),
            2028,
        )
        # Its references go on with the same code: PARIS-2028-R01.
        assert copy.short_code == "PARIS"
        assert [theme.slug for theme in copy.themes] == [themes[0].slug]
        assert [(p.organisation_id, p.role) for p in copy.partners] == [
            (partner.id, PartnerRole.HOST)
        ]
        [copied] = copy.sessions
        # Still 09:00 local time, now in summer time (UTC+2).
        assert copied.starts_at.astimezone(paris).time() == time(9, 0)
        assert copied.starts_at.astimezone(paris).date() == date(2028, 4, 11)
        assert copied.speakers == []
        assert [m.user_id for m in copy.team] == [organiser.id]
        # The source edition is untouched.
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Session.id)).where(Session.event_id == source.id)
            )
            == 1
        )


def test_partners_themes_and_team(
    app, client, organiser, make_event, add_to_team, make_organisation, make_user, themes
):
    event = make_event()
    add_to_team(event, organiser)
    host = make_organisation("International Organization for Migration", "IOM")
    url = f"/manage/events/{event.slug}"

    assert (
        client.submit(f"{url}/partners", {"organisation_id": host.id, "role": "host"}).status_code
        == 302
    )
    again = client.submit(f"{url}/partners", {"organisation_id": host.id, "role": "sponsor"})
    assert again.status_code == 422
    assert "is already a partner of this event" in again.get_data(as_text=True)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "International Organization for Migration" in page and "Host" in page

    chosen = [str(themes[0].id), str(themes[6].id)]
    assert client.submit(f"{url}/themes", {"themes": chosen}).status_code == 302
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Humanitarian access" in page and "Duty of care" in page and "Transparency" not in page

    rapporteur = make_user(Role.RAPPORTEUR, email="rapporteur@ngo.example")
    assert (
        client.submit(
            f"{url}/team", {"email": "RAPPORTEUR@ngo.example", "role": "rapporteur"}
        ).status_code
        == 302
    )
    missing = client.submit(f"{url}/team", {"email": "nobody@ngo.example", "role": "policy"})
    assert missing.status_code == 422
    assert "No staff account that can take this role" in missing.get_data(as_text=True)
    with app.app_context():
        roles = dict(
            db.session.execute(
                sa.select(EventMember.user_id, EventMember.role).where(
                    EventMember.event_id == event.id
                )
            ).all()
        )
        own = db.session.scalar(
            sa.select(EventMember.id).where(EventMember.user_id == organiser.id)
        )
    assert roles == {organiser.id: TeamRole.ORGANISER, rapporteur.id: TeamRole.RAPPORTEUR}
    # The last organiser cannot leave the event without one.
    response = client.submit(f"{url}/team/{own}/delete")
    assert response.status_code == 409


def manage_urls(app, slug: str, ids: dict[str, int]) -> list[tuple[str, str]]:
    """Every organiser route of one event, as (method, url)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/manage/events/<slug>"):
            continue
        values = {"slug": slug}
        choices = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, IntegerConverter):
                values[name] = ids.get(name, 1)
            elif isinstance(converter, AnyConverter):
                choices[name] = sorted(converter.items)
        for combination in itertools.product(*choices.values()):
            path = rule.build(
                {**(rule.defaults or {}), **values, **dict(zip(choices, combination, strict=True))}
            )[1]
            urls.extend((method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return urls


def test_an_organiser_of_one_event_cannot_touch_another(
    app, client, make_user, make_event, add_to_team
):
    mine, theirs = make_event(), make_event(status=EventStatus.DRAFT)
    me = make_user(Role.ORGANISER)
    add_to_team(mine, me)
    other = make_user(Role.ORGANISER)
    member = add_to_team(theirs, other)
    with app.app_context():
        session = Session(
            event_id=theirs.id,
            title="Theirs",
            kind=SessionKind.PLENARY,
            starts_at=datetime(2027, 3, 1, 9, tzinfo=ZoneInfo("Asia/Amman")),
            ends_at=datetime(2027, 3, 1, 10, tzinfo=ZoneInfo("Asia/Amman")),
            speakers=[speaker := SessionSpeaker(name="Someone", role=SpeakerRole.SPEAKER)],
        )
        db.session.add(session)
        db.session.commit()
        ids = {
            "session_id": session.id,
            "speaker_id": speaker.id,
            "member_id": member.id,
            "partner_id": 1,
        }
    client.login(me.email)
    urls = manage_urls(app, theirs.slug, ids)
    assert len(urls) >= 15
    for method, url in urls:
        response = (
            client.get(url)
            if method == "GET"
            else client.submit(url, {"status": "published", "title": "Hijacked"})
        )
        assert response.status_code == 403, (method, url)
    with app.app_context():
        assert db.session.get(Event, theirs.id).status is EventStatus.DRAFT
        assert db.session.get(Session, ids["session_id"]).title == "Theirs"
    # And their own event is theirs to manage.
    assert client.get(f"/manage/events/{mine.slug}").status_code == 200


def test_the_dashboard_lists_my_events_with_their_session_counts(
    app, client, organiser, make_event, add_to_team
):
    mine = make_event(title="My consultation")
    make_event(title="Someone else's consultation")
    add_to_team(mine, organiser)
    page = client.get("/manage/").get_data(as_text=True)
    assert "My consultation" in page and "Someone else" not in page


def test_participants_have_no_dashboard(client, make_user):
    client.login(make_user().email)
    assert client.get("/manage/").status_code == 403
    assert client.get("/manage/events/new").status_code == 403


THEME = {
    "slug": "cash-assistance",
    "colour": "#0b5394",
    "name_en": "Cash assistance",
    "name_fr": "Assistance monétaire",
    "name_ar": "المساعدات النقدية",
    "description_en": "",
    "description_fr": "",
    "description_ar": "",
}


def test_organisers_add_a_theme_named_in_three_languages(app, client, organiser):
    assert client.submit("/manage/themes/new", THEME).status_code == 302
    assert "Cash assistance" in client.get("/manage/themes").get_data(as_text=True)
    client.submit("/language", {"language": "fr"})
    assert "Assistance monétaire" in client.get("/manage/themes").get_data(as_text=True)
    assert ".theme-cash-assistance { background-color: #0b5394" in client.get(
        "/themes.css"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "#ffff66"}, "White text on this colour is hard to read"),
        ({"colour": "red; } body { display: none"}, "Choose a colour."),
        ({"slug": "Cash Assistance"}, "Use lower-case letters, digits and hyphens only"),
        ({"name_ar": ""}, "Give the name in Arabic."),
    ],
)
def test_theme_errors_keep_what_was_typed(client, organiser, change, message):
    response = client.submit("/manage/themes/new", {**THEME, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'value="Assistance monétaire"' in page


def test_participants_cannot_manage_themes(client, make_user):
    client.login(make_user().email)
    assert client.get("/manage/themes").status_code == 403
    assert client.submit("/manage/themes/new", THEME).status_code == 403


def test_a_participant_cannot_be_put_in_charge_of_an_event(
    app, client, organiser, make_event, add_to_team, make_user
):
    event = make_event()
    add_to_team(event, organiser)
    make_user(Role.PARTICIPANT, email="participant@ngo.example")
    response = client.submit(
        f"/manage/events/{event.slug}/team",
        {"email": "participant@ngo.example", "role": "organiser"},
    )
    assert response.status_code == 422
    # The same answer as for an address without an account: the form tells nobody that
    # this participant has one, nor its role.
    page = response.get_data(as_text=True)
    assert "No staff account that can take this role" in page
    unknown = client.submit(
        f"/manage/events/{event.slug}/team",
        {"email": "nobody@ngo.example", "role": "organiser"},
    )
    unknown_page = unknown.get_data(as_text=True).replace("nobody@", "participant@")
    assert CSRF.sub("", page) == CSRF.sub("", unknown_page)


def test_an_organiser_demoted_to_participant_loses_their_events(
    app, client, make_user, make_event, add_to_team
):
    organiser = make_user(Role.ORGANISER)
    event = make_event()
    add_to_team(event, organiser)
    client.login(organiser.email)
    assert client.get(f"/manage/events/{event.slug}/edit").status_code == 200
    with app.app_context():
        db.session.get(type(organiser), organiser.id).role = Role.PARTICIPANT
        db.session.commit()
    assert client.get(f"/manage/events/{event.slug}/edit").status_code == 403


def test_renaming_the_web_address(app, client, organiser, make_event, add_to_team):
    event = make_event()
    other = make_event()
    add_to_team(event, organiser)
    fields = {**EVENT, "title": event.title}
    taken = client.submit(f"/manage/events/{event.slug}/edit", {**fields, "slug": other.slug})
    assert taken.status_code == 422
    assert "Another event already uses this web address." in taken.get_data(as_text=True)
    assert (
        client.submit(
            f"/manage/events/{event.slug}/edit", {**fields, "slug": "dakar-2028"}
        ).status_code
        == 302
    )
    assert event_row(app, "dakar-2028").id == event.id


def test_moving_the_event_to_another_time_zone_keeps_session_times(
    app, client, organiser, make_event, add_to_team
):
    event = make_event(
        start_date=date(2028, 3, 14), end_date=date(2028, 3, 16), timezone="Europe/Istanbul"
    )
    add_to_team(event, organiser)
    istanbul = ZoneInfo("Europe/Istanbul")
    with app.app_context():
        db.session.add(
            Session(
                event_id=event.id,
                title="Opening",
                kind=SessionKind.OPENING,
                starts_at=datetime(2028, 3, 14, 9, tzinfo=istanbul),
                ends_at=datetime(2028, 3, 14, 10, tzinfo=istanbul),
            )
        )
        db.session.commit()
    response = client.submit(
        f"/manage/events/{event.slug}/edit",
        {**EVENT, "title": event.title, "slug": event.slug, "timezone": "Africa/Dakar"},
    )
    assert response.status_code == 302
    with app.app_context():
        session = db.session.scalar(sa.select(Session).where(Session.event_id == event.id))
        local = session.starts_at.astimezone(ZoneInfo("Africa/Dakar"))
        assert (local.date(), local.time()) == (date(2028, 3, 14), time(9, 0))
        assert session.ends_at - session.starts_at == timedelta(hours=1)


def test_the_utc_time_zone_can_be_chosen(app, client, organiser):
    assert client.submit("/manage/events/new", {**EVENT, "timezone": "UTC"}).status_code == 302


def test_only_administrators_change_an_existing_theme(app, client, organiser, themes, make_user):
    url = f"/manage/themes/{themes[0].id}/edit"
    assert client.get(url).status_code == 403
    assert client.submit(url, {**THEME, "slug": themes[0].slug}).status_code == 403
    admin = app.test_client()
    admin.login(make_user(Role.ADMIN).email)
    assert (
        admin.submit(url, {**THEME, "slug": themes[0].slug, "name_en": "Access"}).status_code == 302
    )


def test_copying_a_session_onto_a_clock_change_day_keeps_its_length(
    app, client, organiser, make_event, add_to_team
):
    paris = ZoneInfo("Europe/Paris")
    source = make_event(
        start_date=date(2026, 3, 28), end_date=date(2026, 3, 29), timezone="Europe/Paris"
    )
    add_to_team(source, organiser)
    with app.app_context():
        db.session.add(
            Session(
                event_id=source.id,
                title="Night session",
                kind=SessionKind.PLENARY,
                starts_at=datetime(2026, 3, 28, 2, 30, tzinfo=paris),
                ends_at=datetime(2026, 3, 28, 3, 15, tzinfo=paris),
            )
        )
        db.session.commit()
    # 2027-03-28 is the day the clocks go forward: 02:30 does not exist.
    response = client.submit(
        f"/manage/events/{source.slug}/copy",
        {"title": "Next", "slug": "next", "start_date": "2027-03-28"},
    )
    assert response.status_code == 302
    with app.app_context():
        copy = event_row(app, "next")
        session = db.session.scalar(sa.select(Session).where(Session.event_id == copy.id))
        assert session.ends_at - session.starts_at == timedelta(minutes=45)


def test_the_edition_year_is_needed_only_in_a_series(app, client, organiser):
    response = client.submit("/manage/events/new", {**EVENT, "title": "Dakar", "edition_year": ""})
    assert response.status_code == 302
    # The column is never empty: the year the event starts.
    assert event_row(app, "dakar").edition_year == 2028
    with app.app_context():
        series = Series(
            name="IOM–NGO Humanitarian Consultations", code="WCA", owner_id=organiser.id
        )
        db.session.add(series)
        db.session.commit()
        series_id = series.id
    response = client.submit(
        "/manage/events/new",
        {**EVENT, "title": "Dakar again", "series_id": str(series_id), "edition_year": ""},
    )
    assert response.status_code == 422
    assert "Enter the edition's year." in response.get_data(as_text=True)
    assert event_row(app, "dakar-again") is None


def make_series(app, owner=None) -> int:
    with app.app_context():
        series = Series(
            name="IOM–NGO Humanitarian Consultations",
            code="WCA",
            owner_id=owner.id if owner else None,
        )
        db.session.add(series)
        db.session.commit()
        return series.id


def test_only_the_series_owner_or_an_administrator_adds_an_edition(
    app, client, organiser, make_user
):
    series_id = make_series(app, owner=make_user(Role.ORGANISER))
    page = client.get("/manage/events/new").get_data(as_text=True)
    assert "IOM–NGO Humanitarian Consultations" not in page
    joined = {**EVENT, "title": "Dakar", "series_id": str(series_id)}
    assert client.submit("/manage/events/new", joined).status_code == 422
    assert event_row(app, "dakar") is None
    assert client.submit("/manage/events/new", {**EVENT, "title": "Dakar"}).status_code == 302
    response = client.submit("/manage/events/dakar/edit", {**joined, "slug": "dakar"})
    assert response.status_code == 422
    assert event_row(app, "dakar").series_id is None
    admin = app.test_client()
    admin.login(make_user(Role.ADMIN).email)
    assert admin.submit("/manage/events/new", {**joined, "title": "Dakar 2"}).status_code == 302
    assert event_row(app, "dakar-2").series_id == series_id


def test_a_series_has_one_edition_a_year(app, client, organiser):
    series_id = make_series(app, owner=organiser)
    edition = {**EVENT, "series_id": str(series_id), "edition_year": "2028"}
    assert client.submit("/manage/events/new", {**edition, "title": "Dakar"}).status_code == 302
    response = client.submit("/manage/events/new", {**edition, "title": "Abidjan"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This series already has its 2028 edition" in page and 'id="edition_year-error"' in page
    assert event_row(app, "abidjan") is None
    copy = client.submit(
        "/manage/events/dakar/copy",
        {"title": "Dakar again", "slug": "", "start_date": "2028-06-01"},
    )
    assert copy.status_code == 422
    assert "This series already has its 2028 edition" in copy.get_data(as_text=True)
    assert (
        client.submit(
            "/manage/events/dakar/copy",
            {"title": "Dakar 2029", "slug": "", "start_date": "2029-03-14"},
        ).status_code
        == 302
    )


def record_recommendation(app, event_id: int) -> str:
    """Records a recommendation on the event's first session (made when missing); its
    reference."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        session_id = db.session.scalar(sa.select(Session.id).where(Session.event_id == event.id))
        if session_id is None:
            session = Session(
                event_id=event.id,
                title="Plenary",
                kind=SessionKind.PLENARY,
                starts_at=datetime(2028, 3, 14, 9, tzinfo=ZoneInfo("Africa/Dakar")),
                ends_at=datetime(2028, 3, 14, 10, tzinfo=ZoneInfo("Africa/Dakar")),
            )
            db.session.add(session)
            db.session.flush()
            session_id = session.id
        _, outcome = reading.outcome_for_session(event, session_id)
        details = outcomes.RecommendationDetails(
            "Open access.", [Addressee.IOM], None, Priority.MEDIUM, []
        )
        reference = outcomes.add_recommendation(event, outcome, details).reference
        db.session.commit()
        return reference


def test_an_event_outside_a_series_numbers_its_outcomes_with_its_short_code(app, client, organiser):
    # Tags typed into the title count for their text, in the address as in the code.
    response = client.submit(
        "/manage/events/new", {**EVENT, "title": "<b>Regional</b> Humanitarian Consultation"}
    )
    slug = "regional-humanitarian-consultation"
    assert response.headers["Location"] == f"/manage/events/{slug}"
    event = event_row(app, slug)
    assert event.short_code == "RHC"
    assert record_recommendation(app, event.id) == "RHC-2028-R01"
    form = client.get(f"/manage/events/{slug}/edit").get_data(as_text=True)
    assert 'name="short_code"' in form and 'value="RHC"' in form

    # The organisers choose another code: new references use it, given ones never change.
    response = client.submit(
        f"/manage/events/{slug}/edit",
        {**EVENT, "title": event.title, "slug": slug, "short_code": " dkr28 "},
    )
    assert response.status_code == 302
    assert event_row(app, slug).short_code == "DKR28"
    assert record_recommendation(app, event.id) == "DKR28-2028-R02"
    with app.app_context():
        assert set(db.session.scalars(sa.select(Recommendation.reference))) == {
            "RHC-2028-R01",
            "DKR28-2028-R02",
        }


@pytest.mark.parametrize(
    ("title", "slug", "short_code"),
    [
        ("<i>Réunion</i> régionale – Dakar", "reunion-regionale-dakar", "RRD"),
        # Small words count only at the start; numbers are left to the edition year.
        (
            "Consultation on access and duty of care 2028",
            "consultation-on-access-and-duty-of-care-2028",
            "CADC",
        ),
        ("IOM–NGO Regional Humanitarian Consultation — West and Central Africa", None, "INRHCWCA"),
        ("Access " * 20, None, "AAAAAAAAAAAA"),
        # No Latin letter to take: the code says what it is.
        ("المشاورة الإنسانية الإقليمية", None, "EVENT"),
    ],
)
def test_slugs_and_short_codes_come_from_the_title_text(
    app, client, organiser, title, slug, short_code
):
    response = client.submit("/manage/events/new", {**EVENT, "title": title})
    assert response.status_code == 302
    made = response.headers["Location"].removeprefix("/manage/events/")
    if slug:
        assert made == slug
    assert event_row(app, made).short_code == short_code
