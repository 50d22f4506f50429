"""Background work: on an RQ queue in Redis when ``REDIS_URL`` is set, in this process
otherwise.

- ``enqueue``: short work (delivering the outbox), inline without Redis.
- ``after_commit``: for work that reads what the current transaction writes: enqueues it
  once the transaction has committed, at the end of the request, command or job; never if
  it rolls back.
- ``enqueue_after_response``: work that must not reveal by its duration what it found
  (whether an address has an account or a registration); without Redis it runs once the
  response has been sent, so the visitor's timing ends before it starts.
- ``enqueue_background``: long work (a large report), on a pool of ``BACKGROUND_WORKERS``
  threads per process without Redis; identical work already waiting or running is not
  started twice.
"""

import logging
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Lock
from typing import Any

import sqlalchemy as sa
from flask import Flask, after_this_request, current_app, g, has_app_context
from redis import Redis
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from consultation.db import db
from consultation.unit_of_work import transaction

log = logging.getLogger(__name__)

QUEUE_NAME = "consultation"
AFTER_RESPONSE_FAILURE_KEPT = timedelta(days=1)


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    if url:
        app.extensions["job_queue"] = Queue(QUEUE_NAME, connection=Redis.from_url(url))
    app.teardown_appcontext(_enqueue_committed_work)


def enqueue(function: Callable[..., Any], *args: Any) -> None:
    queue: Queue | None = current_app.extensions.get("job_queue")
    if queue is None:
        function(*args)
    else:
        queue.enqueue(function, *args)


# Work waiting for the session's transaction to commit, then for the end of the app context.
AWAITING_COMMIT = "awaiting_commit"
COMMITTED = "committed_work"


def after_commit(enqueue_work: Callable[..., Any], *args: Any) -> None:
    """Calls ``enqueue_work(*args)`` (``enqueue``, or a service that enqueues) once the
    session's transaction has committed. Asked for twice, the same call is made once."""
    awaiting = db.session.info.setdefault(AWAITING_COMMIT, [])
    if (enqueue_work, args) not in awaiting:
        awaiting.append((enqueue_work, args))


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _committed(session: sa.orm.Session) -> None:
    if session.in_nested_transaction():
        # A savepoint released: the transaction may still roll back.
        return
    awaiting = session.info.pop(AWAITING_COMMIT, [])
    if awaiting and has_app_context():
        committed_work = g.setdefault(COMMITTED, [])
        committed_work.extend(work for work in awaiting if work not in committed_work)


@sa.event.listens_for(sa.orm.Session, "after_soft_rollback")
def _rolled_back(session: sa.orm.Session, previous_transaction: sa.orm.SessionTransaction) -> None:
    # A savepoint rolled back leaves the transaction, and what waits for its commit, going.
    if not session.in_transaction():
        session.info.pop(AWAITING_COMMIT, None)


def _enqueue_committed_work(exception: BaseException | None) -> None:
    """Done as the app context ends rather than inside the commit, where the session still
    holds its connection: inline work would need a second one."""
    committed_work = g.pop(COMMITTED, [])
    if committed_work:
        db.session.remove()
    for enqueue_work, args in committed_work:
        enqueue_work(*args)


def _run_in_context(app: Flask, function: Callable[..., Any], args: tuple) -> None:
    # An application context of its own, and so a database session of its own.
    with app.app_context():
        function(*args)


def committed(function: Callable[..., Any], *args: Any) -> None:
    """Runs a service in a unit of work of its own."""
    with transaction():
        function(*args)


def enqueue_after_response(function: Callable[..., Any], *args: Any) -> None:
    """A service whose changes are committed when it ends: on the queue, or else run when the
    server closes the response, after sending it."""
    queue: Queue | None = current_app.extensions.get("job_queue")
    if queue is not None:
        # The arguments are what a visitor typed (a registration's answers among them): Redis
        # drops them once the job has run, or a day after it failed.
        queue.enqueue(
            committed,
            function,
            *args,
            result_ttl=0,
            failure_ttl=int(AFTER_RESPONSE_FAILURE_KEPT.total_seconds()),
        )
        return
    app = current_app._get_current_object()

    def run() -> None:
        try:
            _run_in_context(app, committed, (function, *args))
        except Exception:
            # The visitor has their answer already; the log has the failure.
            log.exception("Work after the response failed: %s", function.__name__)

    @after_this_request
    def run_once_sent(response):
        response.call_on_close(run)
        return response


class BackgroundPool:
    """This process's threads for long work, and what is waiting or running on them."""

    def __init__(self, workers: int) -> None:
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="job")
        self.by_key: dict[str, Future] = {}
        self.unfinished: set[Future] = set()
        self.lock = Lock()

    def submit(self, key: str | None, run: Callable[[], None]) -> Future:
        with self.lock:
            if key is not None and key in self.by_key:
                return self.by_key[key]
            future = self.executor.submit(run)
            self.unfinished.add(future)
            if key is not None:
                self.by_key[key] = future
            future.add_done_callback(lambda done: self._finished(key, done))
            return future

    def _finished(self, key: str | None, future: Future) -> None:
        with self.lock:
            self.unfinished.discard(future)
            if key is not None and self.by_key.get(key) is future:
                del self.by_key[key]

    def wait(self, timeout: float | None = None) -> None:
        """Until the work submitted so far has ended (tests; a process shutting down)."""
        with self.lock:
            unfinished = list(self.unfinished)
        futures.wait(unfinished, timeout=timeout)


def background_pool(app: Flask) -> BackgroundPool:
    pool = app.extensions.get("job_pool")
    if pool is None:
        pool = app.extensions.setdefault(
            "job_pool", BackgroundPool(app.config["BACKGROUND_WORKERS"])
        )
    return pool


# Waiting, running or about to: a job in one of these states is the work asked for again.
_UNFINISHED = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}


def enqueue_background(function: Callable[..., Any], *args: Any, key: str | None = None) -> None:
    """Long work that must not hold the request. ``key`` names the work: while work of that
    key waits or runs, asking again starts nothing more."""
    queue: Queue | None = current_app.extensions.get("job_queue")
    if queue is not None:
        options: dict[str, Any] = {"job_timeout": 30 * 60}
        if key is not None:
            job_id = f"{queue.name}-{key}"
            try:
                if Job.fetch(job_id, connection=queue.connection).get_status() in _UNFINISHED:
                    return
            except NoSuchJobError:
                pass
            options["job_id"] = job_id
        queue.enqueue(function, *args, **options)
        return
    app = current_app._get_current_object()
    background_pool(app).submit(key, lambda: _run_in_context(app, function, args))


def enqueue_at(
    when: datetime, function: Callable[..., Any], *args: Any, job_id: str | None = None
) -> None:
    """Run on the worker at ``when`` or a second or two later, never before; inline, the next
    delivery round (or the cron job) picks the work up instead. A ``job_id`` keeps one such job
    however often it is scheduled, at the time given last."""
    queue: Queue | None = current_app.extensions.get("job_queue")
    if queue is None:
        return
    options: dict[str, Any] = {}
    if job_id is not None:
        # Job ids are global in Redis: named after the queue, so that two queues on one server
        # (test runs) keep their own. Kept after its run, as a job that schedules itself again
        # under its own id would otherwise expire 500 s later, taking the next run with it.
        options = {"job_id": f"{queue.name}-{job_id}", "result_ttl": -1}
    # RQ's scheduler rounds times down to the second.
    queue.enqueue_at(when + timedelta(seconds=1), function, *args, **options)


def enqueue_in(
    delay: timedelta, function: Callable[..., Any], *args: Any, job_id: str | None = None
) -> None:
    enqueue_at(datetime.now(UTC) + delay, function, *args, job_id=job_id)


def run_worker(app: Flask, burst: bool = False, worker_class: type[Worker] = Worker) -> None:
    """Process queued jobs inside an application context (configuration, database, mail)."""
    queue: Queue | None = app.extensions.get("job_queue")
    if queue is None:
        raise RuntimeError("REDIS_URL is not set: jobs run inline and need no worker.")
    with app.app_context():
        worker_class([queue], connection=queue.connection).work(
            burst=burst, with_scheduler=not burst
        )
