"""The outcome report PDF at three sizes, each in a fresh process so that its peak memory is
its own; then the participant list and agenda PDFs next to Indico's figures.

    .venv/bin/python benchmarks/report_generation.py [--sizes S,M,L]
    BENCHMARK_DATABASE_URL=postgresql+psycopg://... .venv/bin/python benchmarks/report_generation.py
"""

import argparse
import gc
import hashlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import benchmark_app, crowded_event
from consultation.agenda import models as agenda
from consultation.db import db, now_utc
from consultation.events import access as event_access
from consultation.events import models as events
from consultation.organisations.models import Organisation, OrganisationLevel, OrganisationType
from consultation.outcomes import models as outcomes
from consultation.registrations.models import Gender, Registration, RegistrationStatus
from consultation.reports import rendering
from consultation.reports.models import Audience, ReportKind
from consultation.reports.pdf import render_pdf
from consultation.taxonomy.seed import seed_themes

# participants, sessions (besides a lunch break each day), recommendations
SIZES = {"S": (65, 12, 30), "M": (500, 40, 150), "L": (5000, 200, 1000)}
# Measured with Indico on this machine: its 65-row registrant table and 5-page timetable.
INDICO = {"participants": 0.86, "agenda": 1.0}
DAYS, START, ZONE = 3, date(2027, 3, 1), ZoneInfo("Asia/Amman")
HOURS = (9, 10, 11, 12, 14, 15, 16, 17)  # lunch at 13:00
COUNTRIES = "JO LB SY IQ EG TN MA DZ LY SD YE PS TR CH DE"
FIRST = "Amina Omar Layla Karim Fatima Youssef Nour Hassan Salma Pierre Claire Ahmed Rania Hana"
LAST = "Haddad Khalil Nasser Mansour Benali Saleh Ibrahim Dupont Aziz Farouk Rahman Kassem Moreau"
WORDS = (
    "access humanitarian partners local capacity funding protection risk communities staff "
    "safety donors coordination migrants detention monitoring accountability negotiation "
    "security networks national regional programmes diversion transparency commitments"
)


def pick(rng: random.Random, words: str, count: int = 1) -> str:
    return " ".join(rng.choice(words.split()) for _ in range(count))


def prose(rng: random.Random, sentences: int, words: int = 20) -> str:
    return " ".join(pick(rng, WORDS, words).capitalize() + "." for _ in range(sentences))


def person(rng: random.Random) -> str:
    return f"{pick(rng, FIRST)} {pick(rng, LAST)}"


def local(day: int, hour: int) -> datetime:
    moment = datetime(START.year, START.month, START.day + day, hour, tzinfo=ZONE)
    return moment.astimezone(UTC)


def inserted(model, rows: list[dict]) -> list[int]:
    """Bulk insert that gives back the new ids in the order of the rows."""
    statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


def build(event_id: int, participants: int, sessions: int, recommendations: int) -> None:
    """Fills the event with participants and reviewed outcomes (call in an app context)."""
    rng, now = random.Random(participants), now_utc()  # noqa: S311 (made-up data, no secrets)
    themes = [theme.id for theme in seed_themes()]
    event = db.session.get(events.Event, event_id)
    event.series = events.Series(name="IOM–NGO Regional Consultations", code="MENA")
    event.summary, event.description = prose(rng, 2), prose(rng, 6)
    rows = [{"event_id": event.id, "theme_id": theme} for theme in themes]
    db.session.execute(sa.insert(events.event_themes), rows)
    types, levels = list(OrganisationType), list(OrganisationLevel)
    rows = [
        {"name": f"{pick(rng, LAST)} {pick(rng, 'Relief Aid Network Foundation')} {n}"}
        | {"name_key": f"organisation {n}", "acronym": f"ORG{n}", "acronym_key": f"org{n}"}
        | {"type": types[n % len(types)], "level": levels[n % len(levels)]}
        | {"country": COUNTRIES.split()[n % 15]}
        for n in range(participants // 5)
    ]
    organisations = inserted(Organisation, rows)
    genders, titles = [*Gender, None], ("Programme officer", "Director", "Advocacy lead", None)
    registration = {"event_id": event.id, "status": RegistrationStatus.CONFIRMED}
    registration |= {"consented_at": now, "privacy_notice_version": 1}
    rows = [
        registration
        | {"full_name": person(rng), "email": f"p{n}@ngo.example", "email_key": f"p{n}@ngo.example"}
        | {"organisation_id": rng.choice(organisations), "job_title": titles[n % len(titles)]}
        | {"country_of_work": COUNTRIES.split()[n * 7 % 15], "gender": genders[n % len(genders)]}
        # About half agree to be listed.
        | {"listed_to_participants": n % 2 == 0}
        | {"management_token_hash": hashlib.sha256(f"token {n}".encode()).hexdigest()}
        for n in range(participants)
    ]
    db.session.execute(sa.insert(Registration), rows)
    # The sessions fill the days in order, in parallel rooms when a day holds more than 8.
    per_day = -(-sessions // DAYS)
    rooms = -(-per_day // len(HOURS))
    kinds = [agenda.SessionKind.PANEL, agenda.SessionKind.BREAKOUT, agenda.SessionKind.PLENARY]
    attributions = (agenda.Attribution.CHATHAM_HOUSE, agenda.Attribution.ON_RECORD)
    rows = []
    for n in range(sessions):
        day, slot = divmod(n, per_day)
        hour, room = HOURS[slot // rooms], f"Room {slot % rooms + 1}"
        rows.append(
            {"event_id": event.id, "title": pick(rng, WORDS, 6).capitalize(), "kind": kinds[n % 3]}
            | {"starts_at": local(day, hour), "ends_at": local(day, hour + 1)}
            | {"room": room, "room_key": room.lower(), "description": prose(rng, 2)}
            | {"attribution": attributions[n % 3 == 0]}
        )
    session_ids = inserted(agenda.Session, rows)
    lunch = {"event_id": event.id, "title": "Lunch", "kind": agenda.SessionKind.BREAK}
    rows = [lunch | {"starts_at": local(d, 13), "ends_at": local(d, 14)} for d in range(DAYS)]
    db.session.execute(sa.insert(agenda.Session), rows)
    rows = [
        {"session_id": s, "theme_id": t}
        for s in session_ids
        for t in rng.sample(themes, rng.randint(1, 3))
    ]
    db.session.execute(sa.insert(agenda.session_themes), rows)
    roles = (agenda.SpeakerRole.MODERATOR, agenda.SpeakerRole.SPEAKER)
    rows = [
        {"session_id": s, "name": person(rng), "role": role}
        | {"organisation_id": rng.choice(organisations), "position": position}
        for s in session_ids[::3]
        for position, role in enumerate(roles)
    ]
    db.session.execute(sa.insert(agenda.SessionSpeaker), rows)
    published = {"event_id": event.id, "review_status": outcomes.ReviewStatus.PUBLISHED}
    rows = [published | {"session_id": s, "summary": prose(rng, 4)} for s in session_ids]
    db.session.execute(sa.insert(outcomes.SessionOutcome), rows)
    rows = [
        {"session_id": s, "position": p, "text": prose(rng, 1, 15)}
        for s in session_ids
        for p in range(3)
    ]
    db.session.execute(sa.insert(outcomes.KeyPoint), rows)

    def item(letter: str, n: int) -> dict:
        """What a recommendation and a commitment share: numbers, references, places."""
        place = {"event_id": event.id, "session_id": session_ids[n % sessions], "position": n}
        return place | {"number": n + 1, "reference": f"MENA-2027-{letter}{n + 1:03d}"}

    priorities, statuses = list(outcomes.Priority), list(outcomes.CommitmentStatus)
    rows = [
        item("R", n) | {"text": prose(rng, 2), "addressees": ["iom"], "priority": priorities[n % 3]}
        for n in range(recommendations)
    ]
    ids = inserted(outcomes.Recommendation, rows)
    rows = [{"recommendation_id": r, "theme_id": rng.choice(themes)} for r in ids]
    db.session.execute(sa.insert(outcomes.recommendation_themes), rows)
    rows = [
        item("C", n)
        | {"text": prose(rng, 1), "owner_id": rng.choice(organisations), "status": statuses[n % 4]}
        | {"due_on": date(2027, 6, 1) + timedelta(days=n % 90)}
        for n in range(recommendations // 3)
    ]
    db.session.execute(sa.insert(outcomes.Commitment), rows)
    conclusions = {"executive_summary": prose(rng, 8), "conclusions": prose(rng, 8)}
    conclusions["next_steps"] = "\n".join(f"- {prose(rng, 1)}" for _ in range(5))
    db.session.add(
        outcomes.EventOutcome(
            event_id=event.id,
            review_status=outcomes.ReviewStatus.APPROVED,
            last_recommendation_number=recommendations,
            last_commitment_number=recommendations // 3,
            **conclusions,
        )
    )
    db.session.commit()


def export(app, kind: ReportKind, audience: Audience):
    """What an export does, in a request of its own: seconds in all and to the HTML, the HTML,
    the PDF and the SQL statements."""
    with app.test_request_context():
        statements: list[str] = []

        def count(*args):
            statements.append(args[2])

        gc.collect()  # so that no run pays for the garbage of the one before
        sa.event.listen(db.engine, "before_cursor_execute", count)
        started = time.perf_counter()
        try:
            event = event_access.event_by_slug("benchmark", *event_access.EVENT_PAGE_OPTIONS)
            html = rendering.report_html(event, kind, audience, "en")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        html_seconds = time.perf_counter() - started
        rendered = rendering.render_report(event, kind, audience, "en", html)
        return time.perf_counter() - started, html_seconds, html, rendered, len(statements)


def measure_size(size: str) -> dict:
    app, _ = benchmark_app()
    with app.app_context():
        event_id, _ = crowded_event(None)
    # The report of the still empty event loads WeasyPrint, fonts and templates, as a running
    # server has long done: the sizes are compared without that first-time cost.
    export(app, ReportKind.OUTCOME, Audience.PUBLIC)
    with app.app_context():
        build(event_id, *SIZES[size])
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    totals, to_html, alone = [], [], []
    for _ in range(1 if size == "L" else 3):
        total, html_seconds, html, rendered, statements = export(
            app, ReportKind.OUTCOME, Audience.PUBLIC
        )
        gc.collect()
        started = time.perf_counter()
        render_pdf(html)
        alone.append(time.perf_counter() - started)
        totals.append(total)
        to_html.append(html_seconds)
    return {
        "total": statistics.median(totals),
        "html": statistics.median(to_html),
        "weasyprint": statistics.median(alone),
        "runs": len(totals),
        "rss_before": rss_before / 1024,
        "rss_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pages": rendered.page_count,
        "statements": statements,
        "html_kib": len(html.encode()) / 1024,
    }


def measure_small_pdfs() -> dict:
    app, _ = benchmark_app()
    with app.app_context():
        build(crowded_event(None)[0], *SIZES["S"])
    results = {}
    for name, kind, audience in (
        ("participants", ReportKind.PARTICIPANTS, Audience.INTERNAL),
        ("agenda", ReportKind.AGENDA, Audience.PUBLIC),
    ):
        # The first run loads WeasyPrint, fonts and templates: it warms up and is not counted.
        runs = [export(app, kind, audience) for _ in range(4)][1:]
        seconds = statistics.median(run[0] for run in runs)
        results[name] = {"seconds": seconds, "pages": runs[0][3].page_count}
    return results


def child(name: str) -> dict:
    command = [sys.executable, __file__, "--child", name]
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)  # noqa: S603
    return json.loads(output.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L", help="a subset of S,M,L")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        small = arguments.child == "small"
        print(json.dumps(measure_small_pdfs() if small else measure_size(arguments.child)))
        return
    sizes = [size.strip().upper() for size in arguments.sizes.split(",") if size.strip()]
    if unknown := set(sizes) - set(SIZES):
        parser.error(f"unknown sizes: {', '.join(sorted(unknown))}")
    url = os.environ.get("BENCHMARK_DATABASE_URL")
    print(f"database: {url.split('@')[-1] if url else 'SQLite, a new file per process'}")
    print(
        f"{'size':<4} {'people/sess/recs':>16} {'export s':>9} {'to HTML s':>9} "
        f"{'WeasyPrint s':>12} {'overhead':>9} {'direct':>7} {'RSS MiB before/peak':>19} {'pages':>6} "
        f"{'SQL':>4} {'HTML KiB':>9}"
    )
    for size in sizes:
        r = child(size)
        overhead = (r["total"] - r["weasyprint"]) / r["weasyprint"] * 100
        # The same overhead timed directly (to the HTML / WeasyPrint): a difference of two long
        # WeasyPrint timings on a busy machine is noisier than the overhead itself.
        direct = r["html"] / r["weasyprint"] * 100
        print(
            f"{size:<4} {'/'.join(map(str, SIZES[size])):>16} {r['total']:>9.2f} "
            f"{r['html']:>9.2f} {r['weasyprint']:>12.2f} {overhead:>8.1f}% {direct:>6.1f}% "
            f"{r['rss_before']:>9.0f} /{r['rss_peak']:>7.0f} {r['pages']:>7} {r['statements']:>4} "
            f"{r['html_kib']:>9.0f}"
            f"  (median of {r['runs']})"
        )
    small = child("small")
    print(f"\n{'warm, median of 3':<18} {'ours s':>8} {'Indico s':>9} {'ours/Indico':>12} pages")
    for name, label in (("participants", "participants, 65"), ("agenda", "agenda, 3 days")):
        ours, indico = small[name]["seconds"], INDICO[name]
        print(
            f"{label:<18} {ours:>8.2f} {indico:>9.2f} {ours / indico:>12.2f} {small[name]['pages']:>5}"
        )


if __name__ == "__main__":
    main()
