"""Migration 0010 gives the events in no series a short code for their next references."""

from datetime import date

import sqlalchemy as sa

from consultation import create_app
from consultation.db import db, now_utc
from tests.conftest import app_config


def upgrade(app, revision: str) -> None:
    result = app.test_cli_runner().invoke(args=["db", "upgrade", revision])
    assert result.exit_code == 0, result.output


def test_events_in_no_series_get_their_title_initials(empty_database):
    app = create_app(app_config(empty_database))
    upgrade(app, "0009")
    with app.app_context():
        tables = sa.MetaData()
        tables.reflect(db.engine, only=["series", "events", "recommendations"])
        series, events = tables.tables["series"], tables.tables["events"]
        event = {
            "region": "mena",
            "city": "Amman",
            "country": "JO",
            "start_date": date(2027, 3, 1),
            "end_date": date(2027, 3, 3),
            "timezone": "Asia/Amman",
            "working_languages": ["en"],
            "status": "published",
            "edition_year": 2027,
            "translations": {},
            "created_at": now_utc(),
            "updated_at": now_utc(),
        }
        with db.engine.begin() as connection:
            series_id = connection.execute(
                series.insert().values(name="MENA", code="MENA", created_at=now_utc())
            ).inserted_primary_key[0]
            connection.execute(
                events.insert(),
                [
                    {
                        **event,
                        "slug": "b-regional-b-humanitarian-consultation",
                        "title": "<b>Regional</b> Humanitarian Consultation",
                        "series_id": None,
                    },
                    {**event, "slug": "mena-2027", "title": "MENA 2027", "series_id": series_id},
                ],
            )
    upgrade(app, "0010")
    with app.app_context():
        codes = dict(db.session.execute(sa.text("SELECT slug, short_code FROM events")).all())
        db.engine.dispose()
    # An edition of a series goes on with the series' code.
    assert codes == {"b-regional-b-humanitarian-consultation": "RHC", "mena-2027": None}
