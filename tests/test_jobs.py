"""Emails leave through the job queue: inline without Redis, through RQ with it."""

import os
import uuid

import pytest
import redis
from rq import Queue, SimpleWorker

from consultation import create_app, jobs
from consultation.accounts import services
from consultation.db import db
from tests.conftest import IN_CI, app_config

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def queued_app(database_url):
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        message = f"Redis is not reachable at {TEST_REDIS_URL}"
        if IN_CI:
            pytest.fail(f"{message}, and CI=true requires it.")
        pytest.skip(message)
    app = create_app(app_config(database_url, REDIS_URL=TEST_REDIS_URL))
    assert isinstance(app.extensions["job_queue"], Queue)
    # A queue of its own, so that parallel runs never take each other's jobs.
    queue = Queue(f"test-{uuid.uuid4().hex}", connection=redis.Redis.from_url(TEST_REDIS_URL))
    app.extensions["job_queue"] = queue
    yield app
    queue.delete(delete_jobs=True)


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
