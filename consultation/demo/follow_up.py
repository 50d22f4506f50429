"""A year of follow-up of the demo's previous edition (``2026/follow_up.toml``): its owners'
contacts, and updates on its recommendations and commitments written by the demo policy
officer or by a contact through the same services as the site, one still waiting for
review."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consultation.accounts.models import User
from consultation.db import db
from consultation.demo.data import load
from consultation.events.models import Event
from consultation.follow_up.access import event_access
from consultation.follow_up.contacts import add_contact, report_progress
from consultation.follow_up.updates import UpdateDetails, post_update
from consultation.outcomes.models import Commitment, Recommendation


def _contacts_of(model) -> tuple:
    return (selectinload(Commitment.contacts),) if model is Commitment else ()


def seed_follow_up(event: Event, authors: dict[str, User], edition: str) -> None:
    """The edition's updates, once: nothing happens if any of its items has one already."""
    items = {
        item.reference: item
        for model in (Recommendation, Commitment)
        for item in db.session.scalars(
            sa.select(model)
            .where(model.event_id == event.id)
            .options(selectinload(model.updates), *_contacts_of(model))
        )
    }
    if any(item.updates for item in items.values()):
        return
    data = load(f"{edition}follow_up")
    first_contacts = {}
    for entry in data["contacts"]:
        commitment = items[entry["reference"]]
        contact = add_contact(commitment, entry["name"], entry["email"], entry["language"])
        first_contacts.setdefault(commitment.reference, contact)
    db.session.flush()
    policy = authors["policy"]
    for entry in data["updates"]:
        details = UpdateDetails(
            reported_on=entry["reported_on"],
            status=entry.get("status"),
            text=entry["text"],
            progress=entry.get("progress"),
            evidence_links=entry.get("evidence", []),
            language="en",
        )
        if entry["by"] == "contact":
            report_progress(first_contacts[entry["reference"]], details)
        else:
            post_update(items[entry["reference"]], details, policy, event_access(event, policy))
    db.session.flush()
