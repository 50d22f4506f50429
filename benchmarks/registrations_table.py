"""The organisers' registrations table with 5,000 registrations.

Prints the SQL statements and the time to render page 1 and a filtered, sorted page, as the
median of several requests, next to the same pages with 50 registrations.

    .venv/bin/python benchmarks/registrations_table.py
    BENCHMARK_DATABASE_URL=postgresql+psycopg://... .venv/bin/python benchmarks/registrations_table.py
"""

import hashlib
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import benchmark_app, crowded_event
from consultation.accounts.models import Role, User
from consultation.accounts.services import set_password
from consultation.db import db, now_utc
from consultation.events.models import EventMember, TeamRole
from consultation.registrations.models import Registration, RegistrationStatus

PAGES = {
    "page 1": "/manage/events/benchmark/registrations",
    "filtered": "/manage/events/benchmark/registrations?status=waitlisted&country=LB&sort=name&q=person",
}
STATUSES = list(RegistrationStatus)
COUNTRIES = ("JO", "LB", "TN", "MA", "EG", "IQ")


def add_registrations(event_id: int, organisation_id: int, start: int, count: int) -> None:
    db.session.execute(
        sa.insert(Registration),
        [
            {
                "event_id": event_id,
                "status": STATUSES[n % len(STATUSES)],
                "full_name": f"Person {n}",
                "email": f"person{n}@ngo.example",
                "email_key": f"person{n}@ngo.example",
                "organisation_id": organisation_id,
                "country_of_work": COUNTRIES[n % len(COUNTRIES)],
                "language": "en",
                "interpretation_languages": [],
                "needs_visa_letter": False,
                "consented_at": now_utc(),
                "privacy_notice_version": 1,
                "listed_to_participants": False,
                "agrees_to_photography": False,
                "management_token_hash": hashlib.sha256(f"{n}".encode()).hexdigest(),
                "created_at": now_utc(),
                "updated_at": now_utc(),
            }
            for n in range(start, start + count)
        ],
    )
    db.session.commit()


def measure(app, client) -> dict[str, tuple[int, float]]:
    results = {}
    with app.app_context():
        engine = db.engine
    for name, url in PAGES.items():
        statements: list[str] = []

        def count(*args, statements=statements):
            statements.append(args[2])

        sa.event.listen(engine, "before_cursor_execute", count)
        client.get(url)
        sa.event.remove(engine, "before_cursor_execute", count)
        timings = []
        for _ in range(7):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        results[name] = (len(statements), statistics.median(timings))
    return results


def main() -> None:
    app, url = benchmark_app()
    with app.app_context():
        event_id, organisation_id = crowded_event(None)
        organiser = User(
            email="organiser@bench.example", display_name="Organiser", role=Role.ORGANISER
        )
        set_password(organiser, "benchmark password")
        db.session.add(organiser)
        db.session.flush()
        db.session.add(
            EventMember(event_id=event_id, user_id=organiser.id, role=TeamRole.ORGANISER)
        )
        db.session.commit()
        add_registrations(event_id, organisation_id, 0, 50)
    client = app.test_client()
    client.post(
        "/login", data={"email": "organiser@bench.example", "password": "benchmark password"}
    )
    small = measure(app, client)
    with app.app_context():
        add_registrations(event_id, organisation_id, 50, 4950)
    large = measure(app, client)
    print(f"database: {url.split('@')[-1]}")
    print(
        f"{'page':<10} {'queries 50':>10} {'queries 5000':>12} {'ms 50':>8} {'ms 5000':>8} {'ratio':>6}"
    )
    for name in PAGES:
        (q_small, t_small), (q_large, t_large) = small[name], large[name]
        print(
            f"{name:<10} {q_small:>10} {q_large:>12} {t_small * 1000:>8.1f} {t_large * 1000:>8.1f} "
            f"{t_large / t_small:>6.2f}"
        )


if __name__ == "__main__":
    main()
