"""200 people register at the same moment for 50 places.

Prints how many were confirmed, waitlisted, lost or failed, and the outbox rows written.
Expected: 50 confirmed, 150 waitlisted, 0 lost, 0 errors, 200 emails.

    .venv/bin/python benchmarks/registration_concurrency.py            # on a new SQLite file
    BENCHMARK_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python benchmarks/registration_concurrency.py        # on PostgreSQL
"""

import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import benchmark_app, crowded_event
from consultation.db import db
from consultation.events.models import Event
from consultation.mail import OutboxMessage
from consultation.registrations import services
from consultation.registrations.models import Registration

PEOPLE, PLACES = 200, 50


def main() -> None:
    app, url = benchmark_app()
    with app.app_context():
        event_id, organisation_id = crowded_event(PLACES)
    barrier = threading.Barrier(PEOPLE)
    errors: list[Exception] = []

    def register(number: int) -> None:
        with app.app_context():
            answers = services.Answers(
                full_name=f"Person {number}",
                organisation_id=organisation_id,
                new_organisation=None,
                job_title=None,
                country_of_work="JO",
            )
            barrier.wait(timeout=60)
            try:
                services.register(
                    db.session.get(Event, event_id), f"person{number}@ngo.example", "en", answers
                )
                db.session.commit()
            except Exception as error:
                errors.append(error)
                db.session.rollback()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(PEOPLE)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    with app.app_context():
        counts = dict(
            db.session.execute(
                sa.select(Registration.status, sa.func.count()).group_by(Registration.status)
            ).all()
        )
        emails = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    registered = sum(counts.values())
    print(f"database: {url.split('@')[-1]}")
    print(
        f"{PEOPLE} registrations at once for {PLACES} places in {elapsed:.2f} s "
        f"({PEOPLE / elapsed:.0f} per second)"
    )
    for status, count in sorted(counts.items()):
        print(f"  {status.value:<11} {count}")
    print(f"  lost        {PEOPLE - registered - len(errors)}")
    print(f"  errors      {len(errors)}{': ' + repr(errors[0]) if errors else ''}")
    print(f"  emails      {emails}")
    correct = counts.get("confirmed") == PLACES and counts.get("waitlisted") == PEOPLE - PLACES
    print("result: " + ("as expected" if correct and not errors and emails == PEOPLE else "WRONG"))


if __name__ == "__main__":
    main()
