"""What refers to an organisation, declared by each feature that does (partners, speakers,
registrations, commitments). The directory reads these declarations to say why an
organisation cannot be removed, to move everything onto the organisation a duplicate is
merged into, and to tell which events use an organisation, without importing the features
built above it."""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute


@dataclass(frozen=True)
class OrganisationUse:
    # The foreign key to organisations.id.
    column: InstrumentedAttribute
    # The ids of the events where the organisation with this id is used this way.
    events: Callable[[int], sa.Select]
    # What ``count`` such uses are, as a phrase: "a partner of 2 events".
    describe: Callable[[int], str]
    # A column that may hold one row per organisation (one partner row per event): merging
    # drops the duplicate's row where the kept organisation already has one.
    unique_within: InstrumentedAttribute | None = None


USES: list[OrganisationUse] = []

# The ids of the events whose team a user organises, declared by the events feature.
_organised_events: list[Callable[[int], sa.Select]] = []


def declare(use: OrganisationUse) -> None:
    USES.append(use)


def declare_organised_events(events: Callable[[int], sa.Select]) -> None:
    _organised_events[:] = [events]


def organised_events(user_id: int) -> sa.Select:
    return _organised_events[0](user_id)
