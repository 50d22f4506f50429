"""Can the response time of the forms that send email tell a known address from an unknown
one? Consultation served as `make serve` serves it (gunicorn, 2 sync workers, no Redis: the
look-up and sending run once the response is sent), timed from a client on 127.0.0.1.

For each form, requests for a known address (an account; a registration for the event) and
an unknown one alternate in a random order. Prints both distributions (p10, median, p90),
the ratio of the medians, and how well a timing tells them apart: the probability that a
known address's request took longer than an unknown one's (0.50: no better than a coin; the
ranges of the issue's finding, 21 ms against 11 ms, would give 1.00).

    .venv/bin/python benchmarks/timing_oracles.py [--rounds 200]
    BENCHMARK_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python benchmarks/timing_oracles.py
"""

import argparse
import http.cookiejar
import os
import platform
import random
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import benchmark_app, crowded_event
from benchmarks.serving import Server
from consultation.accounts.models import Role, User
from consultation.db import db
from consultation.events.models import Event
from consultation.registrations import services as registrations
from consultation.registrations.services import Answers

KNOWN = "known@ngo.example"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Between two requests: the work put off after the previous answer is done by then, as it
# would be for requests that do not follow one another within milliseconds.
PAUSE = 0.03


def prepare(app) -> tuple[str, int]:
    with app.app_context():
        event_id, organisation_id = crowded_event(None, slug="timing")
        db.session.add(
            User(email=KNOWN, display_name="Known", role=Role.PARTICIPANT, language="en")
        )
        registrations.register(
            db.session.get(Event, event_id),
            KNOWN,
            "en",
            Answers("Known", organisation_id, None, None, "JO"),
        )
        db.session.commit()
    return "timing", organisation_id


class Visitor:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def token(self, path: str) -> str:
        with self.opener.open(self.server.url(path)) as response:
            return CSRF_INPUT.search(response.read().decode()).group(1)

    def timed_post(self, path: str, fields: dict) -> float:
        data = urllib.parse.urlencode(fields).encode()
        started = time.perf_counter()
        with self.opener.open(self.server.url(path), data) as response:
            response.read()
            assert response.status == 200, response.status
        return (time.perf_counter() - started) * 1000


def separation(known: list[float], unknown: list[float]) -> float:
    """P(a known address's request took longer than an unknown one's), ties counted half."""
    longer = sum((a > b) + 0.5 * (a == b) for a in known for b in unknown)
    return longer / (len(known) * len(unknown))


def summary(samples: list[float]) -> str:
    deciles = statistics.quantiles(samples, n=10)
    return f"{deciles[0]:5.1f} {statistics.median(samples):5.1f} {deciles[-1]:5.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="requests per address and form")
    arguments = parser.parse_args()
    app, url = benchmark_app()
    slug, organisation_id = prepare(app)
    server = Server(
        "consultation:create_app()",
        {
            "DATABASE_URL": url,
            "REDIS_URL": "",
            "SECRET_KEY": "benchmark",
            "CONSULTATION_ENV": "development",
            "MAIL_BACKEND": "memory",
            "FLASK_DEBUG": "0",
            # The throttles would answer 429 long before the rounds end.
            "MAIL_LIMIT_PER_ADDRESS": "1000000 per hour",
            "MAIL_LIMIT_PER_RECIPIENT": "1000000 per hour",
        },
    )
    forms = {
        "/password/forgot": ("/password/forgot", {}),
        "/signup": ("/signup", {"display_name": "Someone", "language": "en"}),
        f"/events/{slug}/register/link": (f"/events/{slug}/register", {}),
        f"/events/{slug}/register": (
            f"/events/{slug}/register",
            {
                "full_name": "Someone",
                "organisation_id": str(organisation_id),
                "new_organisation_type": "local_ngo",
                "new_organisation_level": "local",
                "country_of_work": "JO",
                "consent": "y",
            },
        ),
    }
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}"
        f", {arguments.rounds} requests per address and form"
    )
    print(
        f"{'form':32} {'known p10/p50/p90 ms':>22} {'unknown p10/p50/p90 ms':>24} "
        f"{'ratio':>6} {'P(known slower)':>16}"
    )
    try:
        for path, (page, fields) in forms.items():
            visitor = Visitor(server)
            token = visitor.token(page)
            times: dict[str, list[float]] = {"known": [], "unknown": []}
            order = ["known", "unknown"] * arguments.rounds
            random.shuffle(order)
            for number, which in enumerate(["known", "unknown"] * 5 + order):
                email = KNOWN if which == "known" else f"unknown{number}@ngo.example"
                elapsed = visitor.timed_post(path, {**fields, "email": email, "csrf_token": token})
                if number >= 10:
                    times[which].append(elapsed)
                time.sleep(PAUSE)
            known, unknown = times["known"], times["unknown"]
            print(
                f"{path:32} {summary(known):>22} {summary(unknown):>24} "
                f"{statistics.median(known) / statistics.median(unknown):6.2f} "
                f"{separation(known, unknown):16.2f}"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
