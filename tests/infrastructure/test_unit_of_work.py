"""One unit of work per request, job and command: committed on success, rolled back otherwise,
with work that reads the changes waiting for the commit."""

from pathlib import Path

import pytest
import sqlalchemy as sa

import consultation
from consultation import jobs
from consultation.db import db, may_write
from consultation.events.access import EVENT_PAGE_OPTIONS
from consultation.events.models import Event
from consultation.taxonomy.models import Series
from consultation.unit_of_work import transaction
from tests.factories import add_session
from tests.helpers import listening


def series_codes(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Series.code).order_by(Series.code)))


def test_work_after_the_commit_waits_for_it_and_a_rollback_cancels_it(app):
    calls = []
    with app.app_context():
        jobs.after_commit(calls.append, "rolled back")
        # A savepoint released within the transaction is not its commit.
        with db.session.begin_nested():
            db.session.add(Series(name="Rolled back", code="GONE"))
        db.session.rollback()
        db.session.add(Series(name="Kept", code="KEPT"))
        jobs.after_commit(calls.append, "committed")
        jobs.after_commit(calls.append, "committed")
        db.session.commit()
        # Not inside the commit: once the application context ends.
        assert calls == []
    assert calls == ["committed"]
    assert series_codes(app) == ["KEPT"]


def test_a_command_s_transaction_is_rolled_back_when_it_fails(app):
    with app.app_context():
        with pytest.raises(RuntimeError), transaction():
            db.session.add(Series(name="Half done", code="HALF"))
            db.session.flush()
            raise RuntimeError("the command failed")
        with transaction():
            db.session.add(Series(name="Done", code="DONE"))
    assert series_codes(app) == ["DONE"]


@pytest.fixture
def transactions_begun(app):
    """Whether each transaction begun may write (on SQLite: takes the write lock at BEGIN)."""
    begun: list[bool] = []

    def note(connection) -> None:
        begun.append(may_write.get())

    with listening(app, "begin", note):
        yield begun


def test_a_get_only_reads_unless_its_view_says_it_writes(
    app, client, make_event, transactions_begun
):
    event = make_event()
    with app.app_context():
        add_session(db.session.get(Event, event.id, options=EVENT_PAGE_OPTIONS), "Opening", 9)
        db.session.commit()
    transactions_begun.clear()
    assert client.get(f"/events/{event.slug}").status_code == 200
    assert transactions_begun and not any(transactions_begun)

    transactions_begun.clear()
    # Each download of the agenda is counted.
    assert client.get(f"/events/{event.slug}/agenda.pdf").status_code == 200
    assert transactions_begun[0] is True

    token = client.csrf_token()
    transactions_begun.clear()
    client.post(
        f"/events/{event.slug}/register/link",
        data={"email": "nobody@example.org", "csrf_token": token},
    )
    assert transactions_begun and all(transactions_begun)


# The two views that commit before the end, each for a reason it states.
EARLY_COMMITS = {"accounts/views.py": 1, "reports/views.py": 1}


def test_views_leave_committing_to_the_unit_of_work():
    package = Path(consultation.__file__).parent
    commits = {
        str(path.relative_to(package)): path.read_text().count("db.session.commit()")
        for path in package.glob("*/*views.py")
    }
    assert {name: count for name, count in commits.items() if count} == EARLY_COMMITS
