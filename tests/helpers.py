"""Values and small functions shared by the tests (fixtures live in conftest.py)."""

import re

import psycopg
from sqlalchemy.engine import make_url

PASSWORD = "correct horse battery staple"


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
