"""Values and small functions shared by the tests (fixtures live in conftest.py)."""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy.engine import make_url

PASSWORD = "correct horse battery staple"
# The CSRF token a page hands its forms.
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def link_in(message) -> str:
    """The application path of the first link in an email's text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://consultation\.test(/\S+)", text)
    assert match, text
    return match.group(1)


def postgres_answers(url: str) -> bool:
    parts = make_url(url)
    try:
        psycopg.connect(
            host=parts.host,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname=parts.database,
            connect_timeout=3,
        ).close()
    except psycopg.Error:
        return False
    return True


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """An empty database on the server of ``server_url``, dropped afterwards."""
    server = make_url(server_url)
    name = f"consultation_test_{uuid.uuid4().hex[:10]}"
    connect = {
        "host": server.host,
        "port": server.port or 5432,
        "user": server.username,
        "password": server.password,
        "dbname": server.database,
        "autocommit": True,
    }
    with psycopg.connect(**connect) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**connect) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
