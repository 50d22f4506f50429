"""Freshness from the data: every change to a record the public pages show moves its events'
content version (or the site's) in the same transaction, whatever field a template shows,
and nothing private moves one."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy.orm import selectinload

from consultation import content_version
from consultation.accounts.models import Role, User
from consultation.agenda import services as agenda
from consultation.agenda.models import Session, SessionSpeaker, SpeakerRole
from consultation.db import db, now_utc
from consultation.events import services as events
from consultation.events.models import Event, EventPartner, PartnerRole
from consultation.organisations.models import Organisation
from consultation.registrations.models import RegistrationSettings
from consultation.taxonomy.models import Series, Theme
from tests.factories import add_session


@pytest.fixture
def shown(app, make_event, make_user, make_organisation, themes):
    """An event in a series, with themes, a partner, a session with a speaker who has an
    account and one who has an organisation, and registration open to anyone (no capacity,
    so that the places taken are not shown)."""
    staff = make_user(Role.ORGANISER, display_name="Amira Haddad", organisation_name="IOM")
    host = make_organisation("Jordan River Foundation", "JRF")
    speaker_organisation = make_organisation("Danish Refugee Council", "DRC")
    event = make_event()
    with app.app_context():
        stored = db.session.get(Event, event.id, options=[selectinload(Event.themes)])
        stored.series = Series(name="Regional consultations", code="RHC")
        stored.themes = list(db.session.scalars(sa.select(Theme).order_by(Theme.id).limit(2)))
        events.add_partner(stored, db.session.get(Organisation, host.id), PartnerRole.HOST)
        session = add_session(
            stored, "Humanitarian access", 9, hours=2, theme_ids=[stored.themes[0].id]
        )
        session = db.session.get(Session, session.id, options=[selectinload(Session.speakers)])
        agenda.add_speaker(session, SpeakerRole.MODERATOR, user=db.session.get(User, staff.id))
        agenda.add_speaker(
            session,
            SpeakerRole.SPEAKER,
            name="Hala Nasser",
            organisation=db.session.get(Organisation, speaker_organisation.id),
        )
        db.session.add(
            RegistrationSettings(
                event_id=event.id,
                opens_at=now_utc() - timedelta(days=1),
                closes_at=now_utc() + timedelta(days=30),
                capacity=None,
            )
        )
        db.session.commit()
    return event


def versions(event_id: int) -> tuple[int, int]:
    """The event's content version and the site's, as the database holds them."""
    return db.session.execute(
        sa.select(Event.content_version, content_version.site_version()).where(Event.id == event_id)
    ).one()


# The fields a public page may show of records that are private otherwise: the speaker's
# account shows by its name, not by its sign-ins.
SHOWN_BY_NAME = {User: {"display_name", "organisation_name"}}
# Counts of participants, which no page shows of an event without a capacity.
NOT_SHOWN = {RegistrationSettings: {"confirmed_count", "gender_counts"}}


def other_values(column: sa.Column, value):
    """Values other than ``value`` of the column's type, to try in turn: a constraint may
    refuse one (an end before its start)."""
    python_type = type(value) if value is not None else column.type.python_type
    if isinstance(column.type, sa.JSON) and value is None:
        python_type = dict
    elif isinstance(column.type, sa.TypeDecorator) and value is None:
        python_type = column.type.impl.python_type
    if isinstance(column.type, sa.Enum):
        return [member for member in column.type.enum_class if member != value][:1]
    if python_type is bool:
        return [not value]
    if python_type is int:
        return [1 if value is None else value + 1, 1 if value is None else value - 1]
    if python_type is str:
        return ["x" if not value else value[:-1] + ("y" if value.endswith("x") else "x")]
    if python_type is datetime:
        base = value or now_utc()
        return [base + timedelta(minutes=1), base - timedelta(minutes=1)]
    if python_type is date:
        base = value or date(2027, 3, 2)
        return [base + timedelta(days=1), base - timedelta(days=1)]
    if python_type is dict:
        return [{**(value or {}), "ar": {"title": "x"}}]
    if python_type is list:
        return [[*(value or []), "fr"]]
    raise AssertionError(f"no other value for {column}")


def shown_fields():
    """Every column of every record the public pages show, but keys and the versions."""
    for model in (
        Event,
        Series,
        Theme,
        EventPartner,
        Organisation,
        Session,
        SessionSpeaker,
        User,
        RegistrationSettings,
    ):
        for column in sa.inspect(model).columns:
            if column.primary_key or column.foreign_keys:
                continue
            if column.key in ("content_version", "content_moments", "search_key"):
                continue
            if model in SHOWN_BY_NAME and column.key not in SHOWN_BY_NAME[model]:
                continue
            yield model, column


FIELDS = list(shown_fields())


def test_every_table_says_whether_the_public_pages_show_it():
    mapped = {mapper.local_table: mapper.class_ for mapper in db.Model.registry.mappers}
    unclassified = [
        table.name
        for table in db.metadata.sorted_tables
        if not content_version.is_classified(mapped.get(table, table))
    ]
    assert unclassified == []


def test_every_shown_model_is_checked_field_by_field():
    assert {model for model, _ in FIELDS} == set(content_version.shown_models())


@pytest.mark.parametrize(
    ("model", "column"), FIELDS, ids=[f"{model.__name__}.{column.key}" for model, column in FIELDS]
)
def test_a_change_to_any_field_shown_moves_a_version(app, shown, model, column):
    """A template may start showing any field of these records: a change to it must move
    the version its pages are revalidated with."""
    with app.app_context():
        before = versions(shown.id)
        record = db.session.scalars(sa.select(model).order_by(*sa.inspect(model).primary_key))
        record = next(
            candidate
            for candidate in record
            if not isinstance(candidate, User) or candidate.display_name == "Amira Haddad"
        )
        for value in other_values(column, getattr(record, column.key)):
            try:
                with db.session.begin_nested():
                    setattr(record, column.key, value)
                break
            except sa.exc.IntegrityError:
                db.session.refresh(record)
        else:
            raise AssertionError(f"every other value of {column} was refused")
        db.session.commit()
        after = versions(shown.id)
    moved = after != before
    assert moved != (column.key in NOT_SHOWN.get(model, ()))


def test_counts_of_participants_move_the_version_when_places_are_shown(app, shown):
    with app.app_context():
        db.session.get(RegistrationSettings, shown.id).capacity = 40
        db.session.commit()
        before = versions(shown.id)
        db.session.get(RegistrationSettings, shown.id).gender_counts = {"woman": 3}
        db.session.commit()
        assert versions(shown.id) != before


def test_a_private_change_to_a_shown_record_keeps_the_version(app, shown):
    """A speaker signing in changes their account, which the agenda shows by its name only."""
    with app.app_context():
        before = versions(shown.id)
        speaker = db.session.scalar(sa.select(User).filter_by(display_name="Amira Haddad"))
        speaker.last_login_at = now_utc()
        speaker.language = "ar"
        db.session.commit()
        assert versions(shown.id) == before


def test_a_bulk_statement_on_a_shown_table_moves_the_site_version(app, shown):
    with app.app_context():
        site_before = versions(shown.id)[1]
        db.session.execute(sa.update(SessionSpeaker).values(title="Director"))
        db.session.commit()
        assert versions(shown.id)[1] != site_before


def test_a_field_a_template_starts_showing_changes_the_page_and_its_etag(app, client, shown):
    """No list of columns to keep up to date: the event page shows a field of its partners'
    organisations it did not, and a change to that field reaches visitors at once."""
    overlay = DictLoader(
        {
            "events/event.html": "{% for partner in event.partners %}"
            "<p>{{ partner.organisation.website }}</p>{% endfor %}"
        }
    )
    original = app.jinja_loader
    app.jinja_env.loader = ChoiceLoader([overlay, original])
    try:
        url = f"/events/{shown.slug}"
        first = client.get(url)
        assert first.get_data(as_text=True) == "<p>None</p>"
        with app.app_context():
            host = db.session.scalar(sa.select(Organisation).filter_by(acronym="JRF"))
            host.website = "https://jrf.example.org"
            db.session.commit()
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 200
        assert again.get_data(as_text=True) == "<p>https://jrf.example.org</p>"
        assert again.headers["ETag"] != first.headers["ETag"]
    finally:
        app.jinja_env.loader = original
