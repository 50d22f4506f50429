"""Consents and the privacy notices they are given under. Each consent a registrant gives
or withdraws is recorded with its time and the notice's version; every version of a notice
is kept, so that what someone agreed to can always be read again."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from consultation import content_version
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.db import LabelledEnum, db, enum_type, now_utc
from consultation.errors import NotFound
from consultation.mail import external_url, send_email
from consultation.registrations.models import ACTIVE_STATUSES, Registration
from consultation.registrations.signals import consents_recorded


class Consent(LabelledEnum):
    # Required: the processing the privacy notice describes.
    PROCESSING = "processing"
    # Name and organisation on the list given to the event's participants only.
    PARTICIPANTS_LIST = "participants_list"
    # Name and organisation in the public outcome report, which anyone may read.
    PUBLIC_REPORT = "public_report"
    PHOTOGRAPHY = "photography"
    # Emails, at most monthly, when the follow-up of the consultation's outcomes changes.
    FOLLOW_UP_NEWS = "follow_up_news"

    @classmethod
    def labels(cls):
        return {
            cls.PROCESSING: _l("Processing as the privacy notice describes"),
            cls.PARTICIPANTS_LIST: _l("On the list given to participants"),
            cls.PUBLIC_REPORT: _l("Named in the public outcome report"),
            cls.PHOTOGRAPHY: _l("Photographed at the event"),
            cls.FOLLOW_UP_NEWS: _l("Emails about the follow-up of the outcomes"),
        }


# The registration's column holding each optional consent.
CONSENT_COLUMNS = {
    Consent.PARTICIPANTS_LIST: "listed_to_participants",
    Consent.PUBLIC_REPORT: "named_in_report",
    Consent.PHOTOGRAPHY: "agrees_to_photography",
    Consent.FOLLOW_UP_NEWS: "follow_up_news",
}


class ConsentRecord(db.Model):
    """A consent given or withdrawn, when, and under which version of the notice."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    consent: Mapped[Consent] = mapped_column(enum_type(Consent, "consent"))
    given: Mapped[bool]
    notice_version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


class PrivacyNotice(db.Model):
    """One version of an event's privacy notice, kept as it was published."""

    __tablename__ = "privacy_notices"
    __table_args__ = (sa.UniqueConstraint("event_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


def record_consents(registration, notice_version: int, previous: dict | None = None) -> None:
    """Records the registration's consents: all of them when it is new (``previous`` None),
    else those that changed, each change also in the audit log."""
    if previous is None:
        db.session.add(
            ConsentRecord(
                registration_id=registration.id,
                consent=Consent.PROCESSING,
                given=True,
                notice_version=notice_version,
            )
        )
    for consent, column in CONSENT_COLUMNS.items():
        given = bool(getattr(registration, column))
        if previous is not None and previous[consent] == given:
            continue
        if consent is Consent.FOLLOW_UP_NEWS and previous is None and not given:
            # Asked only of a series' editions: recorded once given.
            continue
        db.session.add(
            ConsentRecord(
                registration_id=registration.id,
                consent=consent,
                given=given,
                notice_version=notice_version,
            )
        )
        if previous is not None:
            audit.record(
                AuditAction.CONSENT_CHANGED,
                event_id=registration.event_id,
                subject=f"registration:{registration.id}",
                # The participant, through their link: no account acts.
                actor=None,
                consent=consent.value,
                given=given,
            )
    consents_recorded.send(registration)


def withdraw(registration, consent: Consent) -> None:
    """The participant withdraws one consent from outside their registration's page (an
    email's opt-out link); recorded like a change there."""
    before = consents_of(registration)
    setattr(registration, CONSENT_COLUMNS[consent], False)
    record_consents(registration, registration.privacy_notice_version, before)


def consents_of(registration) -> dict:
    return {
        consent: bool(getattr(registration, column)) for consent, column in CONSENT_COLUMNS.items()
    }


def consent_history(registration_id: int) -> list[ConsentRecord]:
    return list(
        db.session.scalars(
            sa.select(ConsentRecord)
            .where(ConsentRecord.registration_id == registration_id)
            .order_by(ConsentRecord.created_at, ConsentRecord.id)
        )
    )


def keep_notice(event_id: int, version: int, text: str) -> None:
    db.session.add(PrivacyNotice(event_id=event_id, version=version, text=text))


def notice_version(event_id: int, version: int, settings) -> PrivacyNotice:
    """A version of the event's notice; the current one is the settings' text when it was
    never kept (set before versions were kept, or copied with a new edition)."""
    notice = db.session.scalar(
        sa.select(PrivacyNotice).where(
            PrivacyNotice.event_id == event_id, PrivacyNotice.version == version
        )
    )
    if notice is None and version == settings.privacy_notice_version and settings.privacy_notice:
        return PrivacyNotice(
            event_id=event_id,
            version=version,
            text=settings.privacy_notice,
            created_at=None,
        )
    if notice is None:
        raise NotFound(_l("This event has no privacy notice of that version."))
    return notice


def notice_versions(event_id: int) -> list[PrivacyNotice]:
    return list(
        db.session.scalars(
            sa.select(PrivacyNotice)
            .where(PrivacyNotice.event_id == event_id)
            .order_by(PrivacyNotice.version.desc())
        )
    )


def tell_registrants_of_new_notice(event, version: int) -> int:
    """Emails every registrant still taking part that the notice changed, with a link to
    read it; their consents stay as given, and they may change them from their link."""
    registrants = db.session.scalars(
        sa.select(Registration).where(
            Registration.event_id == event.id,
            Registration.status.in_(ACTIVE_STATUSES),
            Registration.anonymised_at.is_(None),
        )
    )
    told = 0
    for registration in registrants:
        tell_of_notice(registration, version)
        told += 1
    return told


def tell_of_notice(registration: Registration, version: int) -> None:
    event = registration.event
    title = event.text("title", registration.language).text
    send_email(
        registration.email,
        _l("The privacy notice has changed: %(event)s", event=title),
        "registrations/notice_changed",
        registration.language,
        event_id=event.id,
        registration_id=registration.id,
        registration=registration,
        event=event,
        version=version,
        notice_url=external_url("privacy_notices.notice", slug=event.slug, version=version),
    )


content_version.not_shown(ConsentRecord, PrivacyNotice)
