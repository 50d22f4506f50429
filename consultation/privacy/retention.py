"""The retention job: what the application keeps about an event's participants goes on
schedule, each kind after its own period (see ``PERSONAL_DATA`` in ``services``)."""

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from consultation import jobs
from consultation.agenda.models import Session, SessionSpeaker
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.backup import prune_backups
from consultation.db import db, now_utc, scrub_free_space
from consultation.events.models import Event
from consultation.follow_up.models import (
    CommitmentContact,
    FollowUpUpdate,
    NewsSubscription,
    UpdateReview,
)
from consultation.mail import OutboxMessage, OutboxStatus, forget_written_emails
from consultation.outcomes.models import Commitment, CommitmentStatus, open_statuses
from consultation.privacy.services import ERASED_NAME, Retention, anonymise, erased_values
from consultation.registrations import configuration
from consultation.registrations.models import (
    Registration,
    RegistrationSettings,
    RegistrationStatus,
    SensitiveAccess,
)
from consultation.reports import store
from consultation.unit_of_work import transaction


def _past_retention(today: date) -> list[int]:
    """The events whose registrations have been kept as long as their organisers chose
    (within the installation's limit); compared here, since SQLite and PostgreSQL add days
    to dates differently."""
    ended = db.session.execute(
        sa.select(Event.id, Event.end_date, RegistrationSettings)
        .outerjoin(RegistrationSettings, RegistrationSettings.event_id == Event.id)
        .where(Event.end_date < today)
    )
    longest = current_app.config["REGISTRATION_RETENTION_DAYS"]
    return [
        event_id
        for event_id, end_date, settings in ended
        if end_date
        < today - timedelta(days=configuration.retention_days(settings) if settings else longest)
    ]


@dataclass(frozen=True)
class PurgeResult:
    sensitive_cleared: int
    anonymised: int
    emails_deleted: int
    report_files_deleted: int
    speakers_anonymised: int = 0
    backups_deleted: int = 0
    contacts_deleted: int = 0
    subscriptions_deleted: int = 0


def purge(today: date | None = None) -> PurgeResult:
    """The retention job: clears sensitive answers shortly after each event, anonymises its
    registrations and deletes its emails and stored reports later, and prunes stored reports
    nobody asked for lately. Running it again changes nothing."""
    today = today or now_utc().date()
    sensitive_before = today - timedelta(days=current_app.config["SENSITIVE_DATA_RETENTION_DAYS"])
    ended_long_ago = _past_retention(today)
    ended_recently = sa.select(Event.id).where(Event.end_date < sensitive_before)

    still_sensitive = sa.or_(
        Registration.accessibility_needs.is_not(None),
        Registration.dietary_requirements.is_not(None),
        Registration.needs_visa_letter.is_(True),
        Registration.gender.is_not(None),
    )
    _keep_gender_counts(ended_recently)
    cleared = db.session.execute(
        sa.update(Registration)
        .where(Registration.event_id.in_(ended_recently), still_sensitive)
        .values(**erased_values({Retention.UNTIL_SHORTLY_AFTER}))
        .execution_options(synchronize_session=False)
    ).rowcount
    addresses = set(
        db.session.scalars(
            sa.select(Registration.email).where(
                Registration.event_id.in_(ended_long_ago), Registration.anonymised_at.is_(None)
            )
        )
    )
    anonymised = anonymise(Registration.event_id.in_(ended_long_ago))
    forget_written_emails(addresses)
    # Sent emails hold names, addresses and links; the outbox keeps them no longer.
    emails = db.session.execute(
        sa.delete(OutboxMessage)
        .where(OutboxMessage.event_id.in_(ended_long_ago))
        .execution_options(synchronize_session=False)
    ).rowcount
    # Account emails (activation, password reset) carry links and addresses too: once sent
    # or given up on, they are kept a few weeks for the organisers to see what happened.
    emails += db.session.execute(
        sa.delete(OutboxMessage)
        .where(
            OutboxMessage.event_id.is_(None),
            OutboxMessage.status != OutboxStatus.PENDING,
            OutboxMessage.created_at
            < now_utc() - timedelta(days=current_app.config["ACCOUNT_EMAIL_RETENTION_DAYS"]),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    speakers = _anonymise_speakers(today)
    # Administrators' reasons for looking at sensitive answers may name the participant.
    db.session.execute(
        sa.delete(SensitiveAccess)
        .where(SensitiveAccess.event_id.in_(ended_long_ago))
        .execution_options(synchronize_session=False)
    )
    # Stored reports of those events may still name their participants.
    report_files = store.forget_report_files(ended_long_ago) + store.prune_report_store()
    # Backups older than the longest retention hold what has been erased since.
    backups = prune_backups(
        current_app.config["BACKUP_DIR"],
        now_utc() - timedelta(days=current_app.config["REGISTRATION_RETENTION_DAYS"]),
    )
    contacts = _forget_owner_contacts(today)
    subscriptions = _end_news_subscriptions(today)
    return PurgeResult(
        cleared, anonymised, emails, report_files, speakers, backups, contacts, subscriptions
    )


def _end_news_subscriptions(today: date) -> int:
    """Participants' follow-up emails end ``FOLLOW_UP_NEWS_RETENTION_DAYS`` after the edition
    they registered for, with the address they gave."""
    before = today - timedelta(days=current_app.config["FOLLOW_UP_NEWS_RETENTION_DAYS"])
    return db.session.execute(
        sa.delete(NewsSubscription)
        .where(NewsSubscription.event_id.in_(sa.select(Event.id).where(Event.end_date < before)))
        .execution_options(synchronize_session=False)
    ).rowcount


def _forget_owner_contacts(today: date) -> int:
    """A commitment owner's contacts are kept while it is followed up: once it is done or
    dropped, for ``FOLLOW_UP_CONTACT_RETENTION_DAYS`` after the update that closed it was
    published (not the date it reports on, which may be long before). Their updates stay,
    without their names."""
    before = datetime.combine(
        today - timedelta(days=current_app.config["FOLLOW_UP_CONTACT_RETENTION_DAYS"]),
        time(),
        UTC,
    )
    last_published = (
        sa.select(sa.func.max(FollowUpUpdate.reviewed_at))
        .where(
            FollowUpUpdate.commitment_id == Commitment.id,
            FollowUpUpdate.review == UpdateReview.PUBLISHED,
        )
        .scalar_subquery()
    )
    closed_long_ago = sa.select(Commitment.id).where(
        Commitment.status.not_in(open_statuses(CommitmentStatus)),
        last_published < before,
    )
    return db.session.execute(
        sa.delete(CommitmentContact)
        .where(CommitmentContact.commitment_id.in_(closed_long_ago))
        .execution_options(synchronize_session=False)
    ).rowcount


def _keep_gender_counts(events: sa.Select) -> None:
    """Before gender answers are cleared, the confirmed participants' counts by gender are
    added to what the event's statistics keep (answers cleared earlier were counted then)."""
    rows = db.session.execute(
        sa.select(Registration.event_id, Registration.gender, sa.func.count(Registration.id))
        .where(
            Registration.event_id.in_(events),
            Registration.gender.is_not(None),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .group_by(Registration.event_id, Registration.gender)
    ).all()
    by_event: dict[int, dict[str, int]] = {}
    for event_id, gender, count in rows:
        by_event.setdefault(event_id, {})[gender.value] = count
    for event_id, counts in by_event.items():
        settings = db.session.get(RegistrationSettings, event_id)
        if settings is None:
            continue
        kept = dict(settings.gender_counts or {})
        for gender, count in counts.items():
            kept[gender] = kept.get(gender, 0) + count
        settings.gender_counts = kept


def _anonymise_speakers(today: date) -> int:
    """An agenda names its speakers as long as it is kept as a record, then no more: after
    ``SPEAKER_RETENTION_DAYS``, speakers' names and titles give way to their roles."""
    before = today - timedelta(days=current_app.config["SPEAKER_RETENTION_DAYS"])
    sessions = (
        sa.select(Session.id)
        .join(Event, Event.id == Session.event_id)
        .where(Event.end_date < before)
    )
    return db.session.execute(
        sa.update(SessionSpeaker)
        .where(SessionSpeaker.session_id.in_(sessions), SessionSpeaker.name != ERASED_NAME)
        .values(name=ERASED_NAME, title=None, user_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount


RETENTION_JOB_ID = "privacy-retention"


def run_retention() -> PurgeResult:
    with transaction():
        result = purge()
        if any(asdict(result).values()):
            audit.record(AuditAction.RETENTION_PURGE, actor=None, **asdict(result))
    scrub_free_space()
    return result


def scheduled_retention() -> None:
    """The worker's daily run, which schedules the next one."""
    run_retention()
    schedule_retention(timedelta(days=1))


def schedule_retention(delay: timedelta) -> None:
    jobs.enqueue_in(delay, scheduled_retention, job_id=RETENTION_JOB_ID)
