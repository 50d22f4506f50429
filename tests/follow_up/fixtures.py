"""A series with two editions (2026 in Tunis, 2027 in Istanbul), their recommendations and
commitments, and its team: an organiser of 2027 only, a policy officer of 2026 only (a role on
one edition counts for the whole series), a rapporteur, and an organiser of another event."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from consultation.accounts.models import Role, User
from consultation.agenda.models import Attribution, Session, SessionKind
from consultation.db import db
from consultation.events.models import Event, TeamRole
from consultation.follow_up import access, updates
from consultation.outcomes import reading
from consultation.outcomes import services as outcomes
from consultation.outcomes.models import Addressee, Priority, ReviewStatus, SessionOutcome
from consultation.taxonomy.models import Series, Theme
from tests.factories import add_organisation


def _session(event: Event, title: str, attribution: Attribution, themes: list[Theme]) -> Session:
    start = datetime(event.edition_year, 5, 11, 7, tzinfo=UTC)
    session = Session(
        event_id=event.id,
        title=title,
        kind=SessionKind.PANEL,
        starts_at=start,
        ends_at=start.replace(hour=8),
        attribution=attribution,
        themes=themes,
    )
    db.session.add(session)
    db.session.flush()
    return session


def _recommendation(event, session, text, addressees, priority, themes):
    _, outcome = reading.outcome_for_session(event, session.id)
    return outcomes.add_recommendation(
        event,
        outcome,
        outcomes.RecommendationDetails(text, addressees, None, priority, [t.id for t in themes]),
    )


def _commitment(event, session, text, owner, due_on):
    _, outcome = reading.outcome_for_session(event, session.id)
    return outcomes.add_commitment(
        event, outcome, outcomes.CommitmentDetails(text, owner.id, due_on)
    )


@pytest.fixture
def series_world(app, make_user, make_event, add_to_team, themes) -> SimpleNamespace:
    with app.app_context():
        series = Series(name="IOM–NGO Humanitarian Consultations", code="MENA")
        db.session.add(series)
        db.session.commit()
        series_id = series.id
    editions = {
        2026: make_event(
            series_id=series_id, city="Tunis", start_date=date(2026, 5, 11),
            end_date=date(2026, 5, 13), title="Consultation 2026", slug="mena-2026",
        ),
        2027: make_event(
            series_id=series_id, city="Istanbul", start_date=date(2027, 5, 11),
            end_date=date(2027, 5, 13), title="Consultation 2027", slug="mena-2027",
        ),
    }  # fmt: skip
    elsewhere = make_event(slug="west-africa", title="West Africa consultation")
    users = {
        "organiser": make_user(Role.ORGANISER, display_name="Olivia Organiser"),
        "policy": make_user(Role.POLICY, display_name="Pierre Policy"),
        "rapporteur": make_user(Role.RAPPORTEUR),
        "other_organiser": make_user(Role.ORGANISER),
        "participant": make_user(Role.PARTICIPANT),
        "admin": make_user(Role.ADMIN),
    }
    add_to_team(editions[2027], users["organiser"], TeamRole.ORGANISER)
    add_to_team(editions[2026], users["policy"], TeamRole.POLICY)
    add_to_team(editions[2027], users["rapporteur"], TeamRole.RAPPORTEUR)
    add_to_team(elsewhere, users["other_organiser"], TeamRole.ORGANISER)
    with app.app_context():
        by_slug = {theme.slug: db.session.merge(theme) for theme in themes}
        access_theme, local = by_slug["humanitarian-access"], by_slug["local-capacity"]
        iom = add_organisation("International Organization for Migration")
        ngo = add_organisation("Amel Association")
        y26, y27 = (db.session.get(Event, editions[year].id) for year in (2026, 2027))
        open_session = _session(y26, "Humanitarian access", Attribution.ON_RECORD, [access_theme])
        quiet_session = _session(
            y27, "Detention centres", Attribution.CHATHAM_HOUSE, [access_theme, local]
        )
        items = {
            "r26_access": _recommendation(
                y26, open_session, "Negotiate regular access to detention centres.",
                [Addressee.IOM, Addressee.STATES], Priority.HIGH, [access_theme],
            ),
            "r26_local": _recommendation(
                y26, open_session, "Fund local NGOs' core costs.",
                [Addressee.DONORS], Priority.LOW, [local],
            ),
            "r27_protocol": _recommendation(
                y27, quiet_session, "Publish a protocol for visits.",
                [Addressee.NGOS], Priority.MEDIUM, [access_theme],
            ),
            "c26_overdue": _commitment(
                y26, open_session, "Map detention sites in the region.", iom, date(2026, 6, 30)
            ),
            "c26_done": _commitment(
                y26, open_session, "Share the access guidance.", ngo, date(2026, 3, 31)
            ),
            "c27_open": _commitment(
                y27, quiet_session, "Train focal points.", ngo, date(2027, 12, 31)
            ),
        }  # fmt: skip
        db.session.flush()
        policy = db.session.get(User, users["policy"].id)
        updates.post_update(
            items["c26_done"],
            updates.UpdateDetails(date(2026, 4, 2), "done", "Shared with 40 NGOs.", progress=5),
            policy,
            access.event_access(y26, policy),
        )
        db.session.commit()
        return SimpleNamespace(
            series_code="MENA",
            editions={year: event.id for year, event in editions.items()},
            users=users,
            items={name: item.id for name, item in items.items()},
            references={name: item.reference for name, item in items.items()},
            iom_id=iom.id,
            ngo_id=ngo.id,
            theme_ids={"access": access_theme.id, "local": local.id},
        )


def publish_all_outcomes(app, event_id: int | None = None) -> None:
    """Every session's outcomes published (of one event if given), as the public and later
    editions see them."""
    with app.app_context():
        statement = sa.select(SessionOutcome)
        if event_id is not None:
            statement = statement.where(SessionOutcome.event_id == event_id)
        for outcome in db.session.scalars(statement):
            outcome.review_status = ReviewStatus.PUBLISHED
        db.session.commit()
