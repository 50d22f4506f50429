"""Consultation served as in production (gunicorn, 2 sync workers, 127.0.0.1) on a database
holding the scale data, next to a minimal Flask app served the same way.

Prints, for each page at 8 concurrent clients: requests per second, p50 and p99 latency, the
ratio to hello world's requests per second, and the workers' CPU time per request (from
/proc); then a burst of 1,000 registrations sent by 32 clients for 300 seats; then the RSS of
each worker of a fresh server over 10,000 mixed requests.

    .venv/bin/python benchmarks/scale_data.py --database-url sqlite:////tmp/scale.sqlite3  # once
    .venv/bin/python benchmarks/serving.py --database-url sqlite:////tmp/scale.sqlite3
    .venv/bin/python benchmarks/serving.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/scale

The script adds three events of its own (registration POSTs, the registration form, the
burst) and an organiser account on the busiest event, and leaves the rest alone. It needs
wrk (`apt-get install wrk`) and Redis, where the registration emails are queued as in
production (`--redis-url`, default database 15, emptied at the end).
"""

import argparse
import http.cookiejar
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import crowded_event
from consultation import create_app
from consultation.accounts.models import Role, User
from consultation.accounts.services import set_password
from consultation.agenda.models import Session as AgendaSession
from consultation.db import db, now_utc
from consultation.events.models import Event, EventStatus, TeamRole
from consultation.events.team import add_team_member
from consultation.mail import OutboxMessage
from consultation.registrations.models import Registration, RegistrationSettings, RegistrationStatus
from consultation.registrations.organisers import registration_counts

ROOT = Path(__file__).resolve().parent.parent
WRK = shutil.which("wrk") or "wrk"
ORGANISER = "serving-benchmark-organiser@example.org"
PASSWORD = "serving benchmark organiser"  # noqa: S105 - an account of the benchmark's own
CONNECTIONS = 8
BURST_REGISTRATIONS, BURST_CLIENTS, BURST_SEATS = 1000, 32, 300
MIXED_REQUESTS = 10_000
# Indico 3.3 on this machine with 65 registrations (see the issue): CPU ms per request.
INDICO_CPU_MS = {"event page": 86, "agenda": 190, "registration form": 142}
CPU_SHARE = 20  # ours must spend at most a twentieth
RATIO_TARGETS = {"event page": 0.35, "agenda": 0.35, "registration POST": 0.15}
P99_TARGET_MS = 100
TICKS = os.sysconf("SC_CLK_TCK")


# The database --------------------------------------------------------------------------------


@dataclass
class Subjects:
    busiest_slug: str  # the published event with the most registrations
    registrations: int
    sessions: int
    form_slug: str
    post_slug: str
    burst_slug: str
    burst_event_id: int
    organisation_id: int


def add_organiser(event: Event) -> None:
    """The benchmark's organiser account, on the event's team (call in an app context)."""
    if db.session.scalar(sa.select(User).where(User.email == ORGANISER)) is None:
        organiser = User(
            email=ORGANISER,
            display_name="Serving benchmark",
            role=Role.ORGANISER,
            email_confirmed_at=now_utc(),
        )
        set_password(organiser, PASSWORD)
        db.session.add(organiser)
        db.session.flush()
        add_team_member(event, ORGANISER, TeamRole.ORGANISER)
        db.session.commit()


def prepare(database_url: str) -> Subjects:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "benchmark"})
    with app.app_context():
        busiest = db.session.execute(
            sa.select(Event, sa.func.count(Registration.id).label("registrations"))
            .join(Registration, Registration.event_id == Event.id)
            .where(Event.status == EventStatus.PUBLISHED)
            .group_by(Event.id)
            .order_by(sa.desc("registrations"))
            .limit(1)
        ).first()
        if busiest is None:
            sys.exit("No published event with registrations: load the scale data first.")
        event, registrations = busiest
        sessions = db.session.scalar(
            sa.select(sa.func.count()).where(AgendaSession.event_id == event.id)
        )
        add_organiser(event)
        run = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        form_slug = f"serving-form-{run}"
        crowded_event(None, slug=form_slug)
        post_slug = f"serving-post-{run}"
        crowded_event(None, slug=post_slug)
        burst_event_id, organisation_id = crowded_event(BURST_SEATS, slug=f"serving-burst-{run}")
        return Subjects(
            event.slug,
            registrations,
            sessions,
            form_slug,
            post_slug,
            f"serving-burst-{run}",
            burst_event_id,
            organisation_id,
        )


# Servers and processes -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers, as `make serve` runs it (without --max-requests, so that
    a worker's memory is never hidden by a restart)."""

    def __init__(self, application: str, environment: dict[str, str]) -> None:
        self.port = free_port()
        # Open as long as the server runs: gunicorn writes its log there.
        self.log = tempfile.NamedTemporaryFile(prefix="serving-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                application,
            ],
            cwd=ROOT,
            env={**os.environ, **environment},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while len(self.workers()) < 2 or not self._answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                sys.exit(f"gunicorn did not start: see {self.log.name}")
            time.sleep(0.2)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(self.url("/"), timeout=5).close()  # noqa: S310 - loopback
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.workers():
            # The command name may hold spaces: the fields after it are counted from ")".
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / TICKS

    def rss_mib(self) -> list[float]:
        found = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            found.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return found

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


# Clients ---------------------------------------------------------------------------------------


class Browser:
    """A visitor with cookies, for what wrk cannot do: sign in, read a CSRF token."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> str:
        with self.opener.open(self.server.url(path), timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> int:
        body = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(self.server.url(path), data=body, timeout=60) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def csrf_token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)).group(1)

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)


def registration_fields(organisation_id: int, email: str, token: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "full_name": "Benchmark Participant",
        "email": email,
        "organisation_id": str(organisation_id),
        # Unused with an organisation chosen, but the form checks every choice it receives.
        "new_organisation_type": "local_ngo",
        "new_organisation_level": "local",
        "job_title": "Protection officer",
        "country_of_work": "JO",
        "gender": "woman",
        "consent": "y",
    }


@dataclass
class Load:
    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    failures: int


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    url: str, seconds: int, headers: dict[str, str] | None = None, script: str | None = None
) -> Load:
    command = [WRK, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    output = subprocess.run(  # noqa: S603 - our own command line
        [*command, url], capture_output=True, text=True, check=True
    ).stdout

    def latency(percentile: str) -> float:
        found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if found is None:
            sys.exit(f"wrk printed no {percentile}th percentile for {url}:\n{output}")
        value, unit = found.groups()
        return float(value) * UNITS[unit]

    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return Load(
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        failures=(int(failures.group(1)) if failures else 0)
        + (sum(int(n) for n in re.findall(r"\d+", errors.group(1))) if errors else 0),
    )


def lua(source: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(source)
    return script.name


def registration_post_script(path: str, fields: dict[str, str], cookie: str, run: str) -> str:
    """Each request a new person: the email numbered by wrk thread and request."""
    body = urllib.parse.urlencode({**fields, "email": "EMAIL"}).replace("EMAIL", "%s")
    return lua(
        f"""
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end
local sent = 0
function request()
  sent = sent + 1
  local email = string.format("post-{run}-%d-%d%%40example.org", number, sent)
  return wrk.format("POST", "{path}", {{
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "{cookie}",
  }}, string.format("{body}", email))
end
"""
    )


def mixed_script(requests: list[tuple[str, str]]) -> str:
    """GETs in turn through ``requests`` (path, cookie or "")."""
    paths = ", ".join(f'"{path}"' for path, _ in requests)
    cookies = ", ".join(f'"{cookie}"' for _, cookie in requests)
    return lua(
        f"""
local paths = {{{paths}}}
local cookies = {{{cookies}}}
local turn = 0
function request()
  turn = turn + 1
  local index = turn % #paths + 1
  local headers = {{}}
  if cookies[index] ~= "" then headers["Cookie"] = cookies[index] end
  return wrk.format("GET", paths[index], headers)
end
"""
    )


# The measures ----------------------------------------------------------------------------------


def measure(server: Server, path: str, seconds: int, **options) -> tuple[Load, float]:
    """Load and the workers' CPU milliseconds per request during it."""
    before = server.cpu_seconds()
    load = wrk(server.url(path), seconds, **options)
    return load, (server.cpu_seconds() - before) * 1000 / max(load.requests, 1)


def burst(server: Server, subjects: Subjects, database_url: str) -> None:
    numbers = iter(range(BURST_REGISTRATIONS))
    lock = threading.Lock()
    statuses: list[int] = []
    path = f"/events/{subjects.burst_slug}/register"
    browsers = [Browser(server) for _ in range(BURST_CLIENTS)]
    tokens = [browser.csrf_token(path) for browser in browsers]
    start = threading.Barrier(BURST_CLIENTS + 1)

    def client(browser: Browser, token: str) -> None:
        start.wait()
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            email = f"burst-{number}@example.org"
            status = browser.post(path, registration_fields(subjects.organisation_id, email, token))
            with lock:
                statuses.append(status)

    threads = [
        threading.Thread(target=client, args=pair) for pair in zip(browsers, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "benchmark"})
    with app.app_context():
        counts = registration_counts(db.session.get(Event, subjects.burst_event_id)).by_status
        seats = db.session.get(RegistrationSettings, subjects.burst_event_id).confirmed_count
        outbox = db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.event_id == subjects.burst_event_id)
        )
    errors = sum(status != 200 for status in statuses)
    print(
        f"\nRegistration burst: {BURST_REGISTRATIONS} registrations, {BURST_CLIENTS} clients, "
        f"{BURST_SEATS} seats"
    )
    print("| confirmed | seat count | waitlisted | errors | outbox rows | seconds | per second |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {counts.get(RegistrationStatus.CONFIRMED, 0)} | {seats} "
        f"| {counts.get(RegistrationStatus.WAITLISTED, 0)} | {errors} | {outbox} "
        f"| {elapsed:.1f} | {BURST_REGISTRATIONS / elapsed:.0f} |"
    )


def memory(environment: dict[str, str], subjects: Subjects, organiser_cookie: str) -> None:
    server = Server("consultation:create_app()", environment)
    try:
        busiest = f"/events/{subjects.busiest_slug}"
        requests = [
            (busiest, ""),
            (f"{busiest}/agenda", ""),
            (f"/events/{subjects.form_slug}/register", ""),
            ("/events", ""),
            (f"{busiest}/agenda.ics", ""),
            (f"/manage/events/{subjects.busiest_slug}/registrations", organiser_cookie),
            (
                f"/manage/events/{subjects.busiest_slug}/registrations?status=confirmed&sort=name",
                organiser_cookie,
            ),
            (f"/manage/events/{subjects.busiest_slug}", organiser_cookie),
        ]
        print(f"\nMemory: RSS of each worker of a fresh server, {MIXED_REQUESTS:,} mixed requests")
        print("| after requests | worker RSS MiB |")
        print("|---|---|")

        def after(done: int) -> None:
            print(f"| {done:,} | {' / '.join(f'{rss:.0f}' for rss in server.rss_mib())} |")

        after(0)
        # In rounds of a few seconds, wrk counting the requests: a wrk thread stopped after a
        # number of requests leaves connections open that hold sync workers until they time
        # out.
        script = mixed_script(requests)
        done, checkpoints = 0, [MIXED_REQUESTS // 2, MIXED_REQUESTS]
        while checkpoints:
            done += wrk(server.url("/"), 3, script=script).requests
            if done >= checkpoints[0]:
                checkpoints.pop(0)
                after(done)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), required=False)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--seconds", type=int, default=10, help="of load on each page")
    arguments = parser.parse_args()
    if not arguments.database_url:
        sys.exit("Give --database-url (a database holding the scale data).")
    subjects = prepare(arguments.database_url)
    environment = {
        "DATABASE_URL": arguments.database_url,
        "REDIS_URL": arguments.redis_url,
        "SECRET_KEY": "benchmark",
        "CONSULTATION_ENV": "development",
        "MAIL_BACKEND": "console",
        "FLASK_DEBUG": "0",
    }
    engine = sa.make_url(arguments.database_url).get_backend_name()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {engine}; busiest event: "
        f"{subjects.registrations:,} registrations, {subjects.sessions} sessions"
    )
    hello = Server("benchmarks.hello_world:app", {})
    server = Server("consultation:create_app()", environment)
    try:
        organiser = Browser(server)
        token = organiser.csrf_token("/login")
        organiser.post("/login", {"csrf_token": token, "email": ORGANISER, "password": PASSWORD})
        organiser_cookie = organiser.cookie_header()
        participant = Browser(server)
        post_path = f"/events/{subjects.post_slug}/register"
        post_token = participant.csrf_token(post_path)
        run = datetime.now(UTC).strftime("%H%M%S")
        post_script = registration_post_script(
            post_path,
            registration_fields(subjects.organisation_id, "", post_token),
            participant.cookie_header(),
            run,
        )
        registrations = f"/manage/events/{subjects.busiest_slug}/registrations"
        pages = [
            ("event page", f"/events/{subjects.busiest_slug}", {}),
            ("agenda", f"/events/{subjects.busiest_slug}/agenda", {}),
            ("registration form", f"/events/{subjects.form_slug}/register", {}),
            ("registration POST", post_path, {"script": post_script}),
            ("registrations table", registrations, {"headers": {"Cookie": organiser_cookie}}),
            (
                "registrations, filtered",
                f"{registrations}?status=confirmed&type=local_ngo&sort=name",
                {"headers": {"Cookie": organiser_cookie}},
            ),
        ]
        seconds = arguments.seconds
        floors = [wrk(hello.url("/"), seconds)]
        results = [
            (name, *measure(server, path, seconds, **options)) for name, path, options in pages
        ]
        floors.append(wrk(hello.url("/"), seconds))
        floor = sum(load.per_second for load in floors) / len(floors)
        print(
            f"\nPages, {CONNECTIONS} clients, {seconds} s each; hello world "
            f"{floors[0].per_second:.0f} and {floors[1].per_second:.0f} requests/s "
            f"(p50 {floors[0].p50_ms:.1f} ms, p99 {floors[0].p99_ms:.1f} ms), mean {floor:.0f}"
        )
        print(
            "| page | requests/s | p50 ms | p99 ms | ratio to hello world | target "
            "| CPU ms/request | CPU target (Indico / 20) | failures |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for name, load, cpu_ms in results:
            ratio = load.per_second / floor
            target = f"≥ {RATIO_TARGETS[name]:.0%}" if name in RATIO_TARGETS else "–"
            cpu_target = (
                f"≤ {INDICO_CPU_MS[name] / CPU_SHARE:.1f} ({INDICO_CPU_MS[name]})"
                if name in INDICO_CPU_MS
                else "–"
            )
            print(
                f"| {name} | {load.per_second:.0f} | {load.p50_ms:.1f} | {load.p99_ms:.1f} "
                f"| {ratio:.0%} | {target} | {cpu_ms:.1f} | {cpu_target} | {load.failures} |"
            )
        burst(server, subjects, arguments.database_url)
    finally:
        server.stop()
        hello.stop()
    memory(environment, subjects, organiser_cookie)
    redis.Redis.from_url(arguments.redis_url).flushdb()


if __name__ == "__main__":
    main()
