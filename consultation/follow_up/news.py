"""Emails to participants who asked for them when the published follow-up of their
consultation changes: at most one a month, listing the statuses published since the last,
each with an opt-out link that works in one click."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from consultation import mail
from consultation.db import db, now_utc
from consultation.errors import NotFound
from consultation.events.models import Event
from consultation.follow_up.dates import months_after
from consultation.follow_up.models import FollowUpUpdate, NewsSubscription, UpdateReview
from consultation.outcomes.models import (
    Commitment,
    Recommendation,
)
from consultation.outcomes.visibility import publicly_readable
from consultation.private_links import same_digest, token_hash
from consultation.registrations import consents
from consultation.registrations.consents import Consent
from consultation.registrations.models import Registration
from consultation.registrations.services import email_key
from consultation.registrations.signals import consents_recorded
from consultation.taxonomy.models import Series

INVALID_LINK = _l("This link does not stop any email: you may have stopped them already.")


@consents_recorded.connect
def follow_consent(registration: Registration) -> None:
    """The registration's choice, kept as a subscription of its own for the series."""
    event = db.session.get(Event, registration.event_id)
    if event is None or event.series_id is None:
        return
    key = email_key(registration.email)
    subscription = db.session.scalar(
        sa.select(NewsSubscription).where(
            NewsSubscription.series_id == event.series_id, NewsSubscription.email_key == key
        )
    )
    if not registration.follow_up_news or registration.anonymised_at is not None:
        if subscription is not None and subscription.registration_id == registration.id:
            db.session.delete(subscription)
        return
    if subscription is None:
        subscription = NewsSubscription(series_id=event.series_id, email_key=key)
        db.session.add(subscription)
    subscription.event_id = event.id
    subscription.registration_id = registration.id
    subscription.email = registration.email
    subscription.language = registration.language


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="follow-up-news")


def _address_digest(subscription: NewsSubscription) -> str:
    # Signed, not encrypted: the link must not show the address it was sent to.
    return token_hash(subscription.email_key)[:24]


def opt_out_token(subscription: NewsSubscription) -> str:
    return _serializer().dumps([subscription.id, _address_digest(subscription)])


def subscription_by_token(token: str) -> NewsSubscription:
    try:
        subscription_id, digest = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError) as error:
        raise NotFound(INVALID_LINK) from error
    subscription = db.session.get(NewsSubscription, subscription_id)
    if subscription is None or not same_digest(_address_digest(subscription), digest):
        raise NotFound(INVALID_LINK)
    return subscription


def opt_out(subscription: NewsSubscription) -> None:
    """No more emails; the registration, if it is still kept, records the withdrawal."""
    registration = (
        db.session.get(Registration, subscription.registration_id)
        if subscription.registration_id
        else None
    )
    db.session.delete(subscription)
    db.session.flush()
    if registration is not None and registration.follow_up_news:
        consents.withdraw(registration, Consent.FOLLOW_UP_NEWS)


@dataclass(frozen=True)
class Change:
    reference: str
    text: str
    status_before: object
    status: object
    reported_on: date


def _changes(series: Series, since: datetime, until: datetime) -> list[Change]:
    """Statuses published in the period on the series' items that anyone may read."""
    found = []
    for model, column in (
        (Recommendation, FollowUpUpdate.recommendation_id),
        (Commitment, FollowUpUpdate.commitment_id),
    ):
        rows = db.session.execute(
            sa.select(FollowUpUpdate, model)
            .join(model, model.id == column)
            .join(Event, Event.id == model.event_id)
            .where(
                Event.series_id == series.id,
                *publicly_readable(model),
                FollowUpUpdate.review == UpdateReview.PUBLISHED,
                FollowUpUpdate.reviewed_at > since,
                FollowUpUpdate.reviewed_at <= until,
                # Only the updates that moved their item (see updates.publish).
                FollowUpUpdate.previous_status.is_not(None),
            )
            .order_by(FollowUpUpdate.reviewed_at)
        ).all()
        found += [
            Change(
                item.reference,
                item.text,
                update.status_before,
                update.reported_status,
                update.reported_on,
            )
            for update, item in rows
        ]
    return sorted(found, key=lambda change: change.reference)


def send_news(today: date) -> int:
    """One email to each subscriber a month at most, when published statuses changed; only
    to an address its owner confirmed by opening their registration's link."""
    sent = 0
    # A publication that commits while the job reads is caught by the next email, not lost.
    until = now_utc() - timedelta(minutes=current_app.config["FOLLOW_UP_NEWS_SETTLING_MINUTES"])
    subscriptions = [
        subscription
        for subscription in db.session.scalars(
            sa.select(NewsSubscription)
            .join(Registration, Registration.id == NewsSubscription.registration_id)
            .where(Registration.email_confirmed_at.is_not(None))
            .order_by(NewsSubscription.id)
        )
        if subscription.last_sent_on is None or months_after(subscription.last_sent_on, 1) <= today
    ]
    series_by_id = {
        series.id: series
        for series in db.session.scalars(
            sa.select(Series).where(Series.id.in_({s.series_id for s in subscriptions}))
        )
    }
    changes_by_period: dict[tuple[int, datetime], list[Change]] = {}
    for subscription in subscriptions:
        period = (subscription.series_id, subscription.covered_until)
        if period not in changes_by_period:
            changes_by_period[period] = _changes(
                series_by_id[subscription.series_id], subscription.covered_until, until
            )
        changes = changes_by_period[period]
        if not changes:
            continue
        # Taken with one conditional UPDATE: a run at the same time finds it taken.
        taken = db.session.execute(
            sa.update(NewsSubscription)
            .where(
                NewsSubscription.id == subscription.id,
                NewsSubscription.covered_until == subscription.covered_until,
            )
            .values(covered_until=until, last_sent_on=today)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not taken:
            continue
        series = series_by_id[subscription.series_id]
        mail.send_email(
            subscription.email,
            _l("What has changed in the follow-up of %(series)s", series=series.name),
            "follow_up/news",
            subscription.language,
            event_id=subscription.event_id,
            series=series,
            changes=changes,
            page_url=mail.external_url("follow_up.public_page", code=series.code),
            opt_out_url=mail.external_url(
                "follow_up.news_opt_out", token=opt_out_token(subscription)
            ),
        )
        sent += 1
    return sent
