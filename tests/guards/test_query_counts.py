"""Query discipline: a page makes the same number of SQL statements whatever the amount of
data behind it, and the registrations table reads only its event's rows.

``PAGES`` names, for each page of the access matrix (every GET route, and the POST that
answers with a spreadsheet), the visitors it is requested as; ``VARIANTS`` the query strings
of its filters and sorts; ``EXCLUDED`` the routes left out and why. A GET route added to
MATRIX without a row here fails ``test_every_page_is_counted``.

Each page is requested once the access matrix's world has one more of everything (so that no
list is empty and no query is skipped for want of rows), then again once it has many more,
past the first page of every paginated list; the two counts must be equal.

On PostgreSQL, the plan of every statement of the registrations table, under each of its
filters and sorts, is checked against a table holding many other events' registrations.
"""

import random
import re
from datetime import date, time, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from consultation.accounts.models import Role, User
from consultation.agenda import services as agenda
from consultation.agenda.models import Attribution, SessionKind, SpeakerRole
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.db import db, now_utc
from consultation.events import access as event_access
from consultation.events import services as events
from consultation.events.models import (
    Event,
    EventMember,
    EventStatus,
    PartnerRole,
    Region,
    TeamRole,
)
from consultation.follow_up import access as follow_up_access
from consultation.follow_up import register as follow_up_register
from consultation.follow_up import updates as follow_up_updates
from consultation.mail import OutboxMessage, OutboxStatus
from consultation.organisations import services as organisations
from consultation.organisations.models import OrganisationLevel, OrganisationType
from consultation.organisations.services import save_organisation
from consultation.outcomes import access as outcome_access
from consultation.outcomes import reading
from consultation.outcomes import review as outcome_review
from consultation.outcomes import services as outcomes
from consultation.outcomes.models import Addressee, Priority
from consultation.registrations import exports, seats
from consultation.registrations import services as registrations
from consultation.registrations.models import (
    OPTIONAL_QUESTIONS,
    Gender,
    Moderation,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
    registration_theme_interests,
)
from consultation.reports import services as reports
from consultation.reports.models import Audience, ReportKind
from consultation.taxonomy import services as taxonomy
from consultation.taxonomy.models import Theme
from tests import routes
from tests.helpers import listening
from tests.routes import (
    FOLLOW_UP,
    ITEM,
    MATRIX,
    OUT,
    REG,
    REVIEW,
    SESSION,
    _open_registration,
    _organisation,
    _register,
    form_data,
    signed_in_client,
    urls,
)

# A fixture of the access matrix: event A with its team and objects, the draft event B.
world = routes.world

# Small pages, so that a few more objects spill past the first one. Each is above what the
# world holds once grown by one round (12 users, 5 organisations, 11 registrations of event A,
# 2 published events), and below what it holds after the large growth.
PER_PAGE = {
    "USERS_PER_PAGE": 15,
    "ORGANISATIONS_PER_PAGE": 10,
    "REGISTRATIONS_PER_PAGE": 15,
    "EVENTS_PER_PAGE": 5,
    "FOLLOW_UP_ITEMS_PER_PAGE": 5,
}
# Each round writes six entries to event A's audit log, whose pages hold 50.
LARGE_GROWTH = 12

PUBLIC = ("anonymous", "organiser")
ANONYMOUS = ("anonymous",)
PARTICIPANT = ("participant",)
ORGANISER = ("organiser",)
ADMIN = ("admin",)

# (method, rule) -> who requests it; every one gets a 200 according to MATRIX, or the 303 of
# an emailed link that leads to its page. The participant's client has opened their
# registration's link (see routes.LINKS_OPENED); a password link is opened, in
# the order of this table, before its page.
PAGES: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/events"): PUBLIC,
    ("GET", "/events/<slug>"): PUBLIC,
    ("GET", "/events/<slug>/agenda"): PUBLIC,
    ("GET", "/events/<slug>/agenda.ics"): ANONYMOUS,
    ("GET", "/events/<slug>/sessions/<int:session_id>"): PUBLIC,
    ("GET", "/events/<slug>/sessions/<int:session_id>.ics"): ANONYMOUS,
    ("GET", "/api/v1/events"): ANONYMOUS,
    ("GET", "/api/v1/events/<slug>"): ANONYMOUS,
    ("GET", "/api/v1/series/<code>/recommendations"): ANONYMOUS,
    ("GET", "/api/v1/series/<code>/commitments"): ANONYMOUS,
    ("GET", "/api/v1/openapi.json"): ANONYMOUS,
    ("GET", "/themes.css"): ANONYMOUS,
    # Counted with published items too, in tests/follow_up/test_public.py.
    ("GET", "/series/<code>/follow-up"): PUBLIC,
    ("GET", "/series/<code>/follow-up/<int:year>"): ANONYMOUS,
    ("GET", "/events/<slug>/register"): ("anonymous", "participant"),
    ("GET", "/events/<slug>/privacy-notice"): PUBLIC,
    ("GET", "/events/<slug>/privacy-notice/<int:version>"): PUBLIC,
    ("GET", "/registrations/<int:registration_id>/<token>"): ANONYMOUS,
    ("GET", "/registrations/<int:registration_id>"): PARTICIPANT,
    ("GET", "/registrations/<int:registration_id>/event.ics"): PARTICIPANT,
    ("GET", "/registrations/<int:registration_id>/data.json"): PARTICIPANT,
    ("GET", "/follow-up/contacts/<int:contact_id>"): ("other_participant",),
    ("GET", "/follow-up/contacts/<int:contact_id>/<token>"): ANONYMOUS,
    ("GET", "/follow-up/news/stop/<token>"): ANONYMOUS,
    ("GET", "/login"): ANONYMOUS,
    ("GET", "/signup"): ANONYMOUS,
    ("GET", "/password/forgot"): ANONYMOUS,
    ("GET", "/password/reset/<token>"): ANONYMOUS,
    ("GET", "/password/reset"): ANONYMOUS,
    ("GET", "/activate/<token>"): ANONYMOUS,
    ("GET", "/activate"): ANONYMOUS,
    ("GET", "/account"): PARTICIPANT,
    ("GET", "/account/password"): PARTICIPANT,
    ("GET", "/account/registrations"): PARTICIPANT,
    ("GET", "/account/delete"): PARTICIPANT,
    ("GET", "/admin/users/<int:user_id>/delete"): ADMIN,
    ("GET", "/admin/users"): ADMIN,
    ("GET", "/admin/users/new"): ADMIN,
    ("GET", "/admin/users/<int:user_id>"): ADMIN,
    ("GET", "/manage/organisations/"): ORGANISER,
    ("GET", "/manage/organisations/new"): ORGANISER,
    ("GET", "/manage/organisations/<int:organisation_id>/edit"): ORGANISER,
    ("GET", "/manage/organisations/<int:organisation_id>/merge"): ADMIN,
    ("GET", "/manage/events/<slug>/organisations/"): ORGANISER,
    ("GET", f"{REVIEW}/merge"): ORGANISER,
    ("GET", "/manage/themes"): ORGANISER,
    ("GET", "/manage/themes/new"): ORGANISER,
    ("GET", "/manage/themes/<int:theme_id>/edit"): ADMIN,
    ("GET", "/manage/series/new"): ORGANISER,
    # Administrators see every event there, organisers those of their teams.
    ("GET", "/manage/"): ("organiser", "admin"),
    ("GET", "/manage/events/new"): ORGANISER,
    ("GET", "/manage/events/<slug>"): ORGANISER,
    ("GET", "/manage/events/<slug>/edit"): ORGANISER,
    ("GET", "/manage/events/<slug>/copy"): ORGANISER,
    ("GET", "/manage/events/<slug>/partners"): ORGANISER,
    ("GET", "/manage/events/<slug>/themes"): ORGANISER,
    ("GET", "/manage/events/<slug>/translations"): ORGANISER,
    ("GET", "/manage/events/<slug>/translations/<any(en, fr, ar):language>"): ORGANISER,
    ("GET", "/manage/events/<slug>/team"): ORGANISER,
    ("GET", "/manage/events/<slug>/audit"): ORGANISER,
    ("GET", "/manage/events/<slug>/sessions/new"): ORGANISER,
    ("GET", f"{SESSION}/edit"): ORGANISER,
    ("GET", "/manage/events/<slug>/registration"): ORGANISER,
    ("GET", REG): ORGANISER,
    ("GET", f"{REG}/<int:registration_id>"): ORGANISER,
    ("GET", f"{REG}/export"): ORGANISER,
    # The spreadsheet itself: every registration of the event, in one file.
    ("POST", f"{REG}/export"): ORGANISER,
    ("GET", f"{OUT}/"): ("organiser", "policy"),
    ("GET", f"{OUT}/sessions/<int:session_id>"): ("organiser", "rapporteur"),
    ("GET", f"{ITEM}/edit"): ("rapporteur",),
    ("GET", f"{OUT}/conclusions"): ORGANISER,
    ("GET", "/manage/events/<slug>/reports"): ORGANISER,
    ("GET", "/manage/events/<slug>/reports/preview"): ORGANISER,
    ("GET", "/manage/events/<slug>/reports/<int:export_id>"): ORGANISER,
    ("GET", "/manage/series/<code>/follow-up"): ("organiser", "policy"),
    ("GET", FOLLOW_UP): ("organiser", "policy"),
    ("GET", "/manage/series/<code>/follow-up/reminders"): ORGANISER,
}

EXCLUDED: dict[tuple[str, str], str] = {
    # A PDF takes WeasyPrint a second or more to lay out; it is made from the HTML of
    # reports.rendering.report_html, counted here through the report preview (every kind).
    ("GET", "/events/<slug>/agenda.pdf"): "a PDF, made from the counted report HTML",
    ("GET", "/manage/events/<slug>/reports/<int:export_id>.pdf"): (
        "a stored PDF sent from disk, after one query for its record"
    ),
    ("GET", "/static/<path:filename>"): "files from disk: no query at all",
}

# Query strings each page is requested with besides its default (MATRIX's QUERIES):
# every filter and sort the page offers.
VARIANTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", "/events"): (
        "",
        "?when=upcoming",
        "?when=past&region=mena",
        "?year=2027&theme={theme_slug}",
    ),
    ("GET", "/events/<slug>/agenda"): ("", "?theme={theme_slug}"),
    ("GET", "/manage/organisations/"): ("", "?q=ngo"),
    ("GET", "/manage/organisations/<int:organisation_id>/merge"): ("", "?q=ngo"),
    ("GET", f"{REVIEW}/merge"): ("", "?q=ngo"),
    ("GET", "/manage/events/<slug>/organisations/"): ("", "?kept=1"),
    ("GET", "/admin/users"): ("", "?q=example"),
    ("GET", REG): (
        "",
        "?q=participant",
        "?status=confirmed",
        "?type=national_ngo&level=national",
        "?country=JO&sort=country&order=desc",
        "?theme={theme_id}&sort=name",
        "?sort=organisation&order=desc",
        "?sort=status",
    ),
    ("GET", "/manage/series/<code>/follow-up"): (
        "",
        "?q=commitment",
        "?kind=commitments",
        "?kind=commitments&overdue=1&sort=due&order=desc",
        "?kind=commitments&silent=1",
        "?kind=commitments&owner={host_id}&sort=owner",
        "?kind=commitments&theme={theme_id}&status=in_progress",
        "?review=1&sort=status",
        "?addressee=iom&priority=high&sort=priority",
        "?theme={theme_id}&edition={event_id}",
    ),
    ("GET", "/manage/events/<slug>/reports/preview"): tuple(
        f"?kind={kind.value}&audience={audience.value}&language=en"
        for kind in ReportKind
        for audience in Audience
    ),
}

PAGINATED = {
    ("GET", "/"),
    ("GET", "/events"),
    ("GET", "/api/v1/events"),
    ("GET", "/admin/users"),
    ("GET", "/manage/organisations/"),
    ("GET", "/manage/events/<slug>/organisations/"),
    ("GET", "/manage/events/<slug>/audit"),
    ("GET", REG),
    ("GET", "/manage/series/<code>/follow-up"),
}


def page_urls(method: str, rule: str, world: SimpleNamespace) -> list[str]:
    found = urls(method, rule, world)
    if (method, rule) not in VARIANTS:
        return found
    return [
        url.split("?")[0]
        + variant.format(
            theme_id=world.theme_id,
            theme_slug=THEME_SLUG,
            host_id=world.host_id,
            event_id=world.event_id,
        )
        for url in found
        for variant in VARIANTS[(method, rule)]
    ]


# Growing the world ---------------------------------------------------------------------------

# The slug of the world's first theme (its theme_id), which event A and the grown events,
# sessions and registrations all have.
THEME_SLUG = "humanitarian-access"
COUNTRIES = ("JO", "LB", "SY", "IQ", "EG")
STATUSES = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.DECLINED,
)


def grow_once(world: SimpleNamespace, number: int) -> None:
    """One more of everything event A's pages list, and of everything the directories,
    administration pages and the participant's pages list."""
    event = db.session.get(Event, world.event_id, options=event_access.EVENT_PAGE_OPTIONS)
    organiser = db.session.get(User, world.users["organiser"])
    participant = db.session.get(User, world.users["participant"])
    settings = db.session.get(RegistrationSettings, event.id)
    settings.questions = list(OPTIONAL_QUESTIONS)

    rapporteur = User(
        email=f"rapporteur-{number}@iom.example",
        display_name=f"Rapporteur {number}",
        role=Role.RAPPORTEUR,
        email_confirmed_at=now_utc(),
    )
    newcomer = User(
        email=f"newcomer-{number}@ngo.example",
        display_name=f"Newcomer {number}",
        organisation_name="Tripoli Community Aid",
        email_confirmed_at=now_utc(),
    )
    db.session.add_all([rapporteur, newcomer])
    db.session.flush()
    db.session.add(EventMember(event_id=event.id, user_id=rapporteur.id, role=TeamRole.RAPPORTEUR))

    organisation = _organisation(f"Humanitarian NGO {number}", f"HNGO{number}")
    db.session.flush()
    events.add_partner(event, organisation, PartnerRole.SPONSOR)
    theme = taxonomy.save_theme(
        None,
        f"theme-{number}",
        "#0b5394",
        name_en=f"Theme {number}",
        name_fr=f"Thème {number}",
        name_ar=f"موضوع {number}",
    )
    events.set_event_themes(event, list(db.session.scalars(sa.select(Theme.id))))
    event.set_translations("ar", {"title": "الحدث أ"})

    _grow_agenda(world, event, number, rapporteur, organisation, theme)
    _grow_outcomes(world, event, number, rapporteur, organisation, theme)
    _grow_registrations(world, event, number, rapporteur, newcomer, organisation, theme)

    reports.record_export(event, ReportKind.OUTCOME, Audience.INTERNAL, "en", rapporteur)
    exports.export_registrations(event, rapporteur, ["full_name"], "csv")
    audit.record(AuditAction.SENSITIVE_ANSWERS_VIEWED, event_id=event.id, actor=rapporteur)

    # Every other event is over, for the list's "past" filter.
    start = date(2025 if number % 2 else 2027, 1, 4) + timedelta(weeks=number)
    series = taxonomy.create_series(
        f"Regional consultations {number}", f"RC{number}", None, owner=organiser
    )
    db.session.flush()
    other = events.create_event(
        organiser,
        title=f"Consultation {number}",
        series_id=series.id,
        edition_year=start.year,
        region=Region.MIDDLE_EAST_NORTH_AFRICA,
        city="Beirut",
        country="LB",
        venue=None,
        start_date=start,
        end_date=start + timedelta(days=1),
        timezone="Asia/Beirut",
        working_languages=["en", "fr"],
        summary=None,
        description=None,
        contact_email=None,
    )
    events.set_status(other, EventStatus.PUBLISHED)
    events.set_event_themes(other, [world.theme_id, theme.id])
    _open_registration(other, Moderation.AUTOMATIC)
    _register(other, "Participant One", participant.email, organisation, participant)


def _grow_agenda(world, event, number, rapporteur, organisation, theme) -> None:
    session = agenda.save_session(
        event,
        None,
        agenda.SessionDetails(
            title=f"Working group {number}",
            kind=SessionKind.WORKING_GROUP,
            day=date(2027, 3, 3),
            start=time(13),
            end=time(14),
            room=f"Room {number}",
            attribution=Attribution.ON_RECORD,
            theme_ids=[world.theme_id, theme.id],
        ),
    )
    session.set_translations("ar", {"title": f"مجموعة عمل {number}"})
    agenda.add_speaker(session, SpeakerRole.SPEAKER, user=rapporteur, organisation=organisation)
    agenda.add_speaker(session, SpeakerRole.PANELLIST, name=f"Guest {number}")
    main = agenda.session_in_event(event, world.session_id)
    agenda.add_speaker(main, SpeakerRole.PANELLIST, user=rapporteur)
    agenda.add_speaker(
        main, SpeakerRole.PANELLIST, name=f"Panellist {number}", organisation=organisation
    )
    main.themes = [*main.themes, theme]
    _, outcome = reading.outcome_for_session(event, session.id)
    outcomes.add_key_point(outcome, f"Key point of working group {number}")
    # Approved: public reports show it.
    for step in ("submit", "approve"):
        outcome_review.take_review_step(
            outcome, step, outcome_access.OutcomeAccess(True, True), rapporteur
        )


def _grow_outcomes(world, event, number, rapporteur, organisation, theme) -> None:
    _, outcome = reading.outcome_for_session(event, world.session_id)
    outcomes.add_key_point(outcome, f"Key point {number}")
    outcomes.add_recommendation(
        event,
        outcome,
        outcomes.RecommendationDetails(
            f"Recommendation {number}",
            [Addressee.IOM, Addressee.STATES],
            None,
            Priority.MEDIUM,
            [world.theme_id, theme.id],
        ),
    )
    commitment = outcomes.add_commitment(
        event,
        outcome,
        outcomes.CommitmentDetails(f"Commitment {number}", organisation.id, date(2027, 6, 30)),
    )
    db.session.flush()
    # A published update on the new commitment, and one of each kind on the main one.
    policy = db.session.get(User, world.users["policy"])
    organiser = db.session.get(User, world.users["organiser"])
    for item, author in (
        (commitment, policy),
        (follow_up_register.item_or_404("commitments", world.commitment_id)[0], policy),
        (follow_up_register.item_or_404("commitments", world.commitment_id)[0], organiser),
    ):
        follow_up_updates.post_update(
            item,
            follow_up_updates.UpdateDetails(
                date(2026, 2, number % 28 + 1), "in_progress", f"Update {number}", progress=2
            ),
            author,
            follow_up_access.event_access(event, author),
        )


def _grow_registrations(world, event, number, actor, newcomer, organisation, theme) -> None:
    registration = registrations.register(
        event,
        newcomer.email,
        "en",
        registrations.Answers(
            full_name=f"Participant {number}",
            organisation_id=organisation.id,
            new_organisation=None,
            job_title="Protection officer",
            country_of_work=COUNTRIES[number % len(COUNTRIES)],
            gender=Gender.WOMAN,
            theme_interests=[world.theme_id, theme.id],
            interpretation_languages=["ar"],
            accessibility_needs="Step-free access",
            needs_visa_letter=True,
            listed_to_participants=True,
        ),
        user=newcomer,
    )
    seats.change_status(registration, STATUSES[(number - 1) % len(STATUSES)], actor)
    # One more organisation typed by a registrant, waiting for review, and one kept private.
    for variant in ("waiting", "kept"):
        typist, _ = _register(
            event, f"Typist {number}", f"{variant}-{number}@ngo.example", f"Typed NGO {number}"
        )
        if variant == "kept":
            organisations.keep_private(typist.organisation, reviewer=None)
    # The participant's link stays the one the world handed out: those the emails bring
    # replace it only once opened.
    own = db.session.get(Registration, world.registration_id)
    for status in (RegistrationStatus.DECLINED, RegistrationStatus.PENDING):
        seats.change_status(own, status, actor, "Reviewed")
    db.session.flush()
    for message in db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.recipient == newcomer.email, OutboxMessage.event_id == event.id
        )
    ):
        message.status = OutboxStatus.FAILED
        message.last_error = "550 Mailbox unavailable"


@pytest.fixture
def grow(app, world):
    rounds = iter(range(1, 1000))

    def grow(times: int) -> None:
        with app.app_context():
            for _ in range(times):
                grow_once(world, next(rounds))
            db.session.commit()

    return grow


# The tests -----------------------------------------------------------------------------------


def test_every_page_is_counted():
    pages = {key for key in MATRIX if key[0] == "GET"} | {("POST", f"{REG}/export")}
    missing = sorted(pages - PAGES.keys() - EXCLUDED.keys())
    assert not missing, f"pages neither counted nor excluded: {missing}"
    assert not PAGES.keys() & EXCLUDED.keys()
    for table in (PAGES, EXCLUDED, VARIANTS):
        assert not table.keys() - MATRIX.keys(), table.keys() - MATRIX.keys()
    assert PAGES.keys() >= PAGINATED
    for key, roles in PAGES.items():
        for role in roles:
            assert MATRIX[key][role] in ANSWERED, (key, role)


# A page, or an emailed link leading to one.
ANSWERED = (200, 303)


def _spills(response) -> bool:
    if response.is_json:
        return response.json.get("pages", 1) > 1
    return "page=2" in response.get_data(as_text=True)


def _count_every_page(world, clients, count_queries) -> dict[tuple, tuple[int, bool]]:
    """Statements per (method, rule, url, role), with whether the page offers a second page."""
    found = {}
    for (method, rule), roles in PAGES.items():
        for url, role in ((url, role) for url in page_urls(method, rule, world) for role in roles):
            client = clients[role]
            data = form_data(method, rule, world)
            if method == "POST":
                data["csrf_token"] = client.csrf_token()
            responses = []

            def request(client=client, url=url, method=method, data=data, responses=responses):
                responses.append(client.open(url, method=method, data=data))

            count = count_queries(request)
            expected = MATRIX[(method, rule)][role]
            assert responses[0].status_code == expected, (method, url, role, responses[0])
            found[(method, rule, url, role)] = (count, _spills(responses[0]))
    return found


def test_every_page_makes_as_many_statements_for_many_objects_as_for_few(
    app, world, grow, count_queries, monkeypatch
):
    for name, value in PER_PAGE.items():
        monkeypatch.setitem(app.config, name, value)
    roles = {role for each in PAGES.values() for role in each}
    clients = {role: signed_in_client(app, role, world) for role in roles}
    grow(1)
    few = _count_every_page(world, clients, count_queries)
    grow(LARGE_GROWTH)
    many = _count_every_page(world, clients, count_queries)

    differences = [
        f"{method} {url} as {role}: {few[key][0]} statements, then {many[key][0]}"
        for key in few
        for method, _, url, role in [key]
        if few[key][0] != many[key][0]
    ]
    assert not differences, "\n".join(differences)
    for (method, rule, url, role), (_, spills) in many.items():
        # The filtered variants may hold less than a page: only each list's unfiltered one.
        if (method, rule) in PAGINATED and "?" not in url:
            assert spills, f"{url} as {role} holds a single page: grow more"
            assert not few[(method, rule, url, role)][1], f"{url} as {role}: too many at first"


# Query plans ---------------------------------------------------------------------------------

# The checked event is one edition among many: its registrations are a small part of the
# table, as in a database that has kept years of consultations.
CHECKED_REGISTRATIONS = 400
OTHER_REGISTRATIONS = 6000
ORGANISATIONS = 150
PLAN_COUNTRIES = ("JO", "LB", "SY", "IQ", "EG", "TN", "MA", "LY", "YE", "SD")

# Every filter and sort of the registrations table, as its form sends them.
REGISTRATION_FILTERS = {
    "no filter": "",
    "search": "?q=sami",
    "status": "?status=waitlisted",
    "type of organisation": "?type=local_ngo",
    "level of organisation": "?level=regional",
    "country": "?country=LB",
    "theme of interest": "?theme={theme_id}",
    "sorted by name": "?sort=name",
    "sorted by organisation": "?sort=organisation&order=desc",
    "sorted by country": "?sort=country",
    "sorted by status": "?sort=status&order=desc",
    "page 3": "?page=3",
}
REGISTRATION_INDEXES = ("pk_registrations", "ix_registrations_", "uq_registrations_")


def _bulk_registrations(event_id: int, count: int, organisation_ids, theme_ids, rng) -> None:
    """``count`` registrations, each interested in two themes, in two statements."""
    statuses = [*[RegistrationStatus.CONFIRMED] * 6, RegistrationStatus.PENDING, *STATUSES]
    start = now_utc() - timedelta(days=60)
    db.session.execute(
        sa.insert(Registration),
        [
            {
                "event_id": event_id,
                "status": rng.choice(statuses),
                "full_name": f"{rng.choice(('Leila', 'Omar', 'Hiba', 'Sami'))} {number}",
                "email": f"person-{event_id}-{number}@ngo.example",
                "email_key": f"person-{event_id}-{number}@ngo.example",
                "organisation_id": rng.choice(organisation_ids),
                "country_of_work": rng.choice(PLAN_COUNTRIES),
                "gender": rng.choice(list(Gender)),
                "consented_at": start,
                "privacy_notice_version": 1,
                "management_token_hash": f"{event_id:08x}{number:056x}",
                "created_at": start + timedelta(minutes=number),
            }
            for number in range(count)
        ],
    )
    ids = db.session.scalars(sa.select(Registration.id).where(Registration.event_id == event_id))
    db.session.execute(
        sa.insert(registration_theme_interests),
        [
            {"registration_id": registration_id, "theme_id": theme_id}
            for registration_id in ids
            for theme_id in rng.sample(theme_ids, 2)
        ],
    )


def _plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def _scans_beyond_the_event(plan: dict) -> list[str]:
    """The plan's nodes that read registrations without restricting them to one event: a
    sequential scan, or an index scan whose condition does not name the event."""
    found = []
    for node in _plan_nodes(plan):
        kind = node["Node Type"]
        if node.get("Relation Name") == "registrations" and kind == "Seq Scan":
            found.append("Seq Scan on registrations")
        index = node.get("Index Name", "")
        if index.startswith(REGISTRATION_INDEXES) and "event_id" not in node.get("Index Cond", ""):
            found.append(f"{kind} on {index} ({node.get('Index Cond', 'no condition')})")
    return found


def _statements_on_registrations(app, action) -> list[tuple[str, object]]:
    """The statements ``action`` sends that read the registrations table, with their
    parameters, as the database received them."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if re.search(r"\bregistrations\b", statement):
            statements.append((statement, parameters))

    with listening(app, "before_cursor_execute", record):
        action()
    return statements


@pytest.fixture
def crowded_database(app, make_event, make_user, add_to_team, themes) -> SimpleNamespace:
    """A checked event among others, whose registrations far outnumber its own, analysed."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip(
                "checks PostgreSQL's query plans: run with "
                "TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test"
            )
    checked, other = make_event(slug="checked"), make_event(slug="other")
    organiser = make_user(Role.ORGANISER)
    add_to_team(checked, organiser)
    rng = random.Random(8)  # noqa: S311 (made-up data, the same at each run)
    theme_ids = [theme.id for theme in themes]
    with app.app_context():
        organisation_ids = [
            save_organisation(
                None,
                f"Organisation {number}",
                None,
                rng.choice(list(OrganisationType)),
                rng.choice(list(OrganisationLevel)),
                rng.choice(PLAN_COUNTRIES),
                None,
            ).id
            for number in range(ORGANISATIONS)
        ]
        _bulk_registrations(checked.id, CHECKED_REGISTRATIONS, organisation_ids, theme_ids, rng)
        _bulk_registrations(other.id, OTHER_REGISTRATIONS, organisation_ids, theme_ids, rng)
        db.session.commit()
        # The planner's statistics, as autovacuum would have gathered them by now.
        with db.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    return SimpleNamespace(slug=checked.slug, organiser=organiser, theme_id=theme_ids[0])


def test_the_registration_filters_read_only_the_events_registrations(app, crowded_database):
    """Each filter and sort of the organisers' table reaches the event's registrations through
    an index on the event: other events' rows are never read, whatever their number. A
    search (LIKE '%...%') filters those rows; no index serves it alone."""
    client = app.test_client()
    client.login(crowded_database.organiser.email)
    failures = []
    for name, query in REGISTRATION_FILTERS.items():
        url = f"/manage/events/{crowded_database.slug}/registrations"
        url += query.format(theme_id=crowded_database.theme_id)
        responses = []
        statements = _statements_on_registrations(
            app, lambda url=url, found=responses: found.append(client.get(url))
        )
        assert responses[0].status_code == 200, name
        assert statements, name
        with app.app_context(), db.engine.connect() as connection:
            for statement, parameters in statements:
                plan = connection.exec_driver_sql(
                    f"EXPLAIN (FORMAT JSON) {statement}", parameters
                ).scalar()
                found = _scans_beyond_the_event(plan[0]["Plan"])
                failures += [f"{name}: {scan} in\n{statement}" for scan in found]
    assert not failures, "\n".join(failures)
