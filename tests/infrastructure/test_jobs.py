"""Emails leave through the job queue: inline without Redis, through RQ with it."""

import multiprocessing
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from email import message_from_bytes
from email.message import EmailMessage

import pytest
import redis
import sqlalchemy as sa
from rq import Queue, SimpleWorker
from rq.job import Job

from consultation import create_app, jobs, mail
from consultation.accounts import services
from consultation.audit.services import ANCHOR_JOB_ID
from consultation.db import db, now_utc
from consultation.follow_up.reminders import REMINDER_JOB_ID
from consultation.mail import OutboxMessage, OutboxStatus
from consultation.privacy.retention import RETENTION_JOB_ID
from consultation.registrations.models import Registration
from tests.conftest import IN_CI, Client, app_config
from tests.factories import outbox_rows, queue_email
from tests.mail_server import running_mail_server
from tests.registering import REGISTRATION_FORM, take_registrations

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def require_redis() -> None:
    """Skip (fail under CI) when the Redis server is not reachable."""
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        message = f"Redis is not reachable at {TEST_REDIS_URL}"
        if IN_CI:
            pytest.fail(f"{message}, and CI=true requires it.")
        pytest.skip(message)


@pytest.fixture
def job_queue():
    """A queue of its own, so that parallel runs never take each other's jobs; emptied of
    everything after, scheduled jobs included."""
    require_redis()
    queue = Queue(f"test-{uuid.uuid4().hex}", connection=redis.Redis.from_url(TEST_REDIS_URL))
    yield queue
    for registry in (
        queue.scheduled_job_registry,
        queue.started_job_registry,
        queue.finished_job_registry,
        queue.failed_job_registry,
    ):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
    queue.delete(delete_jobs=True)


def queued_config(database_url, **overrides):
    return app_config(database_url, REDIS_URL=TEST_REDIS_URL, **overrides)


@pytest.fixture
def make_queued_app(job_queue):
    def make_queued_app(config):
        app = create_app(config)
        assert isinstance(app.extensions["job_queue"], Queue)
        app.extensions["job_queue"] = job_queue
        return app

    return make_queued_app


@pytest.fixture
def queued_app(database_url, make_queued_app):
    return make_queued_app(queued_config(database_url))


def run_worker_command(config, queue_name):
    """`flask --app consultation worker`, as `make worker` runs it, on the test's queue."""
    app = create_app(config)
    app.extensions["job_queue"] = Queue(queue_name, connection=redis.Redis.from_url(TEST_REDIS_URL))
    app.test_cli_runner().invoke(args=["worker"])


@pytest.fixture
def start_worker(job_queue):
    """Starts the worker command in a process of its own (RQ's forking worker and its
    scheduler); stops it as `kill` would at the end of the test."""
    processes = []

    def start_worker(config):
        process = multiprocessing.get_context("spawn").Process(
            target=run_worker_command, args=(config, job_queue.name)
        )
        process.start()
        processes.append(process)

    yield start_worker
    for process in processes:
        process.terminate()
        process.join(30)
        if process.is_alive():
            process.kill()


def wait_for(condition: Callable[[], bool], timeout: float = 90) -> None:
    """Until ``condition`` holds; long enough for a worker starting on a busy machine."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)


def test_without_redis_emails_are_sent_during_the_request(app, client, make_user, outbox):
    assert "job_queue" not in app.extensions
    make_user(email="known@example.org")
    client.submit("/password/forgot", {"email": "known@example.org"})
    assert len(outbox) == 1


def test_with_redis_emails_wait_for_the_worker(queued_app, make_user):
    with queued_app.test_request_context():
        make_user(email="known@example.org")
        services.request_password_reset("known@example.org")
        db.session.commit()
    outbox = queued_app.extensions.setdefault("mail_outbox", [])
    assert outbox == []
    assert queued_app.extensions["job_queue"].count == 1

    jobs.run_worker(queued_app, burst=True, worker_class=SimpleWorker)
    assert [message["To"] for message in outbox] == ["known@example.org"]
    assert queued_app.extensions["job_queue"].count == 0


def test_a_failing_mail_server_leaves_no_email_waiting(
    app, database_url, job_queue, make_queued_app, start_worker
):
    """The server answers 451 "try again later" to the first two attempts at each address and
    to every attempt at one of them. Wherever the retries fall within RQ's whole seconds, each
    email is sent once or marked failed, through one scheduled delivery job."""
    attempts = Counter()

    def answer(recipients):
        [recipient] = recipients
        attempts[recipient] += 1
        if recipient == "unreachable@example.org" or attempts[recipient] <= 2:
            return "451 4.3.0 Try again later"
        return "250 queued"

    expected = {
        **{f"participant{number}@example.org": (OutboxStatus.SENT, 3) for number in range(3)},
        "unreachable@example.org": (OutboxStatus.FAILED, 3),
    }
    scheduled = set()

    def outcome(recipient):
        scheduled.update(job_queue.scheduled_job_registry.get_job_ids())
        [row] = [row for row in outbox_rows(app) if row.recipient == recipient]
        return (row.status, row.attempts)

    with running_mail_server(answer_message=answer) as server:
        config = queued_config(
            database_url,
            **server.settings(),
            MAIL_RETRY_DELAY=timedelta(seconds=0.5),
            MAIL_MAX_ATTEMPTS=3,
        )
        queued = make_queued_app(config)
        start_worker(config)
        # One at a time: the retries of one email must not depend on another being sent.
        for recipient, result in expected.items():
            queue_email(queued, recipient)
            wait_for(lambda recipient=recipient: outcome(recipient)[0] is not OutboxStatus.PENDING)
            assert outcome(recipient) == result, recipient

    assert Counter(message_from_bytes(raw)["To"] for raw in server.received) == Counter(
        recipient for recipient, (status, _) in expected.items() if status is OutboxStatus.SENT
    )
    fixed = {
        mail.DELIVERY_JOB_ID,
        mail.SWEEP_JOB_ID,
        RETENTION_JOB_ID,
        ANCHOR_JOB_ID,
        REMINDER_JOB_ID,
    }
    assert scheduled <= {f"{job_queue.name}-{job_id}" for job_id in fixed}


def test_the_worker_sends_emails_whose_job_was_lost(
    app, database_url, job_queue, make_queued_app, start_worker
):
    with running_mail_server() as server:
        config = queued_config(
            database_url, **server.settings(), MAIL_SWEEP_INTERVAL=timedelta(seconds=1)
        )
        queued = make_queued_app(config)
        queue_email(queued, "before@example.org")
        # Redis restarted without its data before a worker ran.
        job_queue.empty()
        start_worker(config)
        wait_for(lambda: len(server.received) == 1)
        with app.app_context():
            sent = db.session.scalar(sa.select(OutboxMessage))
            # A copy left by a worker killed while sending it: claimed for two more seconds,
            # and no job left to send it when the claim expires.
            # A sent message keeps no body: the copy is written anew.
            copy = EmailMessage()
            copy["From"], copy["To"], copy["Subject"] = (
                app.config["MAIL_FROM"],
                sent.recipient,
                sent.subject,
            )
            copy.set_content("Choose your password: http://consultation.test/activate/abc")
            db.session.add(
                OutboxMessage(
                    recipient=sent.recipient,
                    subject=sent.subject,
                    raw_message=copy.as_bytes(),
                    attempts=1,
                    next_attempt_at=now_utc() + timedelta(seconds=2),
                )
            )
            db.session.commit()
        wait_for(lambda: len(server.received) == 2)
    assert [row.status for row in outbox_rows(app)] == [OutboxStatus.SENT, OutboxStatus.SENT]
    # The next sweep, scheduled by the last one under its own id, is kept until it runs: RQ
    # deletes a finished job after 500 s by default, and the scheduled run with it.
    sweep = f"{job_queue.name}-{mail.SWEEP_JOB_ID}"
    assert sweep in job_queue.scheduled_job_registry.get_job_ids()
    assert job_queue.connection.ttl(Job.key_for(sweep)) == -1


def test_with_redis_a_registration_is_taken_by_the_worker_and_its_answers_leave_redis(
    queued_app, make_event
):
    event = take_registrations(queued_app, make_event())
    queued_app.test_client_class = Client
    client = queued_app.test_client()
    url = f"/events/{event.slug}/register"
    token = client.csrf_token(url)
    response = client.post(url, data={**REGISTRATION_FORM, "csrf_token": token})
    assert response.status_code == 200
    queue = queued_app.extensions["job_queue"]
    (job_id,) = queue.job_ids
    with queued_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0

    jobs.run_worker(queued_app, burst=True, worker_class=SimpleWorker)
    with queued_app.app_context():
        registration = db.session.scalars(sa.select(Registration)).one()
        assert registration.email == REGISTRATION_FORM["email"]
    # The job carried what the registrant typed; nothing of it is kept once it has run.
    assert not queue.connection.exists(Job.key_for(job_id))
    outbox = queued_app.extensions.setdefault("mail_outbox", [])
    jobs.run_worker(queued_app, burst=True, worker_class=SimpleWorker)
    assert [message["To"] for message in outbox] == [REGISTRATION_FORM["email"]]
