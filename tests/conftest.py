"""Test fixtures: a real database (SQLite by default, PostgreSQL when TEST_DATABASE_URL names
one), a test client that handles CSRF tokens like a browser, and creators of domain objects.

With CI=true a service that does not answer fails the run instead of skipping tests.
"""

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from consultation import create_app
from consultation.accounts import services as accounts
from consultation.accounts.models import Role, User
from consultation.db import db, now_utc
from consultation.events.models import Event, EventMember, EventStatus, Region, TeamRole
from consultation.extensions import limiter
from consultation.organisations.models import Organisation, OrganisationLevel, OrganisationType
from consultation.organisations.services import save_organisation
from consultation.taxonomy.models import Theme
from consultation.taxonomy.seed import seed_themes
from tests.helpers import CSRF_INPUT, PASSWORD, fresh_postgres_database, listening, postgres_answers

# Fixtures shared across feature folders.
pytest_plugins = ["tests.reports.fixtures", "tests.follow_up.fixtures"]

IN_CI = os.environ.get("CI") == "true"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def require_postgres(url: str = TEST_POSTGRES_URL) -> None:
    """Skip (fail under CI) when the PostgreSQL server is not reachable."""
    if not postgres_answers(url):
        message = f"PostgreSQL is not reachable at {url}"
        if IN_CI:
            pytest.fail(f"{message}, and CI=true requires it.")
        pytest.skip(message)


def pytest_configure(config: pytest.Config) -> None:
    """A whole run on PostgreSQL stops early, with its reason, when the server is away."""
    if (
        TEST_DATABASE_URL
        and TEST_DATABASE_URL.startswith("postgresql")
        and not IN_CI
        and not postgres_answers(TEST_DATABASE_URL)
    ):
        pytest.exit(
            f"PostgreSQL is not reachable at {TEST_DATABASE_URL}: the suite was not run on it.",
            returncode=0,
        )


def app_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test secret key",
        "AUDIT_KEY": "test audit key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_BACKEND": "memory",
        "BASE_URL": "http://consultation.test",
        # The cheapest Argon2 parameters: the tests check behaviour, not hashing cost.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        **overrides,
    }


class Client(FlaskClient):
    """A test client that sends the page's CSRF token with each form, as a browser would."""

    def open(self, *args: Any, buffered: bool = True, **kwargs: Any):
        # As a server does, each response is closed once read: that runs the work the app
        # put off until the response was sent.
        return super().open(*args, buffered=buffered, **kwargs)

    def csrf_token(self, page: str = "/", **kwargs: Any) -> str:
        match = CSRF_INPUT.search(self.get(page, **kwargs).get_data(as_text=True))
        assert match, f"no CSRF token on {page}"
        return match.group(1)

    def submit(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any):
        token = self.csrf_token(headers=kwargs.get("headers"))
        return self.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)

    def login(self, email: str, password: str = PASSWORD):
        response = self.submit("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response


def _reset_schema(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        else:
            db.drop_all()
        db.create_all()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"):
        require_postgres(TEST_DATABASE_URL)
        # A database of this run's own on that server, so that runs side by side (two
        # checkouts, CI and a developer) never drop each other's tables.
        with fresh_postgres_database(TEST_DATABASE_URL) as url:
            yield url
    elif TEST_DATABASE_URL:
        yield TEST_DATABASE_URL
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    # Nothing a test does may land in the real instance/ folder.
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        app_config(
            database_url,
            MAIL_OUTBOX_DIR=str(instance / "outbox"),
            DEMO_CREDENTIALS_FILE=str(instance / "demo-accounts.txt"),
            REPORT_STORE_DIR=str(instance / "reports"),
            ERASURE_LEDGER=str(instance / "erasures.jsonl"),
            BACKUP_DIR=str(instance / "backups"),
            AUDIT_ANCHOR_FILE=str(instance / "audit-anchors.jsonl"),
        )
    )
    app.test_client_class = Client
    _reset_schema(app)
    return app


RESTART_SEQUENCES = """
SELECT setval(oid::regclass, 1, false) FROM pg_class
WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace
"""


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with empty tables and an empty outbox."""
    yield
    if "app" not in request.fixturenames:
        return
    app: Flask = request.getfixturevalue("app")
    app.extensions.pop("mail_outbox", None)
    # Erasures noted by one test are not the next one's to re-apply.
    Path(app.config["ERASURE_LEDGER"]).unlink(missing_ok=True)
    Path(app.config["AUDIT_ANCHOR_FILE"]).unlink(missing_ok=True)
    # Pages kept by version: the next test may build the same rows again, ids included.
    app.extensions.pop("rendered_pages", None)
    # Failed sign-ins counted by one test must not lock out the next.
    with app.app_context():
        limiter.reset()
    with app.app_context():
        tables = db.metadata.sorted_tables
        with db.engine.begin() as connection:
            for table in reversed(tables):
                connection.execute(table.delete())
            if connection.dialect.name == "postgresql":
                # Ids start again at 1, as SQLite's do once a table is empty.
                connection.execute(sa.text(RESTART_SEQUENCES))


@pytest.fixture
def client(app: Flask) -> Client:
    return app.test_client()


@pytest.fixture
def outbox(app: Flask) -> list:
    return app.extensions.setdefault("mail_outbox", [])


def _saved(app: Flask, build: Callable[[], Any]) -> Any:
    """Build an object in an application context, commit it, and hand it back detached with
    its columns loaded."""
    with app.app_context():
        instance = build()
        db.session.add(instance)
        db.session.commit()
        db.session.refresh(instance)
        db.session.expunge(instance)
    return instance


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make_user(
        role: Role = Role.PARTICIPANT,
        email: str | None = None,
        password: str | None = PASSWORD,
        active: bool = True,
        confirmed: bool = True,
        **fields: Any,
    ) -> User:
        number = next(counter)

        def build() -> User:
            user = User(
                email=email or f"{role.value}{number}@example.org",
                display_name=fields.pop("display_name", f"{role.value.title()} {number}"),
                role=role,
                active=active,
                email_confirmed_at=now_utc() if confirmed else None,
                **fields,
            )
            if password is not None:
                accounts.set_password(user, password)
            return user

        return _saved(app, build)

    return make_user


@pytest.fixture
def make_event(app: Flask) -> Callable[..., Event]:
    counter = iter(range(1, 10_000))

    def make_event(status: EventStatus = EventStatus.PUBLISHED, **fields: Any) -> Event:
        number = next(counter)
        values = {
            "slug": f"consultation-{number}",
            "title": f"Regional humanitarian consultation {number}",
            "city": "Amman",
            "country": "JO",
            "start_date": date(2027, 3, 1),
            "end_date": date(2027, 3, 3),
            "timezone": "Asia/Amman",
            "region": Region.MIDDLE_EAST_NORTH_AFRICA,
            "working_languages": ["en", "ar"],
            **fields,
        }
        values.setdefault("edition_year", values["start_date"].year)
        return _saved(app, lambda: Event(status=status, **values))

    return make_event


@pytest.fixture
def add_to_team(app: Flask) -> Callable[..., EventMember]:
    def add_to_team(event: Event, user: User, role: TeamRole = TeamRole.ORGANISER) -> EventMember:
        return _saved(app, lambda: EventMember(event_id=event.id, user_id=user.id, role=role))

    return add_to_team


@pytest.fixture
def organiser(client, make_user, add_to_team, event):
    """An organiser of the module's ``event``, signed in with ``client``."""
    user = make_user(Role.ORGANISER)
    add_to_team(event, user)
    client.login(user.email)
    return user


@pytest.fixture
def make_organisation(app: Flask) -> Callable[..., Organisation]:
    counter = iter(range(1, 10_000))

    def make_organisation(name: str | None = None, acronym: str | None = None) -> Organisation:
        number = next(counter)
        return _saved(
            app,
            lambda: save_organisation(
                None,
                name or f"Humanitarian NGO {number}",
                acronym,
                OrganisationType.NATIONAL_NGO,
                OrganisationLevel.NATIONAL,
                "JO",
                None,
            ),
        )

    return make_organisation


@pytest.fixture
def themes(app: Flask) -> list[Theme]:
    with app.app_context():
        seed_themes()
        db.session.commit()
        found = list(db.session.scalars(sa.select(Theme).order_by(Theme.position)))
        db.session.expunge_all()
    return found


@pytest.fixture
def count_queries(app: Flask) -> Callable[[Callable[[], Any]], int]:
    """How many SQL statements a call makes (a page request, say)."""

    def count_queries(action: Callable[[], Any]) -> int:
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany) -> None:
            statements.append(statement)

        with listening(app, "before_cursor_execute", record):
            action()
        return len(statements)

    return count_queries


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    else:
        require_postgres()
        with fresh_postgres_database(TEST_POSTGRES_URL) as url:
            yield url
