"""A year of follow-up of the demo's previous edition (``2026/follow_up.toml``): updates on its
recommendations and commitments, written by the demo organiser or policy officer through the
same services as the site, some still waiting for review."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consultation.accounts.models import User
from consultation.db import db
from consultation.demo.data import load
from consultation.events.models import Event
from consultation.follow_up.access import event_access
from consultation.follow_up.updates import UpdateDetails, post_update
from consultation.outcomes.models import Commitment, Recommendation


def seed_follow_up(event: Event, authors: dict[str, User], edition: str) -> None:
    """The edition's updates, once: nothing happens if any of its items has one already."""
    items = {
        item.reference: item
        for model in (Recommendation, Commitment)
        for item in db.session.scalars(
            sa.select(model).where(model.event_id == event.id).options(selectinload(model.updates))
        )
    }
    if any(item.updates for item in items.values()):
        return
    for entry in load(f"{edition}follow_up")["updates"]:
        author = authors[entry["by"]]
        post_update(
            items[entry["reference"]],
            UpdateDetails(
                reported_on=entry["reported_on"],
                status=entry.get("status"),
                text=entry["text"],
                progress=entry.get("progress"),
                evidence_links=entry.get("evidence", []),
                language="en",
            ),
            author,
            event_access(event, author),
        )
    db.session.flush()
