"""Reminders: a daily job emails each contact of an open commitment at the steps its series
sets (so many months after the edition, so many days before the due date), and each series'
organisers a monthly digest of overdue commitments. A step is sent once: its row's unique key
refuses a second one, whichever worker or cron run tries, and a commitment done or dropped
gets no more.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from consultation import jobs, mail
from consultation.accounts.models import User
from consultation.db import db, now_utc
from consultation.errors import ConsultationError
from consultation.events.access import TEAM_ROLE_PERMISSION
from consultation.events.models import Event, EventMember, TeamRole
from consultation.follow_up import contacts, news
from consultation.follow_up.dates import months_after
from consultation.follow_up.models import DigestSent, ReminderSent
from consultation.outcomes.models import Commitment, CommitmentStatus, open_statuses
from consultation.taxonomy.models import Series
from consultation.unit_of_work import transaction

REMINDER_JOB_ID = "follow-up-reminders"
OPEN = open_statuses(CommitmentStatus)


def set_reminder_steps(series: Series, months: list[str], days_before_due: int) -> None:
    """The series' reminder offsets: months after each edition (1 to 60), days before a
    commitment's due date."""
    try:
        values = sorted({int(value) for value in months if value})
    except ValueError as error:
        raise ConsultationError(
            _l("Give whole numbers of months, separated by commas."), field="reminder_months"
        ) from error
    if any(not 1 <= value <= 60 for value in values):
        raise ConsultationError(
            _l("Each number of months goes from 1 to 60."), field="reminder_months"
        )
    series.reminder_months = values
    series.due_reminder_days = days_before_due


@dataclass(frozen=True)
class Step:
    key: str
    on: date
    months: int | None = None


def steps(commitment: Commitment, edition: Event, series: Series) -> list[Step]:
    """The reminder steps of a commitment, in the order of their dates."""
    found = [
        Step(f"after-{months}", months_after(edition.end_date, months), months)
        for months in sorted(set(series.reminder_months or ()))
        if months > 0
    ]
    if commitment.due_on is not None:
        # Keyed by the date: a due date moved later is reminded of again.
        found.append(
            Step(
                f"due-{commitment.due_on.isoformat()}",
                commitment.due_on - timedelta(days=series.due_reminder_days),
            )
        )
    return sorted(found, key=lambda step: step.on)


def step_due(
    commitment: Commitment, edition: Event, series: Series, today: date, sent: set[str]
) -> Step | None:
    """The latest step reached, unless it was sent: a contact added late, or a job that did
    not run for a while, gets one reminder, never a burst of the ones missed."""
    reached = [step for step in steps(commitment, edition, series) if step.on <= today]
    if not reached or reached[-1].key in sent:
        return None
    return reached[-1]


@dataclass(frozen=True)
class ReminderResult:
    reminders: int
    digests: int
    news: int = 0


def _open_commitments():
    return db.session.execute(
        sa.select(Commitment, Event, Series)
        .join(Event, Event.id == Commitment.event_id)
        .join(Series, Series.id == Event.series_id)
        .where(Commitment.status.in_(OPEN))
        .options(selectinload(Commitment.contacts))
        .order_by(Commitment.id)
    ).all()


def send_reminders(today: date) -> int:
    sent_steps: dict[int, set[str]] = {}
    for contact_id, step in db.session.execute(
        sa.select(ReminderSent.contact_id, ReminderSent.step)
    ):
        sent_steps.setdefault(contact_id, set()).add(step)
    sent = 0
    for commitment, edition, series in _open_commitments():
        for contact in commitment.contacts:
            step = step_due(commitment, edition, series, today, sent_steps.get(contact.id, set()))
            if step is None:
                continue
            try:
                with db.session.begin_nested():
                    db.session.add(
                        ReminderSent(contact_id=contact.id, step=step.key, sent_on=today)
                    )
                    db.session.flush()
                    contacts.send_link(commitment, contact, edition, step=step)
            except IntegrityError:
                # Another run sent this step meanwhile.
                continue
            sent += 1
    return sent


def _organisers(series: Series) -> list[User]:
    permission = TEAM_ROLE_PERMISSION[TeamRole.ORGANISER]
    users = db.session.scalars(
        sa.select(User)
        .join(EventMember, EventMember.user_id == User.id)
        .join(Event, Event.id == EventMember.event_id)
        .where(
            Event.series_id == series.id,
            EventMember.role == TeamRole.ORGANISER,
            User.active.is_(True),
        )
        .distinct()
        .order_by(User.id)
    )
    return [user for user in users if user.can(permission)]


def send_digests(today: date) -> int:
    """Each series' organisers get, once a month, the list of its overdue commitments."""
    month = today.strftime("%Y-%m")
    overdue = db.session.execute(
        sa.select(Commitment, Event)
        .join(Event, Event.id == Commitment.event_id)
        .where(
            Event.series_id.is_not(None),
            Commitment.status.in_(OPEN),
            Commitment.due_on < today,
        )
        .options(joinedload(Commitment.owner))
        .order_by(Event.edition_year, Commitment.number)
    ).all()
    by_series: dict[int, list[Commitment]] = {}
    for commitment, event in overdue:
        by_series.setdefault(event.series_id, []).append(commitment)
    sent = 0
    for series_id, items in by_series.items():
        series = db.session.get(Series, series_id)
        try:
            with db.session.begin_nested():
                db.session.add(DigestSent(series_id=series_id, month=month, sent_on=today))
                db.session.flush()
                for organiser in _organisers(series):
                    mail.send_email(
                        organiser.email,
                        _l("Overdue commitments of %(series)s", series=series.name),
                        "follow_up/overdue_digest",
                        organiser.language,
                        user=organiser,
                        series=series,
                        commitments=items,
                        register_url=mail.external_url(
                            "follow_up.register_page",
                            code=series.code,
                            kind="commitments",
                            overdue="1",
                        ),
                    )
        except IntegrityError:
            continue
        sent += 1
    return sent


def run_reminders(today: date | None = None) -> ReminderResult:
    today = today or now_utc().date()
    with transaction():
        return ReminderResult(send_reminders(today), send_digests(today), news.send_news(today))


def scheduled_reminders() -> None:
    """The worker's daily run, which schedules the next one."""
    run_reminders()
    schedule_reminders(timedelta(days=1))


def schedule_reminders(delay: timedelta) -> None:
    jobs.enqueue_in(delay, scheduled_reminders, job_id=REMINDER_JOB_ID)
