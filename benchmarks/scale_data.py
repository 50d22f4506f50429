"""Synthetic consultations at scale, for load tests and the benchmarks beside this file.

    .venv/bin/python benchmarks/scale_data.py --database-url sqlite:////tmp/scale.sqlite3 \\
        [--events 300] [--registrations 100000] [--sessions 6000] [--seed 1]

Adds to whatever the database holds and changes none of it: each run's events get the slugs
scale-<run>-..., the next free run number, with their own series and organiser accounts
(scale-<run>-organiser-<n>@example.org, sharing the password printed at the end); the pool
of 300 made-up organisations is shared by every run. Events span 2015–2027, so most are past:
run `flask --app consultation privacy purge` afterwards to anonymise their registrations as
the retention job would have. Never on a production installation.


Rows go in with bulk INSERT statements, a few thousand at a time, never as ORM objects one
by one: 100,000 registrations take well under a minute instead of an hour. Each table receives what the
services would have stored (registrations/services.py above all), so that every page works
on the result: seats counted as the seats service counts them, waiting lists that are full events'
ones, one address per event, one token hash per registration, a history per registration.

Each run adds a batch of events, "scale-<run>-...", beside whatever the database holds; the
pool of organisations is shared by the runs. Names are made up and look it ("Participant
12345", "Example Relief International 042"); addresses are on example.org (RFC 2606).
"""

import hashlib
import itertools
import math
import os
import random
import re
import secrets
import time as clock
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale

from consultation import content_version, create_app
from consultation.accounts import services as accounts
from consultation.accounts.models import Role, User, new_session_token
from consultation.agenda.models import (
    Attribution,
    Session,
    SessionKind,
    SessionSpeaker,
    SpeakerRole,
    session_themes,
)
from consultation.db import db, now_utc
from consultation.events.models import (
    Event,
    EventMember,
    EventPartner,
    EventStatus,
    PartnerRole,
    Region,
    TeamRole,
    event_themes,
)
from consultation.follow_up.models import FollowUpUpdate, UpdateReview
from consultation.organisations.models import (
    Organisation,
    OrganisationLevel,
    OrganisationType,
    comparison_key,
)
from consultation.outcomes.models import (
    Addressee,
    Commitment,
    CommitmentStatus,
    EventOutcome,
    KeyPoint,
    Priority,
    Recommendation,
    ReviewStatus,
    SessionOutcome,
    recommendation_themes,
)
from consultation.registrations import seats
from consultation.registrations.models import (
    OPTIONAL_QUESTIONS,
    Gender,
    Moderation,
    Registration,
    RegistrationChange,
    RegistrationSettings,
    RegistrationStatus,
    registration_theme_interests,
)
from consultation.registrations.services import email_key
from consultation.search import search_key
from consultation.taxonomy.models import Series, Theme
from consultation.taxonomy.seed import seed_themes

# Rows per INSERT statement sent; SQLAlchemy splits them again into statements the driver takes.
BATCH_SIZE = 5000
ORGANISATION_POOL_SIZE = 300
EVENTS_PER_ORGANISER = 4
FIRST_YEAR, LAST_YEAR = 2015, 2027
# Of an event's registrants, the share who came to an earlier event of its region.
RETURNING_SHARE = 0.35
# Of the past events, the share whose outcomes were recorded and reviewed.
OUTCOME_SHARE = 0.35
SCALE_SLUG = re.compile(r"scale-(\d+)-")


@dataclass(frozen=True)
class City:
    name: str
    country: str
    timezone: str


REGIONS = {
    # region: (weight, series code, host cities, countries people work in, working languages)
    Region.MIDDLE_EAST_NORTH_AFRICA: (
        20,
        "MENA",
        (
            City("Amman", "JO", "Asia/Amman"),
            City("Beirut", "LB", "Asia/Beirut"),
            City("Cairo", "EG", "Africa/Cairo"),
            City("Tunis", "TN", "Africa/Tunis"),
            City("Istanbul", "TR", "Europe/Istanbul"),
            City("Rabat", "MA", "Africa/Casablanca"),
        ),
        ("JO", "LB", "EG", "TN", "TR", "MA", "IQ", "SY", "YE", "LY", "PS", "DZ", "SD"),
        ["en", "ar", "fr"],
    ),
    Region.WEST_CENTRAL_AFRICA: (
        12,
        "WCA",
        (
            City("Dakar", "SN", "Africa/Dakar"),
            City("Abuja", "NG", "Africa/Lagos"),
            City("Niamey", "NE", "Africa/Niamey"),
            City("Bamako", "ML", "Africa/Bamako"),
        ),
        ("SN", "NG", "NE", "ML", "BF", "TD", "CM", "CF"),
        ["en", "fr"],
    ),
    Region.EAST_HORN_AFRICA: (
        12,
        "EHA",
        (
            City("Nairobi", "KE", "Africa/Nairobi"),
            City("Addis Ababa", "ET", "Africa/Addis_Ababa"),
            City("Kampala", "UG", "Africa/Kampala"),
        ),
        ("KE", "ET", "UG", "SO", "SS", "DJ"),
        ["en", "fr", "ar"],
    ),
    Region.SOUTHERN_AFRICA: (
        8,
        "SAF",
        (
            City("Pretoria", "ZA", "Africa/Johannesburg"),
            City("Maputo", "MZ", "Africa/Maputo"),
            City("Lusaka", "ZM", "Africa/Lusaka"),
        ),
        ("ZA", "MZ", "ZW", "MW", "ZM", "MG"),
        ["en"],
    ),
    Region.ASIA_PACIFIC: (
        18,
        "APAC",
        (
            City("Bangkok", "TH", "Asia/Bangkok"),
            City("Manila", "PH", "Asia/Manila"),
            City("Jakarta", "ID", "Asia/Jakarta"),
            City("Dhaka", "BD", "Asia/Dhaka"),
            City("Kathmandu", "NP", "Asia/Kathmandu"),
            City("Suva", "FJ", "Pacific/Fiji"),
        ),
        ("TH", "PH", "ID", "BD", "NP", "MM", "AF", "PK", "FJ"),
        ["en"],
    ),
    Region.EUROPE_CENTRAL_ASIA: (
        10,
        "ECA",
        (
            City("Vienna", "AT", "Europe/Vienna"),
            City("Brussels", "BE", "Europe/Brussels"),
            City("Almaty", "KZ", "Asia/Almaty"),
        ),
        ("AT", "BE", "UA", "KZ", "TJ", "GR", "BA"),
        ["en", "fr"],
    ),
    Region.LATIN_AMERICA_CARIBBEAN: (
        10,
        "LAC",
        (
            City("Panama City", "PA", "America/Panama"),
            City("Bogotá", "CO", "America/Bogota"),
            City("Lima", "PE", "America/Lima"),
            City("Mexico City", "MX", "America/Mexico_City"),
        ),
        ("PA", "CO", "PE", "MX", "VE", "HT", "HN", "GT"),
        ["en", "fr"],
    ),
    Region.NORTH_AMERICA: (
        3,
        "NAM",
        (City("Washington", "US", "America/New_York"), City("Ottawa", "CA", "America/Toronto")),
        ("US", "CA"),
        ["en", "fr"],
    ),
    Region.GLOBAL: (
        7,
        "GLOBAL",
        (City("Geneva", "CH", "Europe/Zurich"), City("New York", "US", "America/New_York")),
        (),
        ["en", "fr", "ar"],
    ),
}
HOME_REGIONS = [region for region in REGIONS if region is not Region.GLOBAL]
SPONSOR_TYPES = (
    OrganisationType.DONOR,
    OrganisationType.UN_AGENCY,
    OrganisationType.PRIVATE_SECTOR,
)
HEADQUARTERS = ("CH", "GB", "US", "FR", "DK", "NO", "NL", "DE", "SE", "BE")

# (type, weight, levels, names); each name gets a number, which keeps it unique.
ORGANISATION_KINDS = (
    (OrganisationType.LOCAL_NGO, 30, (OrganisationLevel.LOCAL,),
     ("Example Community Committee", "Example Women's Association", "Example Youth Volunteers")),
    (OrganisationType.NATIONAL_NGO, 28, (OrganisationLevel.NATIONAL,),
     ("Example Development Association", "Example Humanitarian Organisation", "Example Health Initiative")),
    (OrganisationType.INTERNATIONAL_NGO, 15, (OrganisationLevel.INTERNATIONAL,),
     ("Example Relief International", "Example Aid Worldwide", "Example Protection Partners")),
    (OrganisationType.NGO_NETWORK, 8, (OrganisationLevel.REGIONAL, OrganisationLevel.NATIONAL),
     ("Example NGO Forum", "Example Civil Society Network")),
    (OrganisationType.RED_CROSS, 5, (OrganisationLevel.NATIONAL,),
     ("Example Red Crescent Society", "Example Red Cross Society")),
    (OrganisationType.UN_AGENCY, 3, (OrganisationLevel.INTERNATIONAL,),
     ("Example Intergovernmental Agency",)),
    (OrganisationType.GOVERNMENT, 3, (OrganisationLevel.NATIONAL,),
     ("Example Ministry of Social Affairs",)),
    (OrganisationType.DONOR, 3, (OrganisationLevel.INTERNATIONAL,), ("Example Development Fund",)),
    (OrganisationType.ACADEMIC, 3, (OrganisationLevel.NATIONAL, OrganisationLevel.INTERNATIONAL),
     ("Example Institute for Humanitarian Studies",)),
    (OrganisationType.PRIVATE_SECTOR, 1, (OrganisationLevel.NATIONAL,),
     ("Example Logistics Company",)),
    (OrganisationType.OTHER, 1, (OrganisationLevel.REGIONAL,), ("Example Foundation",)),
)  # fmt: skip


@dataclass(frozen=True)
class ThemeContent:
    titles: tuple[str, ...]
    key_points: tuple[str, ...]
    recommendations: tuple[str, ...]
    commitment: str


# What sessions on each seed theme are called and conclude.
THEME_CONTENT = {
    "humanitarian-access": ThemeContent(
        ("Negotiating access with authorities and armed groups",
         "Bureaucratic impediments to humanitarian access",
         "Keeping access open through collective negotiation"),
        ("Administrative impediments now block more missions than insecurity does.",
         "Access negotiated organisation by organisation is fragile and easily played off.",
         "National staff carry most of the risk of access negotiations at field level."),
        ("Set up joint access working groups in each operation, with national and local NGOs "
         "as full members.",
         "Fund the time and staff that access negotiation takes as a programme cost."),
        "Share access analysis with partner NGOs every quarter through the access working group.",
    ),
    "risk-reduction": ThemeContent(
        ("Risk reduction tactics in unstable environments",
         "Sharing security information between agencies",
         "Remote management without transferring risk"),
        ("Community acceptance is the most effective protection but takes years to build.",
         "Remote management transfers risk to partners unless it comes with resources.",
         "Security incidents affecting local NGOs are under-reported."),
        ("Carry out joint risk assessments with partners before programmes start.",
         "Create a shared, anonymised incident reporting system open to local NGOs."),
        "Open the security information platform to national NGO partners.",
    ),
    "local-capacity": ThemeContent(
        ("Strengthening local capacity",
         "Multi-year funding for national NGOs",
         "From training to institutional support"),
        ("Short project cycles keep local organisations from retaining skilled staff.",
         "Overheads are rarely shared fairly with national and local partners.",
         "Due diligence requirements differ between donors and multiply the paperwork."),
        ("Share indirect costs with local partners in every partnership agreement.",
         "Harmonise due diligence so that one assessment serves several partners."),
        "Include a fair share of indirect costs in all new partnership agreements.",
    ),
    "hard-to-reach-places": ThemeContent(
        ("Reaching migrant detention centres",
         "Services in hard-to-reach areas",
         "Mobile teams and outreach"),
        ("Access to detention centres depends on agreements renewed case by case.",
         "Mobile teams reach more people but need predictable security arrangements.",
         "Communities in hard-to-reach areas are rarely consulted on services."),
        ("Negotiate standing access agreements to detention centres with monitoring rights.",
         "Publish a joint map of hard-to-reach areas and the services available there."),
        "Update the joint map of hard-to-reach areas every six months.",
    ),
    "accountability": ThemeContent(
        ("Accountability to affected people",
         "Feedback and complaints mechanisms",
         "Answering to communities"),
        ("Feedback is collected widely but rarely answered.",
         "Selection criteria are often not explained to communities.",
         "Complaints mechanisms are not trusted where staff and communities are close."),
        ("Answer every complaint within a set time and publish how feedback changed programmes.",
         "Explain selection criteria to communities in their own languages."),
        "Publish a yearly summary of the feedback received and the changes it led to.",
    ),
    "transparency": ThemeContent(
        ("Transparency in partnerships",
         "Open data on funding flows",
         "Reporting that partners can use"),
        ("Partners often do not know how much of the funding reaches them.",
         "Reporting formats differ between donors and are rarely shared back.",
         "Open data is published but hard to use at field level."),
        ("Publish funding flows to partners, down to the local level.",
         "Agree on one reporting template for all partners in an operation."),
        "Publish the funding passed to partners in an open data format.",
    ),
    "duty-of-care": ThemeContent(
        ("Duty of care for national and local partners",
         "Staff well-being in protracted crises",
         "Insurance and medical evacuation for partner staff"),
        ("Partner staff rarely have the insurance and evacuation cover of agency staff.",
         "Psychosocial support stops when projects end.",
         "Duty of care is seldom budgeted in partnership agreements."),
        ("Budget duty of care for partner staff in every agreement.",
         "Extend psychosocial support to partner staff for the whole crisis."),
        "Offer psychosocial support to the staff of partner organisations.",
    ),
    "conflict-sensitive-programming": ThemeContent(
        ("Conflict-sensitive programming",
         "Do no harm in divided communities",
         "Conflict analysis shared between partners"),
        ("Aid can deepen tensions when distributions follow divided lines.",
         "Conflict analyses are made but rarely shared with partners.",
         "Local staff understand conflict dynamics best but are seldom asked."),
        ("Share conflict analyses with partners and update them every year.",
         "Involve local staff in reviewing targeting for conflict sensitivity."),
        "Train programme staff in conflict sensitivity together with partner organisations.",
    ),
    "aid-diversion": ThemeContent(
        ("Preventing and responding to aid diversion",
         "Sharing the risk of diversion",
         "Monitoring distributions in insecure areas"),
        ("Diversion risk is often transferred to local partners without support.",
         "Zero-tolerance policies discourage the reporting of incidents.",
         "Third-party monitoring helps but is expensive."),
        ("Share diversion risks, and the cost of preventing them, with partners.",
         "Encourage the reporting of diversion incidents without automatic penalties."),
        "Review partnership agreements so that diversion risks are shared.",
    ),
    "ngo-partnerships": ThemeContent(
        ("IOM and NGOs: partnerships at every level",
         "Equal partnership in practice",
         "What NGOs expect from their partners"),
        ("NGOs want to be involved in design, not only in delivery.",
         "Partnership agreements are too short for lasting cooperation.",
         "Regular dialogue builds trust between agencies and NGOs."),
        ("Involve NGO partners in programme design from the start.",
         "Hold a yearly partnership dialogue in each region and report on its follow-up."),
        "Hold a yearly partnership dialogue and report on its follow-up.",
    ),
}  # fmt: skip

JOB_TITLES = (
    "Programme manager", "Protection officer", "Field coordinator", "Executive director",
    "Country director", "Advocacy officer", "Security adviser", "Partnership officer",
    "Humanitarian affairs officer", "Monitoring and evaluation officer",
)  # fmt: skip
DIETS = ("Vegetarian", "Halal", "Vegan", "No nuts", "Gluten-free")
ACCESS_NEEDS = (
    "Step-free access to the meeting rooms",
    "Sign language interpretation",
    "Documents in large print",
)
INTERNAL_NOTES = (
    "Invited by the host organisation.",
    "Travel funded by the organisers.",
    "Asked to report back from a working group.",
)
DECLINE_REASONS = (None, "The event is full.", "Places are kept for national and local NGOs.")
PRIVACY_NOTICE = (
    "**Who controls your data.** IOM and the co-organisers of the consultation.\n\n"
    "**Why.** To organise your participation: selection, visas, logistics and access needs.\n\n"
    "**How long.** Details about visas and accessibility are deleted 7 days after the event; "
    "the rest some time after it. Only the organisers see them.\n\n"
    "Questions or requests: consultations@example.org"
)


@dataclass(frozen=True)
class Slot:
    start: time
    end: time
    # Breaks have their title and room; None for a slot that takes sessions.
    break_title: str | None = None
    break_room: str | None = None


ARRIVAL = Slot(time(8, 30), time(9), "Registration and coffee", "Foyer")
MORNING = Slot(time(9), time(10, 30))
MORNING_COFFEE = Slot(time(10, 30), time(11), "Coffee break", "Foyer")
LATE_MORNING = Slot(time(11), time(12, 30))
LUNCH = Slot(time(12, 30), time(13, 30), "Lunch", "Terrace")
EARLY_AFTERNOON = Slot(time(13, 30), time(15))
AFTERNOON_COFFEE = Slot(time(15), time(15, 30), "Coffee break", "Foyer")
AFTERNOON = Slot(time(15, 30), time(17))
EVENING = Slot(time(17, 15), time(18))
SESSION_SLOTS = (MORNING, LATE_MORNING, EARLY_AFTERNOON, AFTERNOON, EVENING)
# How an agenda fills up, every day alike: (room number, slot), room 0 being the plenary hall
# and None a break. Past this list, more parallel rooms open as needed.
FILL_ORDER = (
    (0, MORNING), (0, LATE_MORNING), (None, LUNCH), (0, AFTERNOON),
    (1, EARLY_AFTERNOON), (2, EARLY_AFTERNOON), (None, MORNING_COFFEE), (None, AFTERNOON_COFFEE),
    (3, EARLY_AFTERNOON), (1, LATE_MORNING), (2, LATE_MORNING), (None, ARRIVAL),
    (0, EARLY_AFTERNOON), (0, EVENING),
)  # fmt: skip
ROOMS = ("Plenary Hall", "Cedar Room", "Olive Room", "Jasmine Room", "Palm Room", "Lotus Room")


@dataclass(frozen=True)
class PoolOrganisation:
    id: int
    # None for international organisations, which work in every region
    region: Region | None
    country: str
    type: OrganisationType


@dataclass(frozen=True)
class Person:
    number: int
    region: Region
    organisation: PoolOrganisation
    country: str
    language: str
    gender: Gender
    job_title: str
    # Some people type their address with capitals; the email key is the lower-case one.
    capitalised: bool

    @property
    def email(self) -> str:
        return (
            f"Participant.{self.number}@Example.org"
            if self.capitalised
            else f"participant.{self.number}@example.org"
        )


@dataclass
class PlannedSession:
    kind: SessionKind
    title: str
    room: str
    starts_at: datetime
    ends_at: datetime
    attribution: Attribution
    theme_ids: list[int]
    description: str | None
    id: int = 0


@dataclass
class PlannedEvent:
    region: Region
    city: City
    start: date
    end: date
    status: EventStatus
    themes: list[Theme]
    organiser_id: int
    opens_at: datetime | None
    closes_at: datetime | None
    moderation: Moderation
    waitlist_enabled: bool
    questions: list[str]
    notice_version: int
    slug: str = ""
    # A series has one edition a year: the region's other events that year stand alone,
    # numbered with their own short code.
    short_code: str | None = None
    id: int = 0
    partner_ids: list[int] = field(default_factory=list)
    sessions: list[PlannedSession] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.city.timezone)

    def moment(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)

    def created_at(self, now: datetime) -> datetime:
        """When the organiser created the event, with themself on its team."""
        return min(now, datetime.combine(self.start, time(9), UTC) - timedelta(days=200))


def fill_scale_data(
    events: int,
    registrations: int,
    sessions: int,
    seed: int = 1,
    organiser_password: str | None = None,
) -> dict[str, int]:
    """Add ``events`` synthetic events with ``sessions`` sessions and ``registrations``
    registrations between them, and what they need (organisations, organisers, series). The
    same seed gives the same data on the same day (the date decides which events are past),
    but for the random token hashes. Organiser accounts get ``organiser_password``, or none.
    Flushes; the caller commits."""
    rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
    now = now_utc()
    run = _next_run()
    counts: Counter[str] = Counter(run=run)
    seed_themes()
    themes = list(
        db.session.scalars(
            sa.select(Theme).where(Theme.slug.in_(THEME_CONTENT)).order_by(Theme.position)
        )
    )
    organisations, counts["organisations_added_to_pool"] = _organisation_pool()
    organisers, counts["organisers"] = _organisers(
        run, math.ceil(events / EVENTS_PER_ORGANISER), organisations, organiser_password
    )
    plans = _plan_events(rng, run, events, now, themes, organisers)
    series, counts["series"] = _series(run, {plan.region for plan in plans})
    _add_events(rng, plans, series, organisations, now, counts)
    _add_sessions(rng, plans, sessions, organisations, now, counts)
    _add_registrations(rng, plans, registrations, organisations, now, counts)
    _add_outcomes(rng, plans, series, now, counts)
    db.session.flush()
    return dict(counts)


# Inserting ---------------------------------------------------------------------------------


def _insert(target, rows: list[dict], returning=None) -> list:
    """Insert ``rows`` in batches; with ``returning``, that column of each row, in order."""
    values = []
    for start in range(0, len(rows), BATCH_SIZE):
        # render_nulls: rows with and without None values go in the same statement.
        statement = sa.insert(target).execution_options(render_nulls=True)
        batch = rows[start : start + BATCH_SIZE]
        if returning is None:
            db.session.execute(statement, batch)
        else:
            statement = statement.returning(returning, sort_by_parameter_order=True)
            values.extend(db.session.scalars(statement, batch))
    return values


def _ensure(model, key: str, rows: list[dict]) -> tuple[dict, int]:
    """The ids of ``rows`` by their ``key``, inserting the rows the database does not have
    yet; and how many were inserted."""
    column = getattr(model, key)
    wanted = [row[key] for row in rows]

    def existing() -> dict:
        return dict(db.session.execute(sa.select(column, model.id).where(column.in_(wanted))).all())

    before = existing()
    missing = [row for row in rows if row[key] not in before]
    _insert(model, missing)
    return existing(), len(missing)


def _next_run() -> int:
    slugs = db.session.scalars(sa.select(Event.slug).where(Event.slug.like("scale-%")))
    runs = [int(match.group(1)) for slug in slugs if (match := SCALE_SLUG.match(slug))]
    return max(runs, default=0) + 1


def _organisation_pool() -> tuple[list[PoolOrganisation], int]:
    """The same few hundred organisations for every run and seed, so that runs share them."""
    rng = random.Random("scale demo organisations")  # noqa: S311 (made-up data)
    rows, places = [], []
    for number in range(1, ORGANISATION_POOL_SIZE + 1):
        kind, _, levels, names = rng.choices(
            ORGANISATION_KINDS, [kind[1] for kind in ORGANISATION_KINDS]
        )[0]
        level = rng.choice(levels)
        name = f"{rng.choice(names)} {number:03d}"
        acronym = "".join(word[0] for word in name.split()[:-1]) + f"{number:03d}"
        if level is OrganisationLevel.INTERNATIONAL:
            region, country = None, rng.choice(HEADQUARTERS)
        else:
            region = rng.choice(HOME_REGIONS)
            country = rng.choice(REGIONS[region][3])
        rows.append(
            {
                "name": name,
                "acronym": acronym,
                "name_key": comparison_key(name),
                "acronym_key": comparison_key(acronym),
                "type": kind,
                "level": level,
                "country": country,
                "website": None,
                "created_at": now_utc(),
            }
        )
        places.append((region, country, kind))
    # An acronym someone else already uses is left out rather than refused.
    taken = set(
        db.session.scalars(
            sa.select(Organisation.acronym_key).where(
                Organisation.acronym_key.in_([row["acronym_key"] for row in rows]),
                Organisation.name_key.not_in([row["name_key"] for row in rows]),
            )
        )
    )
    for row in rows:
        if row["acronym_key"] in taken:
            row["acronym"] = row["acronym_key"] = None
        row["search_key"] = search_key(row["name"], row["acronym"])
    ids, created = _ensure(Organisation, "name_key", rows)
    pool = [
        PoolOrganisation(ids[row["name_key"]], region, country, kind)
        for row, (region, country, kind) in zip(rows, places, strict=True)
    ]
    return pool, created


def _organisers(
    run: int, count: int, organisations: list[PoolOrganisation], password: str | None
) -> tuple[list[int], int]:
    # One hash for all: Argon2 is slow on purpose, and they share the password anyway.
    holder = User()
    if password is not None:
        accounts.set_password(holder, password)
    international = [o for o in organisations if o.region is None]
    names = dict(
        db.session.execute(
            sa.select(Organisation.id, Organisation.name).where(
                Organisation.id.in_([o.id for o in international])
            )
        ).all()
    )
    rows = [
        {
            "email": f"scale-{run}-organiser-{number}@example.org",
            "display_name": f"Organiser {run}-{number}",
            "organisation_name": names[international[number % len(international)].id],
            "language": "en",
            "password_hash": holder.password_hash,
            "role": Role.ORGANISER,
            "active": True,
            "email_confirmed_at": now_utc(),
            "session_token": new_session_token(),
            "created_at": now_utc(),
            "last_login_at": None,
        }
        for number in range(1, count + 1)
    ]
    ids, created = _ensure(User, "email", rows)
    return [ids[row["email"]] for row in rows], created


def _series(run: int, regions: set[Region]) -> tuple[dict[Region, tuple[int, str]], int]:
    """A series per region for this run: the references of its outcomes are built on it."""
    with force_locale("en"):
        rows = [
            {
                "name": f"Scale test {run}: humanitarian consultations, {region.label}",
                "code": f"{REGIONS[region][1]}-S{run}",
                "description": "Synthetic consultations for load tests.",
                "created_at": now_utc(),
            }
            for region in sorted(regions)
        ]
    ids, created = _ensure(Series, "code", rows)
    return {
        region: (ids[row["code"]], row["code"])
        for region, row in zip(sorted(regions), rows, strict=True)
    }, created


# Events ------------------------------------------------------------------------------------


def _plan_events(
    rng: random.Random,
    run: int,
    count: int,
    now: datetime,
    themes: list[Theme],
    organisers: list[int],
) -> list[PlannedEvent]:
    regions = list(REGIONS)
    plans = []
    for number in range(count):
        # Years by strata: any number of events spans 2015–2027, and the first one is past.
        year = FIRST_YEAR + number * (LAST_YEAR - FIRST_YEAR + 1) // count
        start = date(year, 1, 5) + timedelta(days=rng.randrange(350))
        end = start + timedelta(days=rng.choices((1, 2, 3), (3, 5, 2))[0])
        region = rng.choices(regions, [REGIONS[region][0] for region in regions])[0]
        past = end < now.date()
        if past:
            archived = rng.random() < (0.8 if end.year < now.year - 1 else 0.2)
            status = EventStatus.ARCHIVED if archived else EventStatus.PUBLISHED
        else:
            status = EventStatus.DRAFT if rng.random() < 0.2 else EventStatus.PUBLISHED
        opens_at = closes_at = None
        if status is not EventStatus.DRAFT:
            opens_at = datetime.combine(start, time(6), UTC) - timedelta(days=rng.randint(90, 180))
            closes_at = datetime.combine(start, time(21), UTC) - timedelta(days=rng.randint(5, 21))
        plans.append(
            PlannedEvent(
                region=region,
                city=rng.choice(REGIONS[region][2]),
                start=start,
                end=end,
                status=status,
                themes=sorted(
                    rng.sample(themes, min(len(themes), rng.randint(3, 6))),
                    key=lambda theme: theme.position,
                ),
                organiser_id=0,
                opens_at=opens_at,
                closes_at=closes_at,
                moderation=Moderation.APPROVAL if rng.random() < 0.6 else Moderation.AUTOMATIC,
                waitlist_enabled=rng.random() < 0.85,
                questions=[question for question in OPTIONAL_QUESTIONS if rng.random() < 0.6],
                notice_version=2 if rng.random() < 0.15 else 1,
            )
        )
    plans.sort(key=lambda plan: plan.start)
    editions = set()
    for number, plan in enumerate(plans, start=1):
        plan.slug = f"scale-{run}-{number:04d}-{plan.region.value}-{plan.start.year}"
        if (plan.region, plan.start.year) in editions:
            plan.short_code = f"S{run}-{number:04d}"
        editions.add((plan.region, plan.start.year))
    # An organiser looks after a few events of one region, edition after edition.
    for number, plan in enumerate(sorted(plans, key=lambda plan: (plan.region, plan.start))):
        plan.organiser_id = organisers[number // EVENTS_PER_ORGANISER]
    return plans


def _add_events(
    rng: random.Random,
    plans: list[PlannedEvent],
    series: dict[Region, tuple[int, str]],
    organisations: list[PoolOrganisation],
    now: datetime,
    counts: Counter,
) -> None:
    rows = []
    with force_locale("en"):
        for plan in plans:
            region_name = str(plan.region.label)
            focus = _mid_sentence(plan.themes[0].name)
            created = plan.created_at(now)
            rows.append(
                {
                    "slug": plan.slug,
                    "title": f"Humanitarian consultation, {region_name}: {focus} ({plan.start.year})",
                    "series_id": None if plan.short_code else series[plan.region][0],
                    "short_code": plan.short_code,
                    "edition_year": plan.start.year,
                    "region": plan.region,
                    "city": plan.city.name,
                    "country": plan.city.country,
                    "venue": f"{plan.city.name} Conference Centre",
                    "start_date": plan.start,
                    "end_date": plan.end,
                    "timezone": plan.city.timezone,
                    "working_languages": REGIONS[plan.region][4],
                    "summary": (
                        f"IOM and NGOs working in {region_name} meet in {plan.city.name} to "
                        f"discuss {', '.join(_mid_sentence(theme.name) for theme in plan.themes)}."
                    ),
                    "description": "The consultation covers:\n\n"
                    + "".join(f"- **{theme.name}**: {theme.description}\n" for theme in plan.themes)
                    + "\n_Synthetic event made by `benchmarks/scale_data.py` for load tests._",
                    "contact_email": f"consultations.{REGIONS[plan.region][1].lower()}@example.org",
                    "status": plan.status,
                    "translations": {},
                    "content_moments": content_version.moments_of(plan.opens_at, plan.closes_at),
                    "created_at": created,
                    "updated_at": created,
                }
            )
    for plan, event_id in zip(plans, _insert(Event, rows, Event.id), strict=True):
        plan.id = event_id
    counts["events"] = len(plans)
    _insert(
        event_themes,
        [{"event_id": plan.id, "theme_id": theme.id} for plan in plans for theme in plan.themes],
    )
    _insert(
        EventMember,
        [
            {
                "event_id": plan.id,
                "user_id": plan.organiser_id,
                "role": TeamRole.ORGANISER,
                "created_at": plan.created_at(now),
            }
            for plan in plans
        ],
    )
    _insert(EventPartner, _partner_rows(rng, plans, organisations))
    counts["partners"] = sum(len(plan.partner_ids) for plan in plans)


def _partner_rows(
    rng: random.Random, plans: list[PlannedEvent], organisations: list[PoolOrganisation]
) -> list[dict]:
    hosts = [o for o in organisations if o.region is None]
    sponsors = [o for o in organisations if o.type in SPONSOR_TYPES]
    rows = []
    for plan in plans:
        regional = [o for o in organisations if o.region is plan.region] or hosts
        chosen = [(rng.choice(hosts), PartnerRole.HOST)]
        chosen += [(o, PartnerRole.CO_ORGANISER) for o in rng.sample(regional, rng.randint(1, 2))]
        chosen += [(o, PartnerRole.SPONSOR) for o in rng.sample(sponsors, rng.randint(0, 2))]
        for organisation, role in chosen:
            if organisation.id in plan.partner_ids:
                continue
            rows.append(
                {
                    "event_id": plan.id,
                    "organisation_id": organisation.id,
                    "role": role,
                    "position": len(plan.partner_ids),
                }
            )
            plan.partner_ids.append(organisation.id)
    return rows


def _mid_sentence(text: str) -> str:
    """The text with a small first letter, as inside a sentence, unless it starts with an
    acronym: "Duty of care" → "duty of care", but "IOM and NGOs" stays."""
    return text if text.split()[0].isupper() else text[0].lower() + text[1:]


def _spread(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, the largest remainders rounded up."""
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [int(share) for share in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


# Agenda ------------------------------------------------------------------------------------


def _cells(days: int):
    """(day, room number, slot) in the order an agenda fills up; never twice the same."""
    listed = set(FILL_ORDER)
    extra = (
        (room, slot)
        for room in itertools.count(1)
        for slot in SESSION_SLOTS
        if (room, slot) not in listed
    )
    for room, slot in itertools.chain(FILL_ORDER, extra):
        for day in range(days):
            yield day, room, slot


def _room_name(number: int) -> str:
    return ROOMS[number] if number < len(ROOMS) else f"Meeting Room {number}"


def _plan_agenda(rng: random.Random, plan: PlannedEvent, count: int) -> None:
    days = (plan.end - plan.start).days + 1
    cells = sorted(
        itertools.islice(_cells(days), count),
        key=lambda cell: (cell[0], cell[2].start, cell[1] or 0),
    )
    plenary = [cell for cell in cells if cell[1] == 0]
    # Every topic of the event's themes comes once before any comes back.
    topics = [(theme, title) for theme in plan.themes for title in THEME_CONTENT[theme.slug].titles]
    rng.shuffle(topics)
    next_topic = itertools.cycle(topics)
    for cell in cells:
        day_index, room, slot = cell
        day = plan.start + timedelta(days=day_index)
        session = PlannedSession(
            kind=SessionKind.BREAK,
            title=slot.break_title if slot is not ARRIVAL or day_index == 0 else "Welcome coffee",
            room=slot.break_room,
            starts_at=plan.moment(day, slot.start),
            ends_at=plan.moment(day, slot.end),
            attribution=Attribution.ON_RECORD,
            theme_ids=[],
            description=None,
        )
        if room is not None:
            theme, session.title = next(next_topic)
            others = [other for other in plan.themes if other is not theme]
            session.theme_ids = [theme.id] + [
                other.id for other in rng.sample(others, rng.choice((0, 0, 1)))
            ]
            session.room = _room_name(room)
            session.description = theme.description if rng.random() < 0.3 else None
            session.attribution = rng.choices(
                (Attribution.CHATHAM_HOUSE, Attribution.ON_RECORD, Attribution.CLOSED), (75, 15, 10)
            )[0]
            if room:
                session.kind = rng.choice((SessionKind.BREAKOUT, SessionKind.WORKING_GROUP))
            else:
                session.kind = rng.choice((SessionKind.PLENARY, SessionKind.PANEL))
            # The plenary hall opens and closes the event, on the record.
            if cell in (plenary[0], plenary[-1]):
                session.attribution = Attribution.ON_RECORD
                session.kind, session.title = (
                    (SessionKind.OPENING, "Opening and objectives")
                    if cell == plenary[0]
                    else (SessionKind.CLOSING, "Closing: recommendations and next steps")
                )
        plan.sessions.append(session)


# Who speaks, by kind of session: (role, fewest, most).
SPEAKERS = {
    SessionKind.OPENING: ((SpeakerRole.SPEAKER, 2, 2),),
    SessionKind.CLOSING: ((SpeakerRole.SPEAKER, 1, 1),),
    SessionKind.PANEL: ((SpeakerRole.MODERATOR, 1, 1), (SpeakerRole.PANELLIST, 2, 3)),
    SessionKind.PLENARY: ((SpeakerRole.MODERATOR, 1, 1), (SpeakerRole.SPEAKER, 0, 1)),
    SessionKind.BREAKOUT: ((SpeakerRole.RAPPORTEUR, 0, 1),),
    SessionKind.WORKING_GROUP: ((SpeakerRole.RAPPORTEUR, 0, 1),),
    SessionKind.BREAK: (),
}


def _add_sessions(
    rng: random.Random,
    plans: list[PlannedEvent],
    total: int,
    organisations: list[PoolOrganisation],
    now: datetime,
    counts: Counter,
) -> None:
    weights = [((plan.end - plan.start).days + 1) * rng.uniform(0.6, 1.4) for plan in plans]
    for plan, count in zip(plans, _spread(total, weights), strict=True):
        _plan_agenda(rng, plan, count)
    planned = [session for plan in plans for session in plan.sessions]
    written = {
        plan.id: min(now, datetime.combine(plan.start, time(9), UTC) - timedelta(days=60))
        for plan in plans
    }
    rows = [
        {
            "event_id": plan.id,
            "title": session.title,
            "kind": session.kind,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "room": session.room,
            "room_key": comparison_key(session.room),
            "description": session.description,
            "attribution": session.attribution,
            "translations": {},
            "created_at": written[plan.id],
            "updated_at": written[plan.id],
        }
        for plan in plans
        for session in plan.sessions
    ]
    for session, session_id in zip(planned, _insert(Session, rows, Session.id), strict=True):
        session.id = session_id
    counts["sessions"] = len(planned)
    _insert(
        session_themes,
        [
            {"session_id": session.id, "theme_id": theme_id}
            for session in planned
            for theme_id in session.theme_ids
        ],
    )
    # A pool of speakers who come back from session to session.
    speakers = [
        (number, rng.choice(JOB_TITLES), rng.choice(organisations).id)
        for number in range(1, max(20, total // 4) + 1)
    ]
    speaker_rows = []
    for session in planned:
        roles = [
            role
            for role, fewest, most in SPEAKERS[session.kind]
            for _ in range(rng.randint(fewest, most))
        ]
        for position, (role, (number, title, organisation_id)) in enumerate(
            zip(roles, rng.sample(speakers, len(roles)), strict=True)
        ):
            speaker_rows.append(
                {
                    "session_id": session.id,
                    "user_id": None,
                    "name": f"Speaker {number}",
                    "title": title,
                    "organisation_id": organisation_id,
                    "role": role,
                    "position": position,
                }
            )
    _insert(SessionSpeaker, speaker_rows)
    counts["speakers"] = len(speaker_rows)


# Registrations -----------------------------------------------------------------------------


def _add_registrations(
    rng: random.Random,
    plans: list[PlannedEvent],
    total: int,
    organisations: list[PoolOrganisation],
    now: datetime,
    counts: Counter,
) -> None:
    # Only events whose registration opened take registrations; the first event always did.
    open_plans = [plan for plan in plans if plan.opens_at is not None and plan.opens_at < now]
    weights = [
        rng.lognormvariate(0, 1) * _share_of_window_elapsed(plan, now) for plan in open_plans
    ]
    people = People(rng, organisations)
    rows, changes, interests = [], [], []
    capacities = {}
    for plan, count in zip(open_plans, _spread(total, weights), strict=True):
        statuses = _statuses(rng, plan, count, now)
        confirmed = statuses.count(RegistrationStatus.CONFIRMED)
        if RegistrationStatus.WAITLISTED in statuses:
            # Nobody waits while seats are free: the waiting list is a full event's.
            capacities[plan.id] = confirmed
        elif rng.random() < 0.25:
            capacities[plan.id] = None
        else:
            capacities[plan.id] = confirmed + rng.randint(0, max(3, confirmed // 4))
        window_end = min(plan.closes_at, now)
        moments = sorted(
            plan.opens_at + (window_end - plan.opens_at) * rng.random() for _ in range(count)
        )
        for person, status, registered_at in zip(
            people.for_event(plan, count), statuses, moments, strict=True
        ):
            history = _history(rng, plan, status, registered_at, now)
            row = _registration_row(rng, plan, person, status, registered_at, history)
            rows.append(row)
            changes.append(history)
            interests.append(
                rng.sample(plan.themes, rng.randint(1, min(3, len(plan.themes))))
                if "theme_interests" in plan.questions
                else []
            )
    # The ids come back by the unique (event, address) pair rather than with RETURNING: on
    # PostgreSQL, psycopg spent most of the run parsing the huge INSERT ... RETURNING texts.
    _insert(Registration, rows)
    found = db.session.execute(
        sa.select(Registration.event_id, Registration.email_key, Registration.id).where(
            Registration.event_id.in_([plan.id for plan in open_plans])
        )
    )
    by_address = {(event_id, key): registration_id for event_id, key, registration_id in found}
    ids = [by_address[row["event_id"], row["email_key"]] for row in rows]
    counts["registrations"] = len(ids)
    change_rows = [
        {"registration_id": registration_id, **change}
        for registration_id, history in zip(ids, changes, strict=True)
        for change in history
    ]
    _insert(RegistrationChange, change_rows)
    counts["registration_changes"] = len(change_rows)
    _insert(
        registration_theme_interests,
        [
            {"registration_id": registration_id, "theme_id": theme.id}
            for registration_id, themes in zip(ids, interests, strict=True)
            for theme in themes
        ],
    )
    settings = []
    for plan in plans:
        capacity = (
            capacities[plan.id] if plan.id in capacities else rng.choice((None, 60, 100, 150))
        )
        settings.append(
            {
                "event_id": plan.id,
                "opens_at": plan.opens_at,
                "closes_at": plan.closes_at,
                "capacity": capacity,
                "waitlist_enabled": plan.waitlist_enabled,
                "moderation": plan.moderation,
                "questions": plan.questions,
                "privacy_notice": PRIVACY_NOTICE,
                "privacy_notice_version": plan.notice_version,
                "retention_days": rng.choice((30, 90, 90, 180)),
            }
        )
    _insert(RegistrationSettings, settings)
    seats.recount_seats()


def _share_of_window_elapsed(plan: PlannedEvent, now: datetime) -> float:
    """An event whose registration is still open has only part of its registrants yet."""
    if plan.closes_at <= now:
        return 1.0
    return (now - plan.opens_at) / (plan.closes_at - plan.opens_at)


class People:
    """Participants made up as they first register; a share of each event's registrants come
    back from earlier events of the same region (any region, for global events)."""

    def __init__(self, rng: random.Random, organisations: list[PoolOrganisation]) -> None:
        self.rng = rng
        self.international = [o for o in organisations if o.region is None]
        self.regional = defaultdict(list)
        for organisation in organisations:
            if organisation.region is not None:
                self.regional[organisation.region].append(organisation)
        self.seen: dict[Region, list[Person]] = defaultdict(list)
        self.count = 0

    def for_event(self, plan: PlannedEvent, count: int) -> list[Person]:
        """``count`` different people, some back from earlier events; call in date order."""
        if plan.region is Region.GLOBAL:
            earlier = [person for people in self.seen.values() for person in people]
        else:
            earlier = self.seen[plan.region]
        returning = self.rng.sample(earlier, min(len(earlier), int(count * RETURNING_SHARE)))
        new = [self._new(plan.region) for _ in range(count - len(returning))]
        for person in new:
            self.seen[person.region].append(person)
        people = returning + new
        self.rng.shuffle(people)
        return people

    def _new(self, region: Region) -> Person:
        rng = self.rng
        home = rng.choice(HOME_REGIONS) if region is Region.GLOBAL else region
        regional = self.regional[home]
        organisation = rng.choice(
            regional if regional and rng.random() < 0.75 else self.international
        )
        country = organisation.country if organisation.region else rng.choice(REGIONS[home][3])
        languages = REGIONS[home][4]
        self.count += 1
        return Person(
            number=self.count,
            region=home,
            organisation=organisation,
            country=country,
            language=rng.choices(languages, [3, 2, 1][: len(languages)])[0],
            gender=rng.choices(list(Gender), (46, 44, 1, 9))[0],
            job_title=rng.choice(JOB_TITLES),
            capitalised=rng.random() < 0.05,
        )


def _statuses(
    rng: random.Random, plan: PlannedEvent, count: int, now: datetime
) -> list[RegistrationStatus]:
    """The statuses of the event's registrations in the order they came: the ones decided
    first, then the ones still awaiting a decision, the waiting list last (the event was full
    by then). Events that confirm automatically decide at once."""
    approval = plan.moderation is Moderation.APPROVAL
    pending = declined = 0
    if approval:
        still_open = plan.closes_at > now
        pending = int(count * (rng.uniform(0.2, 0.4) if still_open else rng.uniform(0, 0.03)))
        declined = int(count * rng.uniform(0.02, 0.08))
    full = plan.waitlist_enabled and rng.random() < 0.5
    waitlisted = int(count * rng.uniform(0.03, 0.12)) if full else 0
    cancelled = int(count * rng.uniform(0.04, 0.1))
    confirmed = count - pending - waitlisted - declined - cancelled
    decided = (
        [RegistrationStatus.CONFIRMED] * confirmed
        + [RegistrationStatus.DECLINED] * declined
        + [RegistrationStatus.CANCELLED] * cancelled
    )
    rng.shuffle(decided)
    return (
        decided
        + [RegistrationStatus.PENDING] * pending
        + [RegistrationStatus.WAITLISTED] * waitlisted
    )


def _history(
    rng: random.Random,
    plan: PlannedEvent,
    status: RegistrationStatus,
    registered_at: datetime,
    now: datetime,
) -> list[dict]:
    """The registration's changes as the services record them: received (pending), then
    decided by an organiser, or at once when the event confirms automatically."""

    def change(from_status, to_status, at, actor_id=None, reason=None) -> dict:
        return {
            "from_status": from_status,
            "to_status": to_status,
            "actor_id": actor_id,
            "reason": reason,
            "created_at": at,
        }

    pending = RegistrationStatus.PENDING
    history = [change(None, pending, registered_at)]
    if status is pending:
        return history
    latest = max(registered_at, min(plan.moment(plan.start, time(9)), now))
    if plan.moderation is Moderation.APPROVAL:
        decided_at = registered_at + (latest - registered_at) * rng.random() * 0.3
        organiser = plan.organiser_id
    else:
        decided_at, organiser = registered_at, None
    if status is RegistrationStatus.DECLINED:
        history.append(change(pending, status, decided_at, organiser, rng.choice(DECLINE_REASONS)))
    elif status is RegistrationStatus.CANCELLED:
        # Participants cancel through their link, mostly after being confirmed.
        if rng.random() < 0.7:
            history.append(change(pending, RegistrationStatus.CONFIRMED, decided_at, organiser))
            cancelled_from = RegistrationStatus.CONFIRMED
        else:
            cancelled_from = pending
        cancelled_at = decided_at + (latest - decided_at) * rng.random()
        history.append(change(cancelled_from, status, cancelled_at))
    else:
        history.append(change(pending, status, decided_at, organiser))
    return history


def _registration_row(
    rng: random.Random,
    plan: PlannedEvent,
    person: Person,
    status: RegistrationStatus,
    registered_at: datetime,
    history: list[dict],
) -> dict:
    """What registrations.services.register() stores, with the answers to the questions the
    event asks and nothing for the others."""
    asks = set(plan.questions)
    interpretation = []
    if "interpretation_languages" in asks and person.language in REGIONS[plan.region][4][1:]:
        interpretation = [person.language] if rng.random() < 0.6 else []
    # Consents name the notice they agreed to: a second version came out half-way.
    halfway = plan.opens_at + (plan.closes_at - plan.opens_at) / 2
    return {
        "event_id": plan.id,
        "user_id": None,
        "status": status,
        "full_name": f"Participant {person.number}",
        "email": person.email,
        "email_key": email_key(person.email),
        "search_key": search_key(f"Participant {person.number}", person.email),
        "organisation_id": person.organisation.id,
        "job_title": person.job_title,
        "country_of_work": person.country,
        "language": person.language,
        "gender": person.gender if "gender" in asks else None,
        "interpretation_languages": interpretation,
        "accessibility_needs": (
            rng.choice(ACCESS_NEEDS)
            if "accessibility_needs" in asks and rng.random() < 0.04
            else None
        ),
        "dietary_requirements": (
            rng.choice(DIETS) if "dietary_requirements" in asks and rng.random() < 0.15 else None
        ),
        "needs_visa_letter": "visa_letter" in asks and rng.random() < 0.2,
        "consented_at": registered_at,
        "privacy_notice_version": (plan.notice_version if registered_at >= halfway else 1),
        "listed_to_participants": rng.random() < 0.7,
        "agrees_to_photography": rng.random() < 0.65,
        # Nobody holds these management links: random, so that no seed can rebuild one, and
        # unique across runs.
        "management_token_hash": hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
        "waitlisted_at": (
            history[-1]["created_at"] if status is RegistrationStatus.WAITLISTED else None
        ),
        "internal_notes": rng.choice(INTERNAL_NOTES) if rng.random() < 0.02 else None,
        "anonymised_at": None,
        "created_at": registered_at,
        "updated_at": history[-1]["created_at"],
    }


# Outcomes ----------------------------------------------------------------------------------


def _add_outcomes(
    rng: random.Random,
    plans: list[PlannedEvent],
    series: dict[Region, tuple[int, str]],
    now: datetime,
    counts: Counter,
) -> None:
    """Reviewed outcomes for some of the events over for a month or more, recorded and
    reviewed by their organiser, with the references the services give."""
    rows: dict[str, list[dict]] = defaultdict(list)
    recommendation_themes_ids, commitment_histories = [], []
    for plan in plans:
        content = [s for s in plan.sessions if s.kind is not SessionKind.BREAK]
        over = plan.end + timedelta(days=30) < now.date()
        if not (over and content and plan.status is not EventStatus.DRAFT):
            continue
        if rng.random() >= OUTCOME_SHARE:
            continue
        prefix = f"{plan.short_code or series[plan.region][1]}-{plan.start.year}"
        reviewed_at = min(
            now, datetime.combine(plan.end, time(12), UTC) + timedelta(days=rng.randint(10, 40))
        )
        adopted, commitments = [], 0
        for session in content:
            theme = next(theme for theme in plan.themes if theme.id == session.theme_ids[0])
            texts = THEME_CONTENT[theme.slug]
            review = rng.choices(list(ReviewStatus), (5, 5, 15, 75))[0]
            reviewed = review is not ReviewStatus.DRAFT
            points = rng.sample(texts.key_points, rng.randint(2, 3))
            rows["session outcomes"].append(
                {
                    "session_id": session.id,
                    "event_id": plan.id,
                    "summary": f"Participants discussed **{_mid_sentence(session.title)}**. {points[0]}",
                    "review_status": review,
                    "review_note": None,
                    "status_changed_by_id": plan.organiser_id if reviewed else None,
                    "status_changed_at": reviewed_at if reviewed else None,
                    "updated_at": reviewed_at,
                }
            )
            rows["key points"] += [
                {"session_id": session.id, "position": position, "text": text}
                for position, text in enumerate(points)
            ]
            chosen = rng.sample(texts.recommendations, rng.randint(1, 2))
            for position, text in enumerate(chosen):
                adopted.append(text)
                rows["recommendations"].append(
                    {
                        "event_id": plan.id,
                        "session_id": session.id,
                        "number": len(adopted),
                        "reference": f"{prefix}-R{len(adopted):02d}",
                        "position": position,
                        "text": text,
                        "addressees": [
                            addressee.value
                            for addressee in rng.sample(list(Addressee), rng.randint(1, 2))
                        ],
                        "other_addressee": None,
                        "priority": rng.choice(list(Priority)),
                    }
                )
                recommendation_themes_ids.append(theme.id)
            if rng.random() < 0.25:
                commitments += 1
                due_on = plan.end + timedelta(days=rng.randint(90, 365))
                history = _commitment_history(rng, plan, due_on, reviewed_at, now)
                rows["commitments"].append(
                    {
                        "event_id": plan.id,
                        "session_id": session.id,
                        "number": commitments,
                        "reference": f"{prefix}-C{commitments:02d}",
                        "position": 0,
                        "text": texts.commitment,
                        "owner_id": rng.choice(plan.partner_ids),
                        "due_on": due_on,
                        "status": history[-1]["status"] if history else CommitmentStatus.PLANNED,
                        "progress": history[-1]["progress"] if history else None,
                    }
                )
                commitment_histories.append(history)
        rows["event outcomes"].append(
            {
                "event_id": plan.id,
                "executive_summary": (
                    f"IOM and NGOs met in {plan.city.name} for {len(content)} sessions on "
                    f"{', '.join(_mid_sentence(theme.name) for theme in plan.themes)}. They made "
                    f"{len(adopted)} recommendations and took on {commitments} commitments."
                ),
                "conclusions": "".join(
                    f"{number}. {text}\n" for number, text in enumerate(adopted[:5], start=1)
                ),
                "next_steps": (
                    "- Share this report with participants.\n- Track each commitment on this site."
                ),
                "review_status": rng.choices(
                    (ReviewStatus.PUBLISHED, ReviewStatus.APPROVED), (4, 1)
                )[0],
                "review_note": None,
                "status_changed_by_id": plan.organiser_id,
                "status_changed_at": reviewed_at,
                "last_recommendation_number": len(adopted),
                "last_commitment_number": commitments,
                "updated_at": reviewed_at,
            }
        )
    _insert(EventOutcome, rows["event outcomes"])
    _insert(SessionOutcome, rows["session outcomes"])
    _insert(KeyPoint, rows["key points"])
    recommendation_ids = _insert(Recommendation, rows["recommendations"], Recommendation.id)
    _insert(
        recommendation_themes,
        [
            {"recommendation_id": recommendation_id, "theme_id": theme_id}
            for recommendation_id, theme_id in zip(
                recommendation_ids, recommendation_themes_ids, strict=True
            )
        ],
    )
    commitment_ids = _insert(Commitment, rows["commitments"], Commitment.id)
    _insert(
        FollowUpUpdate,
        [
            {"commitment_id": commitment_id, **change}
            for commitment_id, history in zip(commitment_ids, commitment_histories, strict=True)
            for change in history
        ],
    )
    for name in ("event outcomes", "session outcomes", "recommendations", "commitments"):
        counts[name.replace(" ", "_")] = len(rows[name])


def _commitment_history(
    rng: random.Random, plan: PlannedEvent, due_on: date, made_at: datetime, now: datetime
) -> list[dict]:
    """The published follow-up updates of a commitment planned when made: in progress, then
    done or dropped, as time went by."""
    if datetime.combine(due_on, time(12), UTC) < now:
        path = rng.choices(
            (
                (CommitmentStatus.IN_PROGRESS, CommitmentStatus.DONE),
                (CommitmentStatus.IN_PROGRESS, CommitmentStatus.DROPPED),
                (CommitmentStatus.IN_PROGRESS,),
            ),
            (6, 1, 3),
        )[0]
    else:
        path = rng.choice(((), (CommitmentStatus.IN_PROGRESS,)))
    history = []
    previous = CommitmentStatus.PLANNED
    for status in path:
        made_at = made_at + (now - made_at) * rng.uniform(0.1, 0.5)
        history.append(
            {
                "status": status.value,
                "previous_status": previous.value,
                "progress": 5 if status is CommitmentStatus.DONE else rng.randint(1, 4),
                "reported_on": made_at.date(),
                "text": "Reported by the owner.",
                "language": "en",
                "evidence_links": [],
                "author_id": plan.organiser_id,
                "review": UpdateReview.PUBLISHED,
                "reviewed_by_id": plan.organiser_id,
                "reviewed_at": made_at,
                "created_at": made_at,
            }
        )
        previous = status
    return history


# Running ------------------------------------------------------------------------------------


def add_scale_data(app: Flask, events: int, registrations: int, sessions: int, seed: int) -> str:
    """One run, committed; what it added, as the command prints it."""
    if app.config["CONSULTATION_ENV"] == "production":
        raise click.ClickException("Synthetic data is not added to a production installation.")
    started = clock.perf_counter()
    password = secrets.token_urlsafe(12)
    with app.app_context():
        counts = fill_scale_data(events, registrations, sessions, seed, password)
        db.session.commit()
    elapsed = clock.perf_counter() - started
    run = counts.pop("run")
    lines = [f"Run {run} added in {elapsed:.1f} s; its events' slugs start with scale-{run}-."]
    lines += [f"  {name.replace('_', ' ')}: {count:,}" for name, count in counts.items()]
    lines.append(f"Organiser accounts: scale-{run}-organiser-<n>@example.org, password {password}")
    return "\n".join(lines)


@click.command()
@click.option(
    "--database-url",
    default=lambda: os.environ.get("DATABASE_URL"),
    help="The database to add to (default: DATABASE_URL); its schema must be migrated.",
)
@click.option("--events", default=300, show_default=True, type=click.IntRange(min=1))
@click.option("--registrations", default=100_000, show_default=True, type=click.IntRange(min=0))
@click.option("--sessions", default=6000, show_default=True, type=click.IntRange(min=0))
@click.option(
    "--seed",
    default=1,
    show_default=True,
    help="The same seed gives the same data (on the same day).",
)
def main(database_url: str | None, events: int, registrations: int, sessions: int, seed: int):
    """Add synthetic consultations in bulk, for load tests and benchmarks."""
    if not database_url:
        raise click.UsageError("Give --database-url, or set DATABASE_URL.")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    click.echo(add_scale_data(app, events, registrations, sessions, seed))


if __name__ == "__main__":
    main()
