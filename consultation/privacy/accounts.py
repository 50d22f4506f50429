"""Deleting an account: by its owner (who confirms with their password) or by an
administrator. The registrations of the account's address are erased with it, or only
unlinked, as its owner chooses; what the site keeps of the person's work (a speaker's name on
an agenda, the actor of a past status change) loses its link to them."""

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from consultation.accounts.models import Role, User
from consultation.accounts.services import password_matches
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.db import db
from consultation.errors import Conflict, ConsultationError
from consultation.events.models import Event, EventMember, TeamRole
from consultation.mail import OutboxMessage
from consultation.multilingual import isolated
from consultation.privacy import ledger
from consultation.privacy.services import erase_registration
from consultation.registrations.models import Registration
from consultation.registrations.services import registrations_of


class RegistrationsChoice(StrEnum):
    # Their name, answers and links go too, like Erase my data on each.
    ERASE = "erase"
    # Kept, and still managed through the links emailed for them.
    KEEP = "keep"


@dataclass(frozen=True)
class AccountDeletion:
    registrations: int
    erased: bool


def _refuse_leaving_events_without_organiser(user: User) -> None:
    others = sa.select(EventMember.event_id).where(
        EventMember.role == TeamRole.ORGANISER, EventMember.user_id != user.id
    )
    alone = db.session.scalar(
        sa.select(Event)
        .join(EventMember, EventMember.event_id == Event.id)
        .where(
            EventMember.user_id == user.id,
            EventMember.role == TeamRole.ORGANISER,
            Event.id.not_in(others),
        )
        .order_by(Event.start_date.desc())
        .limit(1)
    )
    if alone is not None:
        raise Conflict(
            # gettext, not _l: a lazy string counts as safe markup (it has __html__), so the
            # title it holds reached the page unescaped.
            gettext(
                "This account is the only organiser of %(title)s: add another organiser to "
                "its team first.",
                title=isolated(alone.title),
            )
        )


def _refuse_last_administrator(user: User) -> None:
    if user.role is not Role.ADMIN:
        return
    admins = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
    )
    if admins <= 1:
        raise Conflict(_l("This is the last administrator's account: appoint another first."))


def check_deletable(user: User) -> None:
    _refuse_last_administrator(user)
    _refuse_leaving_events_without_organiser(user)


def delete_account(
    user: User, registrations: RegistrationsChoice, actor: User | None
) -> AccountDeletion:
    """Deletes the account (``actor`` is the administrator who does it, None for its owner)
    unless events or the site would be left without anyone in charge."""
    check_deletable(user)
    return remove_account(user, registrations, actor)


def remove_account(
    user: User, registrations: RegistrationsChoice, actor: User | None
) -> AccountDeletion:
    """The deletion itself. The emails written for the account (activation, reset links) go
    with it, and the erasure ledger notes it."""
    own = registrations_of(user)
    erase = registrations is RegistrationsChoice.ERASE
    for registration in own:
        if erase and registration.anonymised_at is None:
            erase_registration(registration, actor=actor)
    # Those the account was linked to without holding their address too.
    db.session.execute(
        sa.update(Registration)
        .where(Registration.user_id == user.id)
        .values(user_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.delete(OutboxMessage)
        .where(OutboxMessage.event_id.is_(None), OutboxMessage.recipient == user.email)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        AuditAction.ACCOUNT_DELETED,
        subject=f"user:{user.id}",
        actor=actor,
        requested_by="administrator" if actor is not None else "owner",
        registrations=len(own),
        registrations_erased=erase,
    )
    ledger.note("account", user.id, user.email, registrations=registrations.value)
    db.session.delete(user)
    db.session.flush()
    return AccountDeletion(len(own), erase)


def confirm_with_password(user: User, password: str) -> None:
    if not password_matches(user, password):
        raise ConsultationError(_l("Your password is not right."), field="password")
