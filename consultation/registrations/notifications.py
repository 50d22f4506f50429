"""The emails a registrant gets at each change, and the ones that could not be sent."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consultation.db import db
from consultation.errors import Conflict, NotFound
from consultation.events.models import Event
from consultation.mail import OutboxMessage, OutboxStatus, send_email
from consultation.registrations import consents
from consultation.registrations.configuration import settings_for
from consultation.registrations.links import management_url, new_management_token
from consultation.registrations.models import (
    Registration,
)


class Erased(Conflict):
    """The registration's personal data was erased: it is final, and has nobody to write to."""


def check_not_erased(registration: Registration) -> None:
    if registration.anonymised_at is not None:
        raise Erased(
            _l("This participant's data was erased: the registration can no longer change."),
            field="status",
        )


def email_registrant(registration: Registration, kind: str, token: str | None = None) -> None:
    """Tell the registrant what happened, with a fresh management link when none is given
    (it replaces theirs once opened)."""
    check_not_erased(registration)
    event = registration.event
    token = token or new_management_token(registration)
    title = event.text("title", registration.language).text
    subjects = {
        "received": _l("We received your registration: %(event)s", event=title),
        "confirmed": _l("Your place is confirmed: %(event)s", event=title),
        "waitlisted": _l("You are on the waiting list: %(event)s", event=title),
        "promoted": _l("A place is now yours: %(event)s", event=title),
        "declined": _l("Your registration was not accepted: %(event)s", event=title),
        "cancelled": _l("Your registration is cancelled: %(event)s", event=title),
        "link": _l("Your registration link: %(event)s", event=title),
    }
    send_email(
        registration.email,
        subjects[kind],
        "registrations/registration",
        registration.language,
        event_id=event.id,
        registration_id=registration.id,
        variant=kind,
        kind=kind,
        registration=registration,
        event=event,
        manage_url=management_url(registration, token),
    )


def failed_emails(event: Event) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.event_id == event.id, OutboxMessage.status == OutboxStatus.FAILED)
            .order_by(OutboxMessage.created_at.desc())
        )
    )


def resend_failed_email(event: Event, message_id: int) -> None:
    """Writes an undelivered email again, with today's details and a new link (the failed one
    kept no text), and takes the failure off the organisers' list."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.event_id != event.id:
        raise NotFound(_l("There is no such email for this event."))
    registration = (
        db.session.get(Registration, message.registration_id) if message.registration_id else None
    )
    template, _separator, variant = (message.kind or "").partition(":")
    if message.status is not OutboxStatus.FAILED or registration is None:
        raise Conflict(_l("Only an email that could not be delivered can be sent again."))
    check_not_erased(registration)
    if template == "registrations/registration":
        email_registrant(registration, variant)
    elif template == "registrations/notice_changed":
        consents.tell_of_notice(registration, settings_for(event).privacy_notice_version)
    else:
        raise Conflict(_l("Only an email that could not be delivered can be sent again."))
    db.session.delete(message)
