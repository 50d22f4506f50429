"""The L outcome report (5,000 participants, 200 sessions, 1,000 recommendations) asked for by
an organiser and made by the RQ worker while gunicorn (2 sync workers) serves the event's
public page to 8 clients: the page's requests per second and p99 before and during, how long
the report took, and the peak RSS of the worker's processes.

    .venv/bin/python benchmarks/report_while_serving.py
    BENCHMARK_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python benchmarks/report_while_serving.py

Like the other benchmarks it builds its own database (tables dropped and recreated). It needs
wrk and Redis (`--redis-url`, default database 15, emptied before and after).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._setup import benchmark_app, crowded_event
from benchmarks.report_generation import SIZES, build
from benchmarks.serving import ORGANISER, PASSWORD, ROOT, Browser, Server, add_organiser, wrk
from consultation.db import db
from consultation.events.models import Event
from consultation.reports.models import ReportExport

SECONDS = 10
EVENT_PAGE = "/events/benchmark"


class PeakMemory:
    """The largest RSS seen, polled every 0.2 s, of a process or any of its children (RQ
    makes each job in a child of its own)."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mib = pid, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _pids(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        found = [self.pid]
        if children.exists():
            found += [int(pid) for pid in children.read_text().split()]
        return found

    def _poll(self) -> None:
        while not self._stop.is_set():
            for pid in self._pids():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                if found := re.search(r"VmRSS:\s+(\d+)", status):
                    self.peak_mib = max(self.peak_mib, int(found.group(1)) / 1024)
            time.sleep(0.2)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    arguments = parser.parse_args()
    queue = redis.Redis.from_url(arguments.redis_url)
    queue.flushdb()
    app, url = benchmark_app()
    started = time.perf_counter()
    with app.app_context():
        event_id, _ = crowded_event(None)
        build(event_id, *SIZES["L"])
        add_organiser(db.session.get(Event, event_id))
    print(
        f"{sa.make_url(url).get_backend_name()}: L event built in {time.perf_counter() - started:.0f} s"
    )
    environment = {
        "DATABASE_URL": url,
        "REDIS_URL": arguments.redis_url,
        "SECRET_KEY": "benchmark",
        "CONSULTATION_ENV": "development",
        "MAIL_BACKEND": "console",
        "FLASK_DEBUG": "0",
        # A store of its own: an earlier run's PDF of the same data would be reused at once.
        "REPORT_STORE_DIR": tempfile.mkdtemp(prefix="report-store-"),
    }
    server = Server("consultation:create_app()", environment)
    worker = None
    try:
        idle = wrk(server.url(EVENT_PAGE), SECONDS)
        organiser = Browser(server)
        token = organiser.csrf_token("/login")
        organiser.post("/login", {"csrf_token": token, "email": ORGANISER, "password": PASSWORD})
        reports = "/manage/events/benchmark/reports"
        fields = {"kind": "outcome", "audience": "public", "language": "en"}
        asked = time.perf_counter()
        status = organiser.post(reports, {"csrf_token": organiser.csrf_token(reports), **fields})
        answered_ms = (time.perf_counter() - asked) * 1000
        assert status == 200, status  # the progress page, after the redirect
        worker = subprocess.Popen(  # noqa: S603 - our own command line
            [str(ROOT / ".venv/bin/flask"), "--app", "consultation", "worker", "--burst"],
            cwd=ROOT,
            env={**os.environ, **environment},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        memory = PeakMemory(worker.pid)
        during = wrk(server.url(EVENT_PAGE), SECONDS)
        worker.wait(timeout=900)
        made_s = time.perf_counter() - asked
        peak = memory.stop()
    finally:
        server.stop()
        if worker is not None and worker.poll() is None:
            worker.kill()
        queue.flushdb()
    with app.app_context():
        export = db.session.scalar(sa.select(ReportExport).order_by(ReportExport.id.desc()))
    print(
        f"Asking for the report took {answered_ms:.0f} ms; the worker made it in {made_s:.0f} s: "
        f"{export.state.value}, {export.page_count} pages, peak RSS {peak:.0f} MiB."
    )
    print("| event page | requests/s | p50 ms | p99 ms | failures |")
    print("|---|---|---|---|---|")
    for name, load in (("idle", idle), ("while the report is made", during)):
        print(
            f"| {name} | {load.per_second:.0f} | {load.p50_ms:.1f} | {load.p99_ms:.1f} "
            f"| {load.failures} |"
        )


if __name__ == "__main__":
    main()
