"""The reports' consultation, also used by the hostile-input checks: an event with sessions
on the record, under the Chatham House rule, closed and in draft, reviewed outcomes and twelve
participants (registered by ``tests/conftest.py`` as a plugin)."""

from datetime import UTC, datetime

import pytest

from consultation.accounts.models import Role
from consultation.agenda.models import (
    Attribution,
    Session,
    SessionKind,
    SessionSpeaker,
    SpeakerRole,
)
from consultation.db import db
from consultation.events.models import Event
from consultation.organisations.models import OrganisationLevel, OrganisationType
from consultation.outcomes import access as outcome_access
from consultation.outcomes import reading, review
from consultation.outcomes import services as outcomes
from consultation.outcomes.models import (
    Priority,
    ReviewStatus,
)
from consultation.taxonomy.models import Series
from tests.factories import add_organisation, add_registration, recommendation

SPEAKER = "Rania Haddad"
SPEAKER_ORGANISATION = "Basmeh and Zeitooneh"
ON_RECORD_SPEAKER = "Omar Farouk"


def add_session(event, title, attribution, hour, speaker=None, organisation=None):
    session = Session(
        event_id=event.id,
        title=title,
        kind=SessionKind.PANEL,
        starts_at=datetime(2027, 3, 1, hour, tzinfo=UTC),
        ends_at=datetime(2027, 3, 1, hour + 1, tzinfo=UTC),
        attribution=attribution,
    )
    db.session.add(session)
    if speaker:
        session.speakers.append(
            SessionSpeaker(name=speaker, organisation=organisation, role=SpeakerRole.SPEAKER)
        )
    db.session.flush()
    return session


def record(event, session, user, texts, status: ReviewStatus, priority=Priority.MEDIUM):
    _, outcome = reading.outcome_for_session(event, session.id)
    outcomes.save_session_summary(outcome, f"Summary of {session.title}.")
    outcomes.add_key_point(outcome, f"Key point of {session.title}")
    for text in texts:
        outcomes.add_recommendation(event, outcome, recommendation(text, priority))
    access = outcome_access.OutcomeAccess(True, True)
    for step in {
        ReviewStatus.DRAFT: [],
        ReviewStatus.IN_REVIEW: ["submit"],
        ReviewStatus.APPROVED: ["submit", "approve"],
        ReviewStatus.PUBLISHED: ["submit", "approve", "publish"],
    }[status]:
        review.take_review_step(outcome, step, access, user)
    return outcome


@pytest.fixture
def consultation(app, make_event, make_user, add_to_team):
    """An event with an on-the-record, a Chatham House, a closed and a draft session, and
    twelve confirmed participants of whom five agreed to be listed."""
    event = make_event(title="Regional Humanitarian Consultation")
    organiser = make_user(Role.ORGANISER, email="organiser@iom.example")
    add_to_team(event, organiser)
    with app.app_context():
        stored = db.session.get(Event, event.id)
        stored.series = Series(name="IOM–NGO Humanitarian Consultations", code="MENA")
        user = db.session.merge(organiser)
        speaker_organisation = add_organisation(SPEAKER_ORGANISATION)
        international = add_organisation(
            "Global Relief", OrganisationType.INTERNATIONAL_NGO, OrganisationLevel.INTERNATIONAL
        )
        open_session = add_session(
            stored,
            "Opening on the record",
            Attribution.ON_RECORD,
            6,
            ON_RECORD_SPEAKER,
            international,
        )
        chatham = add_session(
            stored,
            "Access to detention centres",
            Attribution.CHATHAM_HOUSE,
            8,
            SPEAKER,
            speaker_organisation,
        )
        closed = add_session(stored, "Security incidents debrief", Attribution.CLOSED, 10)
        draft = add_session(stored, "Aid diversion", Attribution.CHATHAM_HOUSE, 12)
        record(stored, open_session, user, ["Publish access data yearly."], ReviewStatus.PUBLISHED)
        record(stored, chatham, user, ["Negotiate monitored access."], ReviewStatus.APPROVED)
        record(
            stored, closed, user, ["Share incident reports in confidence."], ReviewStatus.PUBLISHED
        )
        record(stored, draft, user, ["Unreviewed diversion idea."], ReviewStatus.DRAFT)
        for number in range(1, 13):
            organisation = international if number <= 7 else speaker_organisation
            add_registration(stored, number, organisation, consent=number % 2 == 0 and number <= 10)
        db.session.commit()
    return event
