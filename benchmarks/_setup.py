"""What the benchmarks share: an application on a database of their own, and a crowded event."""

import os
import tempfile
from datetime import date, timedelta

import sqlalchemy as sa

from consultation import create_app
from consultation.db import db, now_utc
from consultation.events.models import Event, EventStatus, Region
from consultation.organisations.models import Organisation, OrganisationLevel, OrganisationType
from consultation.organisations.services import save_organisation
from consultation.registrations.models import Moderation, RegistrationSettings


def benchmark_app():
    """The app on BENCHMARK_DATABASE_URL, or on a new SQLite file; tables created afresh."""
    url = os.environ.get("BENCHMARK_DATABASE_URL") or (
        f"sqlite:///{tempfile.mkdtemp(prefix='consultation-benchmark-')}/benchmark.sqlite3"
    )
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "benchmark",
            "MAIL_BACKEND": "memory",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app, url


def crowded_event(
    capacity: int | None, moderation: Moderation = Moderation.AUTOMATIC, slug: str = "benchmark"
):
    """An open event and one organisation to register under (call in an app context); the
    organisation is reused when the database already has it."""
    event = Event(
        slug=slug,
        title="Benchmark consultation",
        edition_year=2027,
        region=Region.MIDDLE_EAST_NORTH_AFRICA,
        city="Amman",
        country="JO",
        start_date=date(2027, 3, 1),
        end_date=date(2027, 3, 3),
        timezone="Asia/Amman",
        working_languages=["en"],
        status=EventStatus.PUBLISHED,
    )
    db.session.add(event)
    db.session.flush()
    db.session.add(
        RegistrationSettings(
            event_id=event.id,
            opens_at=now_utc() - timedelta(days=1),
            capacity=capacity,
            confirmed_count=0,
            waitlist_enabled=True,
            moderation=moderation,
            questions=[],
            privacy_notice="Benchmark",
        )
    )
    organisation = db.session.scalar(
        sa.select(Organisation).where(Organisation.name == "Benchmark NGO")
    ) or save_organisation(
        None,
        "Benchmark NGO",
        "BNGO",
        OrganisationType.NATIONAL_NGO,
        OrganisationLevel.NATIONAL,
        "JO",
        None,
    )
    db.session.commit()
    return event.id, organisation.id
