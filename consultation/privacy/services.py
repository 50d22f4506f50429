"""What personal data the application keeps, how sensitive it is, how long it stays, and the
rules that erase it: on the participant's request and on an organiser's (the schedule is in
``retention``).

``PERSONAL_DATA`` is the one declaration; the retention job and the erasure follow it, and a
test fails when a registration column is neither declared personal nor declared not to be.
"""

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from consultation.accounts.models import User
from consultation.audit import services as audit
from consultation.audit.models import AuditAction, AuditEvent
from consultation.db import db, now_utc
from consultation.follow_up.models import NewsSubscription
from consultation.mail import OutboxMessage, forget_written_emails
from consultation.organisations.models import Organisation
from consultation.organisations.services import IN_DIRECTORY, delete_if_unused
from consultation.privacy import ledger
from consultation.registrations import notifications, seats
from consultation.registrations.consents import consent_history
from consultation.registrations.models import (
    Registration,
    RegistrationChange,
    RegistrationStatus,
    registration_theme_interests,
)
from consultation.reports import charts, store


class Sensitivity(StrEnum):
    # Names and addresses: who someone is and how to reach them.
    IDENTIFYING = "identifying"
    # Health, religion (through dietary needs) and travel documents.
    SPECIAL = "special"
    # What organisers write about someone.
    INTERNAL = "internal"


class Retention(StrEnum):
    # Cleared SENSITIVE_DATA_RETENTION_DAYS after the event: only needed to run it.
    UNTIL_SHORTLY_AFTER = "until shortly after the event"
    # Anonymised REGISTRATION_RETENTION_DAYS after the event.
    UNTIL_AFTER = "until some time after the event"


@dataclass(frozen=True)
class PersonalField:
    column: str
    sensitivity: Sensitivity
    retention: Retention
    # What the column holds once erased (a SQL expression, so the job runs in bulk).
    erased: Any


def _anonymous_address():
    return sa.literal("anonymised-") + sa.cast(Registration.id, sa.String) + "@erased.invalid"


# What an erased name reads.
ERASED_NAME = "—"

PERSONAL_DATA: tuple[PersonalField, ...] = (
    PersonalField("full_name", Sensitivity.IDENTIFYING, Retention.UNTIL_AFTER, ERASED_NAME),
    PersonalField("email", Sensitivity.IDENTIFYING, Retention.UNTIL_AFTER, _anonymous_address()),
    PersonalField(
        "email_key", Sensitivity.IDENTIFYING, Retention.UNTIL_AFTER, _anonymous_address()
    ),
    PersonalField("search_key", Sensitivity.IDENTIFYING, Retention.UNTIL_AFTER, None),
    PersonalField("job_title", Sensitivity.IDENTIFYING, Retention.UNTIL_AFTER, None),
    PersonalField("user_id", Sensitivity.IDENTIFYING, Retention.UNTIL_AFTER, None),
    PersonalField("internal_notes", Sensitivity.INTERNAL, Retention.UNTIL_AFTER, None),
    PersonalField("accessibility_needs", Sensitivity.SPECIAL, Retention.UNTIL_SHORTLY_AFTER, None),
    PersonalField("dietary_requirements", Sensitivity.SPECIAL, Retention.UNTIL_SHORTLY_AFTER, None),
    PersonalField("needs_visa_letter", Sensitivity.SPECIAL, Retention.UNTIL_SHORTLY_AFTER, False),
    # Counted in anonymous statistics only: the counts are kept when the answers go.
    PersonalField("gender", Sensitivity.SPECIAL, Retention.UNTIL_SHORTLY_AFTER, None),
)

# Kept after anonymisation: the statistics of past consultations are built from them (and
# show no group smaller than five), and none of them names anyone on its own.
KEPT_FOR_STATISTICS = frozenset(
    {
        "id",
        "event_id",
        "status",
        # Only a directory organisation that five or more of the event's participants share:
        # a private one is deleted, a smaller one forgotten (anonymise); the same goes for
        # the country of work.
        "organisation_id",
        "country_of_work",
        "language",
        "interpretation_languages",
        "consented_at",
        "privacy_notice_version",
        "listed_to_participants",
        "named_in_report",
        "agrees_to_photography",
        "follow_up_news",
        "management_token_hash",
        "pending_token_hash",
        "email_confirmed_at",
        "waitlisted_at",
        "created_at",
        "updated_at",
        "anonymised_at",
    }
)


def erased_values(retentions: set[Retention]) -> dict[str, Any]:
    return {field.column: field.erased for field in PERSONAL_DATA if field.retention in retentions}


def _forget_small_groups(ids) -> None:
    """What remains of an erased participant must not point at them: an organisation or a
    country of work that fewer than five of the event's participants share is forgotten
    (the reports hide such groups too)."""
    for column in (Registration.organisation_id, Registration.country_of_work):
        small = (
            sa.select(Registration.event_id, column)
            .where(
                Registration.event_id.in_(
                    sa.select(Registration.event_id).where(Registration.id.in_(ids))
                )
            )
            .group_by(Registration.event_id, column)
            .having(sa.func.count(Registration.id) < charts.SMALL_GROUP)
        )
        db.session.execute(
            sa.update(Registration)
            .where(Registration.id.in_(ids), sa.tuple_(Registration.event_id, column).in_(small))
            .values({column.key: None})
            .execution_options(synchronize_session=False)
        )


def anonymise(where) -> int:
    """Anonymises the registrations matching ``where``, in three statements whatever their
    number; the management links die with a new random hash each."""
    ids = sa.select(Registration.id).where(where, Registration.anonymised_at.is_(None))
    # An organisation private to a registration names its registrant as surely as their
    # name does: the registration forgets it, and it is deleted unless it was approved into
    # the directory meanwhile.
    private = list(
        db.session.scalars(
            sa.select(Registration.organisation_id)
            .join(Organisation, Organisation.id == Registration.organisation_id)
            .where(Registration.id.in_(ids), ~IN_DIRECTORY)
            .distinct()
        )
    )
    if private:
        db.session.execute(
            sa.update(Registration)
            .where(Registration.id.in_(ids), Registration.organisation_id.in_(private))
            .values(organisation_id=None)
            .execution_options(synchronize_session=False)
        )
    _forget_small_groups(ids)
    db.session.execute(
        sa.delete(registration_theme_interests)
        .where(registration_theme_interests.c.registration_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(RegistrationChange)
        .where(RegistrationChange.registration_id.in_(ids))
        .values(reason=None)
        .execution_options(synchronize_session=False)
    )
    erased = db.session.execute(
        sa.update(Registration)
        .where(Registration.id.in_(ids))
        .values(
            **erased_values({Retention.UNTIL_AFTER, Retention.UNTIL_SHORTLY_AFTER}),
            # No token hashes to this: a random prefix, unique by the id.
            management_token_hash=sa.literal(secrets.token_hex(24))
            + sa.cast(Registration.id, sa.String),
            pending_token_hash=None,
            anonymised_at=now_utc(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    delete_if_unused(private)
    return erased


def erase_registration(registration: Registration, actor: User | None = None) -> None:
    """Erases one participant at their request (through their link, ``actor`` None) or an
    organiser's: the registration is cancelled first, so its seat goes to the waiting list,
    then anonymised at once."""
    notifications.check_not_erased(registration)
    if registration.is_active:
        seats.change_status(registration, RegistrationStatus.CANCELLED, actor=None, notify=False)
    address = registration.email
    ledger.note("registration", registration.id, address, event_id=registration.event_id)
    anonymise(Registration.id == registration.id)
    forget_written_emails({address})
    db.session.execute(
        sa.delete(OutboxMessage)
        .where(
            OutboxMessage.event_id == registration.event_id,
            OutboxMessage.recipient == address,
        )
        .execution_options(synchronize_session=False)
    )
    # Their follow-up emails stop: the subscription keeps the address they registered with.
    db.session.execute(
        sa.delete(NewsSubscription)
        .where(NewsSubscription.registration_id == registration.id)
        .execution_options(synchronize_session=False)
    )
    # The event's participant lists and reports made before may name them.
    store.forget_report_files([registration.event_id])
    audit.record(
        AuditAction.REGISTRATION_ERASED,
        event_id=registration.event_id,
        subject=f"registration:{registration.id}",
        actor=actor,
        requested_by="participant" if actor is None else "organiser",
    )
    db.session.expire(registration)


def _organisation_data(registration: Registration) -> dict[str, Any] | None:
    organisation = registration.organisation
    if organisation is None:
        return None
    return {
        "name": organisation.name,
        "acronym": organisation.acronym,
        "type": organisation.type.value,
        "level": organisation.level.value,
        "country": organisation.country,
        # Whether the shared directory lists it, or it stays private to this registration.
        "in_directory": organisation.in_directory,
    }


def registration_data(registration: Registration) -> dict[str, Any]:
    """Everything kept about the participant in this registration, for them to download
    (their right of access): their answers, what organisers wrote about them, the emails
    kept for them and the log's entries about the registration."""
    history = db.session.scalars(
        sa.select(RegistrationChange)
        .where(RegistrationChange.registration_id == registration.id)
        .order_by(RegistrationChange.created_at)
    )
    emails = db.session.scalars(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.event_id == registration.event_id,
            OutboxMessage.recipient == registration.email,
        )
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    logged = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.subject == f"registration:{registration.id}")
        .order_by(AuditEvent.id)
    )
    return {
        "event": {"title": registration.event.title, "slug": registration.event.slug},
        "registration": {
            "status": registration.status.value,
            "full_name": registration.full_name,
            "email": registration.email,
            "organisation": _organisation_data(registration),
            "job_title": registration.job_title,
            "country_of_work": registration.country_of_work,
            "language": registration.language,
            "gender": registration.gender.value if registration.gender else None,
            "interpretation_languages": registration.interpretation_languages,
            "theme_interests": [theme.slug for theme in registration.theme_interests],
            "accessibility_needs": registration.accessibility_needs,
            "dietary_requirements": registration.dietary_requirements,
            "needs_visa_letter": registration.needs_visa_letter,
            "consented_at": registration.consented_at.isoformat(),
            "privacy_notice_version": registration.privacy_notice_version,
            "listed_to_participants": registration.listed_to_participants,
            "named_in_report": registration.named_in_report,
            "agrees_to_photography": registration.agrees_to_photography,
            "follow_up_news": registration.follow_up_news,
            "created_at": registration.created_at.isoformat(),
            "updated_at": registration.updated_at.isoformat(),
            "waitlisted_at": _time(registration.waitlisted_at),
            "internal_notes": registration.internal_notes,
        },
        "history": [
            {
                "at": change.created_at.isoformat(),
                "from": change.from_status.value if change.from_status else None,
                "to": change.to_status.value,
                "reason": change.reason,
            }
            for change in history
        ],
        "consents": [
            {
                "at": record.created_at.isoformat(),
                "consent": record.consent.value,
                "given": record.given,
                "privacy_notice_version": record.notice_version,
            }
            for record in consent_history(registration.id)
        ],
        "emails": [
            {
                "subject": message.subject,
                "status": message.status.value,
                "written_at": message.created_at.isoformat(),
                "sent_at": _time(message.sent_at),
            }
            for message in emails
        ],
        "log": [
            {
                "at": entry.created_at.isoformat(),
                "action": entry.action,
                "details": entry.details,
                "ip_address": entry.ip_address,
            }
            for entry in logged
        ],
    }


def _time(moment) -> str | None:
    return moment.isoformat() if moment else None
