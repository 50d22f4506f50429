"""Outcomes follow their event's editions (see ``events.signals``): a new edition's overview
offers the items of the one before it that are still open."""

from consultation.events import signals
from consultation.events.models import Event
from consultation.outcomes.previous_edition import previous_open_items


@signals.event_overview_shown.connect
def open_items(event: Event) -> dict:
    return {"previous_open_items": previous_open_items(event)}
