"""What events tell the features built on them (the agenda, registrations), which connect to
these signals where they define what they add: events never imports them.

Each signal is sent with the event as its sender. Receivers that add to a page or a list
return a dict, merged in the order they connected (see ``collected``).
"""

from collections.abc import Mapping
from typing import Any

from blinker import Namespace, Signal

_signals = Namespace()

#: A new edition was made from ``source``, its dates ``shift`` later: each feature copies what
#: it keeps of an edition (the agenda its sessions, registration its settings).
edition_copied = _signals.signal("edition-copied")

#: The event's details changed, its dates or time zone perhaps (``old_zone``, a ZoneInfo): a
#: receiver follows (sessions keep their wall-clock times) or refuses the change with a
#: ConsultationError (sessions would fall outside the new dates).
event_updated = _signals.signal("event-updated")

#: The event's public page is shown: template values (the call for registration).
event_page_shown = _signals.signal("event-page-shown")

#: The event's page for its organisers is shown: template values (the agenda).
event_overview_shown = _signals.signal("event-overview-shown")

#: Sent with the list of events on an organiser's dashboard (``events``): figures by name, each
#: a mapping of event ids to a number (sessions).
events_counted = _signals.signal("events-counted")

#: The records of the event whose texts can be translated, after the event itself: a dict
#: with a ``texts`` list (the agenda's sessions).
translatable_texts = _signals.signal("translatable-texts")


def collected(signal: Signal, sender: Any, **kwargs: Any) -> dict[str, Any]:
    """The dicts the receivers return, merged."""
    merged: dict[str, Any] = {}
    for _receiver, returned in signal.send(sender, **kwargs):
        if isinstance(returned, Mapping):
            merged.update(returned)
    return merged
