"""The organisations registrants typed that are not in the directory: each is private to its
registration, seen only by the organisers of its event, until one of them approves it into
the directory, merges it into one already there, or keeps it private."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import contains_eager

from consultation.db import db
from consultation.errors import NotFound
from consultation.events.models import Event
from consultation.organisations.models import Organisation, OrganisationStatus
from consultation.registrations.models import Registration


def _of_event(event: Event, status: OrganisationStatus):
    return (
        sa.select(Registration)
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.event_id == event.id, Organisation.status == status)
    )


def review_queue(event: Event, status: OrganisationStatus, page: int) -> Pagination:
    """The event's registrations whose organisation has this status, oldest first."""
    statement = (
        _of_event(event, status)
        .options(contains_eager(Registration.organisation))
        .order_by(Organisation.created_at, Organisation.id)
    )
    return db.paginate(
        statement,
        page=page,
        per_page=current_app.config["ORGANISATIONS_PER_PAGE"],
        error_out=False,
    )


def waiting_for_review(event: Event) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(
            _of_event(event, OrganisationStatus.PROPOSED).subquery()
        )
    )


def private_organisation(event: Event, organisation_id: int) -> Organisation:
    """An organisation outside the directory that a registration for this event uses."""
    organisation = db.session.scalar(
        sa.select(Organisation)
        .join(Registration, Registration.organisation_id == Organisation.id)
        .where(
            Organisation.id == organisation_id,
            Organisation.status != OrganisationStatus.APPROVED,
            Registration.event_id == event.id,
        )
        .limit(1)
    )
    if organisation is None:
        raise NotFound(_l("No registration for this event has this organisation to review."))
    return organisation
