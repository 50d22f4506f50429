"""Background work: on an RQ queue in Redis when ``REDIS_URL`` is set, inline otherwise.

Work that must not slow a request down, or must not reveal by its duration what it did
(sending an email only when an account exists), goes through ``enqueue``.
"""

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue, Worker

QUEUE_NAME = "consultation"


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    if url:
        app.extensions["job_queue"] = Queue(QUEUE_NAME, connection=Redis.from_url(url))


def enqueue(function: Callable[..., Any], *args: Any) -> None:
    queue: Queue | None = current_app.extensions.get("job_queue")
    if queue is None:
        function(*args)
    else:
        queue.enqueue(function, *args)


def enqueue_background(function: Callable[..., Any], *args: Any) -> None:
    """Long work that must not hold the request: on the queue, or else in a thread of this
    process with its own application context (and so its own database session)."""
    queue: Queue | None = current_app.extensions.get("job_queue")
    if queue is not None:
        queue.enqueue(function, *args, job_timeout=30 * 60)
        return
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            function(*args)

    thread = threading.Thread(target=run, name=f"job-{function.__name__}", daemon=True)
    # Kept so that tests and a shutting-down process can wait for them.
    running = [each for each in app.extensions.get("job_threads", []) if each.is_alive()]
    app.extensions["job_threads"] = [*running, thread]
    thread.start()


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
