"""The people of a commitment's owner who report its progress without an account: each gets
a private update link (see ``private_links``), and what they post waits for the policy team.
"""

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from consultation import mail
from consultation.db import db, now_utc
from consultation.errors import ConsultationError, NotFound
from consultation.events.models import Event
from consultation.follow_up.access import NO_ACCESS
from consultation.follow_up.models import CommitmentContact, FollowUpUpdate
from consultation.follow_up.updates import UpdateDetails, post_update
from consultation.multilingual import INTERFACE_LANGUAGES
from consultation.outcomes.models import Commitment, SessionOutcome
from consultation.private_links import LinkCookie, new_token, same_digest, token_hash
from consultation.registrations.services import email_key

COOKIE = LinkCookie("update_link_access", "update-link-access", "UPDATE_LINK_ACCESS_MINUTES")
INVALID_LINK = _l("This link is not valid any more. Ask the organisers for a new one.")


def add_contact(commitment: Commitment, name: str, email: str, language: str) -> CommitmentContact:
    name = (name or "").strip()
    if not name:
        raise ConsultationError(_l("Give the person's name."), field="name")
    if language not in INTERFACE_LANGUAGES:
        raise ConsultationError(_l("Choose a language from the list."), field="language")
    key = email_key(email)
    if any(contact.email_key == key for contact in commitment.contacts):
        raise ConsultationError(
            _l("This person is already a contact for this commitment."), field="email"
        )
    contact = CommitmentContact(
        name=name, email=email.strip(), email_key=key, language=language, created_at=now_utc()
    )
    commitment.contacts.append(contact)
    return contact


def contact_of(commitment: Commitment, contact_id: int) -> CommitmentContact:
    contact = next((each for each in commitment.contacts if each.id == contact_id), None)
    if contact is None:
        raise NotFound(_l("This person is not a contact for this commitment."))
    return contact


def remove_contact(commitment: Commitment, contact_id: int) -> None:
    """Forgets the contact; their updates stay, without their name."""
    commitment.contacts.remove(contact_of(commitment, contact_id))


def send_link(commitment: Commitment, contact: CommitmentContact, event: Event, step=None) -> None:
    """Emails the contact a new update link (with a reminder's words at a reminder
    ``step``); the one sent before stops working."""
    token = new_token()
    contact.token_hash = token_hash(token)
    contact.link_sent_at = now_utc()
    mail.send_email(
        contact.email,
        _l("Reminder: report progress on %(reference)s", reference=commitment.reference)
        if step
        else _l("Report progress on %(reference)s", reference=commitment.reference),
        "follow_up/update_link",
        contact.language,
        event_id=commitment.event_id,
        variant=step.key if step else None,
        contact=contact,
        commitment=commitment,
        event=event,
        step=step,
        link=mail.external_url(
            "owner_updates.open_update_link", contact_id=contact.id, token=token
        ),
    )


def _contact(contact_id: int) -> CommitmentContact | None:
    return db.session.scalar(
        sa.select(CommitmentContact)
        .where(CommitmentContact.id == contact_id)
        .options(
            joinedload(CommitmentContact.commitment)
            .joinedload(Commitment.outcome)
            .joinedload(SessionOutcome.session),
            joinedload(CommitmentContact.commitment).selectinload(Commitment.updates),
        )
    )


def contact_by_token(contact_id: int, token: str) -> CommitmentContact:
    contact = _contact(contact_id)
    if contact is None or not same_digest(contact.token_hash, token_hash(token)):
        raise NotFound(INVALID_LINK)
    return contact


def contact_by_digest(contact_id: int, digest: str) -> CommitmentContact:
    contact = _contact(contact_id)
    if contact is None or not same_digest(contact.token_hash, digest):
        raise NotFound(INVALID_LINK)
    return contact


def page_path(contact_id: int) -> str:
    return url_for("owner_updates.contact_page", contact_id=contact_id)


def report_progress(contact: CommitmentContact, details: UpdateDetails) -> FollowUpUpdate:
    """The contact's update on their commitment, waiting for the policy team."""
    return post_update(contact.commitment, details, None, NO_ACCESS, contact=contact)


def own_updates(contact: CommitmentContact) -> list[FollowUpUpdate]:
    return [update for update in contact.commitment.updates if update.contact_id == contact.id]


def silent_contacts(commitments: list[Commitment]) -> set[int]:
    """The ids of those contacts who never posted an update."""
    ids = [contact.id for commitment in commitments for contact in commitment.contacts]
    if not ids:
        return set()
    reported = set(
        db.session.scalars(
            sa.select(FollowUpUpdate.contact_id).where(FollowUpUpdate.contact_id.in_(ids))
        )
    )
    return set(ids) - reported
