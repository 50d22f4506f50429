"""Reminders to commitments' owners at the steps their series sets, each step once, with the
clock moved; and the organisers' monthly digest of overdue commitments."""

import contextlib
import threading
from datetime import date

import pytest
import sqlalchemy as sa
from rq import SimpleWorker
from sqlalchemy.exc import IntegrityError

from consultation import jobs
from consultation.db import db
from consultation.follow_up import contacts, reminders
from consultation.follow_up.models import ReminderSent
from consultation.follow_up.register import item_or_404
from tests.helpers import link_in, open_link
from tests.infrastructure import test_jobs

# The Redis queue's fixtures (a queue of its own, and an app that uses it).
job_queue = test_jobs.job_queue
make_queued_app = test_jobs.make_queued_app
queued_app = test_jobs.queued_app


def add_contact(app, world, name: str, email: str, language: str = "fr") -> int:
    with app.app_context():
        item, _ = item_or_404("commitments", world.items[name])
        contact = contacts.add_contact(item, "Rana Haddad", email, language)
        db.session.commit()
        return contact.id


@pytest.fixture
def contacted(app, series_world):
    """A contact for each 2026 commitment: the overdue one (due 30 June 2026, the edition
    ended on 13 May 2026) and the done one, and one for the 2027 commitment."""
    return {
        name: add_contact(app, series_world, name, f"{name}@owner.example")
        for name in ("c26_overdue", "c26_done", "c27_open")
    }


def remind(app, on: date) -> reminders.ReminderResult:
    with app.app_context():
        return reminders.run_reminders(on)


def sent_steps(app) -> list[tuple[int, str]]:
    with app.app_context():
        return [
            tuple(row)
            for row in db.session.execute(
                sa.select(ReminderSent.contact_id, ReminderSent.step).order_by(ReminderSent.id)
            )
        ]


def test_each_step_is_sent_once_and_a_late_run_sends_only_the_latest(
    app, series_world, contacted, outbox
):
    overdue = contacted["c26_overdue"]
    assert remind(app, date(2026, 6, 1)).reminders == 0
    # 14 days before the due date; the same day again sends nothing more.
    assert remind(app, date(2026, 6, 16)).reminders == 1
    assert remind(app, date(2026, 6, 16)).reminders == 0
    assert remind(app, date(2026, 7, 1)).reminders == 0
    # Three months after the edition.
    assert remind(app, date(2026, 8, 13)).reminders == 1
    # The job did not run for months: a year after, one reminder, not the six months' too.
    assert remind(app, date(2027, 5, 20)).reminders == 1
    assert remind(app, date(2027, 6, 1)).reminders == 0
    assert sent_steps(app) == [
        (overdue, "due-2026-06-30"),
        (overdue, "after-3"),
        (overdue, "after-12"),
    ]
    # The done commitment's contact never hears of it; the 2027 one's steps are still ahead.
    owners = {message["To"] for message in outbox if message["To"].endswith("@owner.example")}
    assert owners == {"c26_overdue@owner.example"}


def test_a_reminder_is_in_the_contacts_language_and_carries_a_working_link(
    app, series_world, contacted, outbox
):
    remind(app, date(2026, 6, 16))
    [message] = outbox
    assert message["Content-Language"] == "fr"
    assert series_world.references["c26_overdue"] in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "30 juin 2026" in text
    owner = app.test_client()
    assert open_link(owner, link_in(message)) == f"/follow-up/contacts/{contacted['c26_overdue']}"


def test_reminders_stop_once_the_commitment_is_done_or_dropped(
    app, client, series_world, contacted, outbox
):
    client.login(series_world.users["policy"].email)
    client.submit(
        f"/manage/follow-up/commitments/{series_world.items['c26_overdue']}/updates",
        {
            "reported_on": "2026-06-10",
            "status": "dropped",
            "text": "Not possible.",
            "language": "en",
        },
    )
    before = len(outbox)
    assert remind(app, date(2026, 6, 16)).reminders == 0
    assert remind(app, date(2026, 8, 13)).reminders == 0
    assert len(outbox) == before


def test_the_database_refuses_a_step_twice(app, series_world, contacted):
    with app.app_context():
        db.session.add(
            ReminderSent(
                contact_id=contacted["c26_overdue"], step="after-3", sent_on=date(2026, 8, 13)
            )
        )
        db.session.commit()
        db.session.add(
            ReminderSent(
                contact_id=contacted["c26_overdue"], step="after-3", sent_on=date(2026, 8, 14)
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_two_runs_at_once_send_one_reminder(app, series_world, contacted, outbox, monkeypatch):
    """Both runs read that nothing was sent, then both try: the second's row is refused. On
    SQLite the second run waits for the first's write lock instead, and finds its row."""
    barrier = threading.Barrier(2, timeout=5)
    decide = reminders.step_due

    def step_due_together(*args):
        step = decide(*args)
        if step is not None:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
        return step

    monkeypatch.setattr(reminders, "step_due", step_due_together)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(remind(app, date(2026, 6, 16))))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(result.reminders for result in results) == [0, 1]
    assert len(sent_steps(app)) == 1 and len(outbox) == 1


def test_with_redis_the_worker_sends_the_reminder_once(
    queued_app,
    series_world,
    contacted,
):
    outbox = queued_app.extensions.setdefault("mail_outbox", [])
    for _ in range(2):
        with queued_app.app_context():
            reminders.run_reminders(date(2026, 6, 16))
    assert outbox == []
    jobs.run_worker(queued_app, burst=True, worker_class=SimpleWorker)
    assert [message["To"] for message in outbox] == ["c26_overdue@owner.example"]


def test_organisers_get_a_monthly_digest_of_overdue_commitments(
    app, series_world, contacted, outbox
):
    assert remind(app, date(2026, 7, 2)).digests == 1
    assert remind(app, date(2026, 7, 20)).digests == 0
    assert remind(app, date(2026, 8, 1)).digests == 1
    digests = [m for m in outbox if m["To"] == series_world.users["organiser"].email]
    assert len(digests) == 2
    text = digests[0].get_body(preferencelist=("plain",)).get_content()
    assert series_world.references["c26_overdue"] in text
    assert series_world.references["c26_done"] not in text
    assert "/manage/series/MENA/follow-up?kind=commitments&overdue=1" in text


def test_the_command_line_runs_the_reminders(app, series_world, contacted, outbox):
    result = app.test_cli_runner().invoke(args=["follow-up", "remind", "--on", "2026-06-16"])
    assert result.exit_code == 0, result.output
    assert "Reminders sent: 1; digests sent: 0; participants' follow-up emails sent: 0." in (
        result.output
    )


def test_organisers_set_the_series_reminder_steps(app, client, series_world, contacted):
    client.login(series_world.users["organiser"].email)
    url = "/manage/series/MENA/follow-up/reminders"
    assert 'value="3, 6, 12"' in client.get(url).get_data(as_text=True)
    for data, message in [
        ({"reminder_months": "3, six", "due_reminder_days": "14"}, "Give whole numbers"),
        ({"reminder_months": "3, 90", "due_reminder_days": "14"}, "from 1 to 60"),
        ({"reminder_months": "3", "due_reminder_days": "-1"}, "Number must be between"),
    ]:
        response = client.submit(url, data)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert client.submit(url, {"reminder_months": "2", "due_reminder_days": "0"}).status_code == 302
    # Two months after the 2026 edition (13 July), and on the due date itself (30 June).
    assert remind(app, date(2026, 6, 29)).reminders == 0
    assert remind(app, date(2026, 6, 30)).reminders == 1
    assert remind(app, date(2026, 7, 13)).reminders == 1
    assert sent_steps(app)[-1][1] == "after-2"
    client.submit("/logout")
    client.login(series_world.users["rapporteur"].email)
    assert client.get(url).status_code == 403


def test_a_due_date_moved_later_is_reminded_of_again(app, client, series_world, contacted):
    assert remind(app, date(2026, 6, 16)).reminders == 1
    client.login(series_world.users["organiser"].email)
    with app.app_context():
        item, _ = item_or_404("commitments", series_world.items["c26_overdue"])
        item.due_on = date(2026, 7, 31)
        db.session.commit()
    assert remind(app, date(2026, 7, 17)).reminders == 1
    assert [step for _, step in sent_steps(app)] == ["due-2026-06-30", "due-2026-07-31"]
