"""What of an edition's recommendations and commitments anyone may read: the items of public
editions whose session's outcomes are published, never a closed session's. The public page,
the API, participants' emails, later editions and public reports all ask here."""

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from consultation.agenda.models import Attribution, Session
from consultation.events.models import Event, EventStatus
from consultation.outcomes.models import ReviewStatus, SessionOutcome


def publicly_readable(model) -> list[sa.ColumnElement[bool]]:
    """The conditions on ``model`` (Recommendation or Commitment) that keep what anyone may
    read, as subqueries on aliases: they need no join of the caller's, and correlate with
    the item alone, whatever else the caller joins."""
    event, outcome, session = aliased(Event), aliased(SessionOutcome), aliased(Session)
    return [
        sa.exists().where(event.id == model.event_id, event.status != EventStatus.DRAFT),
        sa.exists().where(
            outcome.session_id == model.session_id,
            outcome.review_status == ReviewStatus.PUBLISHED,
        ),
        sa.exists().where(
            session.id == model.session_id, session.attribution != Attribution.CLOSED
        ),
    ]
