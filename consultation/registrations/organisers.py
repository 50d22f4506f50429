"""What organisers look up and do with an event's registrations (search, counts, notes, and
looks at sensitive answers, which are logged), and the registration settings they save.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, selectinload

from consultation.accounts.models import User
from consultation.agenda.services import local_moment
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.db import db
from consultation.errors import ConsultationError, NotFound
from consultation.events.models import Event
from consultation.organisations.models import (
    Organisation,
    OrganisationLevel,
    OrganisationType,
)
from consultation.registrations import consents
from consultation.registrations.configuration import stored_settings
from consultation.registrations.models import (
    OPTIONAL_QUESTIONS,
    Moderation,
    Registration,
    RegistrationChange,
    RegistrationSettings,
    RegistrationStatus,
    registration_theme_interests,
)
from consultation.registrations.notifications import check_not_erased
from consultation.registrations.seats import set_capacity
from consultation.search import fold


def save_notes(registration: Registration, notes: str | None) -> None:
    """The organisers' notes are personal data: none is added once the data is erased."""
    check_not_erased(registration)
    registration.internal_notes = (notes or "").strip() or None


def record_sensitive_view(registration: Registration, viewer: User) -> None:
    """Gender, visa, accessibility and dietary answers can reveal health, religion or more:
    each look at them is logged."""
    if (
        registration.gender
        or registration.accessibility_needs
        or registration.dietary_requirements
        or registration.needs_visa_letter
    ):
        audit.record(
            AuditAction.SENSITIVE_ANSWERS_VIEWED,
            event_id=registration.event_id,
            subject=f"registration:{registration.id}",
            actor=viewer,
        )


def _event_moment(event: Event, local: datetime | None, field_name: str) -> datetime | None:
    if local is None:
        return None
    moment = local_moment(event, local.date(), local.time())
    if moment is None:
        raise ConsultationError(
            _l("This time does not exist on that day, when the clocks go forward."),
            field=field_name,
        )
    return moment.astimezone(UTC)


def update_settings(
    event: Event,
    opens_at: datetime | None,
    closes_at: datetime | None,
    capacity: int | None,
    waitlist_enabled: bool,
    moderation: Moderation,
    questions: list[str],
    privacy_notice: str,
    retention_days: int,
    editor: User | None,
) -> RegistrationSettings:
    """Change how the event takes registrations; ``opens_at`` and ``closes_at`` are wall-clock
    times in the event's zone. ``editor``: the organiser who does it (None when loaded)."""
    settings = stored_settings(event)
    before = _audited_settings(settings)
    opens, closes = (
        _event_moment(event, opens_at, "opens_at"),
        _event_moment(event, closes_at, "closes_at"),
    )
    if opens and closes and closes <= opens:
        raise ConsultationError(_l("Registration must close after it opens."), field="closes_at")
    longest = current_app.config["REGISTRATION_RETENTION_DAYS"]
    if not 1 <= retention_days <= longest:
        raise ConsultationError(
            _l("Enter between 1 and %(days)d days.", days=longest), field="retention_days"
        )
    settings.opens_at, settings.closes_at = opens, closes
    settings.waitlist_enabled = waitlist_enabled
    settings.moderation = moderation
    settings.questions = [question for question in OPTIONAL_QUESTIONS if question in questions]
    if (privacy_notice or "").strip() != (settings.privacy_notice or "").strip():
        # Consents name the version they agreed to, so a changed notice is a new version,
        # kept beside the old ones, and those registered are told.
        changed = bool(settings.privacy_notice)
        if changed:
            settings.privacy_notice_version += 1
        settings.privacy_notice = privacy_notice.strip()
        db.session.flush()
        consents.keep_notice(event.id, settings.privacy_notice_version, settings.privacy_notice)
        if changed:
            consents.tell_registrants_of_new_notice(event, settings.privacy_notice_version)
        audit.record(
            AuditAction.PRIVACY_NOTICE_CHANGED,
            event_id=event.id,
            actor=editor,
            version=settings.privacy_notice_version,
        )
    settings.retention_days = retention_days
    set_capacity(event, capacity)
    after = _audited_settings(settings)
    changed_settings = [name for name in after if after[name] != before[name]]
    if changed_settings:
        audit.record(
            AuditAction.REGISTRATION_SETTINGS_CHANGED,
            event_id=event.id,
            actor=editor,
            settings=changed_settings,
        )
    return settings


# The settings whose changes are audited, by the names the log shows them under.
AUDITED_SETTINGS = (
    "opens_at",
    "closes_at",
    "capacity",
    "waitlist_enabled",
    "moderation",
    "questions",
    "retention_days",
)


def _audited_settings(settings: RegistrationSettings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in AUDITED_SETTINGS}


SORTABLE = {
    "name": Registration.full_name,
    "registered": Registration.created_at,
    "status": Registration.status,
    "country": Registration.country_of_work,
    "organisation": Organisation.name_key,
}


@dataclass(frozen=True)
class RegistrationFilters:
    query: str | None = None
    status: RegistrationStatus | None = None
    organisation_type: OrganisationType | None = None
    organisation_level: OrganisationLevel | None = None
    country: str | None = None
    theme_id: int | None = None
    sort: str = "registered"
    descending: bool = False

    def as_query(self, **changes) -> dict[str, str]:
        values = {
            "q": self.query,
            "status": self.status.value if self.status else None,
            "type": self.organisation_type.value if self.organisation_type else None,
            "level": self.organisation_level.value if self.organisation_level else None,
            "country": self.country,
            "theme": str(self.theme_id) if self.theme_id else None,
            "sort": self.sort,
            "order": "desc" if self.descending else "asc",
        }
        values.update(changes)
        return {name: value for name, value in values.items() if value}


def search_registrations(event: Event, filters: RegistrationFilters, page: int, per_page: int):
    statement = (
        sa.select(Registration)
        # Outer: an erased registration has forgotten its private organisation.
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.event_id == event.id)
        # From the join the filters use, rather than from a second one of its own.
        .options(contains_eager(Registration.organisation))
    )
    query = fold(filters.query)
    if query:
        statement = statement.where(
            sa.or_(
                Registration.search_key.contains(query, autoescape=True),
                Organisation.search_key.contains(query, autoescape=True),
            )
        )
    if filters.status:
        statement = statement.where(Registration.status == filters.status)
    if filters.organisation_type:
        statement = statement.where(Organisation.type == filters.organisation_type)
    if filters.organisation_level:
        statement = statement.where(Organisation.level == filters.organisation_level)
    if filters.country:
        statement = statement.where(Registration.country_of_work == filters.country)
    if filters.theme_id:
        # The link table alone: the theme's id is all the filter needs.
        statement = statement.where(
            sa.exists().where(
                registration_theme_interests.c.registration_id == Registration.id,
                registration_theme_interests.c.theme_id == filters.theme_id,
            )
        )
    column = SORTABLE.get(filters.sort, Registration.created_at)
    statement = statement.order_by(column.desc() if filters.descending else column, Registration.id)
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)


@dataclass(frozen=True)
class RegistrationCounts:
    by_status: dict
    by_organisation_type: dict
    by_level: dict
    by_country: dict
    by_gender: dict


def registration_counts(event: Event) -> RegistrationCounts:
    """Counts of the event's registrations, one grouped query each, whatever their number."""

    def grouped(column, joined: bool = False) -> dict:
        statement = sa.select(column, sa.func.count(Registration.id)).where(
            Registration.event_id == event.id
        )
        if joined:
            statement = statement.join(
                Organisation, Organisation.id == Registration.organisation_id
            )
        rows = db.session.execute(
            statement.group_by(column).order_by(sa.func.count(Registration.id).desc())
        )
        return {value: count for value, count in rows}

    return RegistrationCounts(
        by_status=grouped(Registration.status),
        by_organisation_type=grouped(Organisation.type, joined=True),
        by_level=grouped(Organisation.level, joined=True),
        by_country=grouped(Registration.country_of_work),
        by_gender=grouped(Registration.gender),
    )


def registration_in_event(event: Event, registration_id: int) -> Registration:
    registration = db.session.scalar(
        sa.select(Registration)
        .where(Registration.id == registration_id, Registration.event_id == event.id)
        .options(
            selectinload(Registration.history).joinedload(RegistrationChange.actor),
            selectinload(Registration.theme_interests),
        )
    )
    if registration is None:
        raise NotFound(_l("There is no such registration for this event."))
    return registration


def registrations_by_id(event: Event, ids: list[int]) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.id.in_(ids))
            .order_by(Registration.full_name)
        )
    )
