"""A registration's management link: a 256-bit token, kept as its hash; a new link waits
until it is first opened before it replaces the current one.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from consultation.db import db, now_utc
from consultation.errors import NotFound
from consultation.mail import external_url
from consultation.private_links import new_token, same_digest, token_hash
from consultation.registrations.models import (
    Registration,
)


def new_management_token(registration: Registration) -> str:
    """A fresh 256-bit token for the registration. Its first link is the registration's link
    at once; a later one waits, and replaces the current link when first opened."""
    token = new_token()
    if registration.management_token_hash is None:
        registration.management_token_hash = token_hash(token)
    else:
        registration.pending_token_hash = token_hash(token)
    return token


def management_url(registration: Registration, token: str) -> str:
    return external_url("self_service.open_link", registration_id=registration.id, token=token)


def _registration(registration_id: int) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration)
        .where(Registration.id == registration_id)
        .options(
            joinedload(Registration.event),
            selectinload(Registration.theme_interests),
        )
    )


INVALID_LINK = _l("This link is not valid. Ask for a new one from the event's page.")


def registration_by_token(registration_id: int, token: str) -> Registration:
    """The registration an emailed link belongs to; any other id, or a replaced token, is a
    404. Opening the newest link emailed makes it the registration's link, and the one it
    replaces stops working; the caller commits."""
    registration = _registration(registration_id)
    if registration is None:
        raise NotFound(INVALID_LINK)
    digest = token_hash(token)
    current = same_digest(registration.management_token_hash, digest)
    pending = same_digest(registration.pending_token_hash, digest)
    if not (current or pending):
        raise NotFound(INVALID_LINK)
    if pending:
        registration.management_token_hash, registration.pending_token_hash = digest, None
    if registration.email_confirmed_at is None and registration.anonymised_at is None:
        registration.email_confirmed_at = now_utc()
    return registration


def registration_by_digest(registration_id: int, digest: str) -> Registration:
    """The registration whose current link hashes to ``digest`` (kept by the browser that
    opened the link, see ``link_access``)."""
    registration = _registration(registration_id)
    if registration is None or not same_digest(registration.management_token_hash, digest):
        raise NotFound(INVALID_LINK)
    return registration
