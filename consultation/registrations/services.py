"""Registration rules: the window, one registration per address, seats that cannot be
overbooked, the waiting list, the management link and the emails of every change.

Seats are taken with one conditional UPDATE on the event's settings row (``confirmed_count <
capacity``) and statuses change with one conditional UPDATE on the registration (``status =
:expected``), so concurrent requests can neither overbook the event nor confirm a registration
twice, on SQLite as on PostgreSQL (where ``SELECT ... FOR UPDATE`` would be ignored by SQLite).
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from consultation import content_version
from consultation.accounts.models import User
from consultation.agenda.services import local_moment
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.db import db, now_utc
from consultation.errors import Conflict, ConsultationError, NotFound
from consultation.events.models import Event, event_themes
from consultation.mail import OutboxMessage, OutboxStatus, external_url, send_email
from consultation.organisations.models import (
    Organisation,
    OrganisationLevel,
    OrganisationType,
)
from consultation.organisations.services import (
    delete_if_unused,
    directory_match,
    propose_organisation,
)
from consultation.registrations import consents
from consultation.registrations.models import (
    OPTIONAL_QUESTIONS,
    Gender,
    Moderation,
    Registration,
    RegistrationChange,
    RegistrationSettings,
    RegistrationStatus,
    registration_theme_interests,
)
from consultation.search import fold
from consultation.taxonomy.models import Theme

log = logging.getLogger(__name__)


class Window(StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


class RegistrationClosed(ConsultationError):
    status_code = 403


def _default_settings(event: Event) -> RegistrationSettings:
    return RegistrationSettings(
        event_id=event.id,
        opens_at=None,
        closes_at=None,
        capacity=None,
        confirmed_count=0,
        waitlist_enabled=True,
        moderation=Moderation.APPROVAL,
        questions=[],
        privacy_notice=None,
        privacy_notice_version=1,
        retention_days=current_app.config["REGISTRATION_RETENTION_DAYS"],
    )


def settings_for(event: Event) -> RegistrationSettings:
    """The event's registration settings; until an organiser saves some, unsaved defaults
    (registration closed), so that reading a page never writes."""
    return db.session.get(RegistrationSettings, event.id) or _default_settings(event)


def stored_settings(event: Event) -> RegistrationSettings:
    settings = db.session.get(RegistrationSettings, event.id)
    if settings is None:
        settings = _default_settings(event)
        try:
            with db.session.begin_nested():
                db.session.add(settings)
        except IntegrityError:
            # Saved by a concurrent request a moment ago.
            settings = db.session.get(RegistrationSettings, event.id)
    return settings


def retention_days(settings: RegistrationSettings) -> int:
    """Days after the event its registrations keep their personal data: the organisers'
    choice, never longer than the installation's ``REGISTRATION_RETENTION_DAYS``."""
    return min(settings.retention_days, current_app.config["REGISTRATION_RETENTION_DAYS"])


def window(settings: RegistrationSettings, now: datetime | None = None) -> Window:
    now = now or now_utc()
    if settings.opens_at is None or now < settings.opens_at:
        return Window.NOT_OPEN
    if settings.closes_at is not None and now >= settings.closes_at:
        return Window.CLOSED
    return Window.OPEN


# Management links ---------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_management_token(registration: Registration) -> str:
    """A fresh 256-bit token for the registration. Its first link is the registration's link
    at once; a later one waits, and replaces the current link when first opened."""
    token = secrets.token_urlsafe(32)
    if registration.management_token_hash is None:
        registration.management_token_hash = _token_hash(token)
    else:
        registration.pending_token_hash = _token_hash(token)
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
    digest = _token_hash(token)
    current = hmac.compare_digest(registration.management_token_hash, digest)
    pending = registration.pending_token_hash is not None and hmac.compare_digest(
        registration.pending_token_hash, digest
    )
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
    if registration is None or not hmac.compare_digest(registration.management_token_hash, digest):
        raise NotFound(INVALID_LINK)
    return registration


# Emails -------------------------------------------------------------------------------------


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


# Seats --------------------------------------------------------------------------------------


def take_seat(event_id: int) -> bool:
    """Take one confirmed seat if one is left; one statement, so two requests cannot both
    take the last seat."""
    settings = RegistrationSettings.__table__
    taken = db.session.execute(
        sa.update(settings)
        .where(
            settings.c.event_id == event_id,
            sa.or_(settings.c.capacity.is_(None), settings.c.confirmed_count < settings.c.capacity),
        )
        .values(confirmed_count=settings.c.confirmed_count + 1)
        .returning(settings.c.capacity)
        .execution_options(**{content_version.VERSIONED: True})
    ).first()
    _seats_changed(event_id, taken)
    return taken is not None


def free_seat(event_id: int) -> None:
    settings = RegistrationSettings.__table__
    freed = db.session.execute(
        sa.update(settings)
        .where(settings.c.event_id == event_id, settings.c.confirmed_count > 0)
        .values(confirmed_count=settings.c.confirmed_count - 1)
        .returning(settings.c.capacity)
        .execution_options(**{content_version.VERSIONED: True})
    ).first()
    _seats_changed(event_id, freed)


def _seats_changed(event_id: int, changed: sa.Row | None) -> None:
    # The pages show the places left only when there is a capacity (see models).
    if changed is not None and changed.capacity is not None:
        content_version.bump_event(event_id)


def _move(
    registration: Registration,
    to_status: RegistrationStatus,
    actor: User | None,
    reason: str | None,
) -> None:
    """Change the status if nobody changed it meanwhile, and record who did it and why."""
    from_status = registration.status
    values: dict = {"status": to_status, "updated_at": now_utc()}
    if to_status is RegistrationStatus.WAITLISTED:
        values["waitlisted_at"] = now_utc()
    changed = db.session.execute(
        sa.update(Registration)
        .where(Registration.id == registration.id, Registration.status == from_status)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise Conflict(_l("Someone changed this registration meanwhile. Reload and try again."))
    for name, value in values.items():
        sa.orm.attributes.set_committed_value(registration, name, value)
    db.session.add(
        RegistrationChange(
            registration_id=registration.id,
            from_status=from_status,
            to_status=to_status,
            actor_id=actor.id if actor else None,
            reason=(reason or "").strip() or None,
        )
    )
    audit.record(
        AuditAction.REGISTRATION_STATUS_CHANGED,
        event_id=registration.event_id,
        subject=f"registration:{registration.id}",
        actor=actor,
        from_status=from_status.value if from_status else None,
        to_status=to_status.value,
    )


def save_notes(registration: Registration, notes: str | None) -> None:
    """The organisers' notes are personal data: none is added once the data is erased."""
    check_not_erased(registration)
    registration.internal_notes = (notes or "").strip() or None


def record_sensitive_view(registration: Registration) -> None:
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
        )


# The email each new status sends; a registration put back to pending hears it was received.
EMAIL_KINDS = {RegistrationStatus.PENDING: "received"}


def organiser_statuses(settings: RegistrationSettings) -> list[RegistrationStatus]:
    """The statuses organisers may move registrations to: only participants cancel, and the
    waiting list only while it is on."""
    return [
        status
        for status in RegistrationStatus
        if status is not RegistrationStatus.CANCELLED
        and (status is not RegistrationStatus.WAITLISTED or settings.waitlist_enabled)
    ]


def next_statuses(registration: Registration) -> list[RegistrationStatus]:
    """Where an organiser may move this registration: nowhere once its data is erased."""
    if registration.anonymised_at is not None:
        return []
    return [
        status
        for status in organiser_statuses(settings_for(registration.event))
        if status is not registration.status
    ]


def change_status(
    registration: Registration,
    to_status: RegistrationStatus,
    actor: User | None,
    reason: str | None = None,
    notify: bool = True,
    promote: bool = True,
) -> None:
    """Move a registration to another status, taking or freeing its seat, and tell them.

    ``actor`` is None for the participant's own changes. With ``promote`` false the caller gives a
    freed seat to the waiting list itself (once, after several changes)."""
    check_not_erased(registration)
    from_status = registration.status
    if to_status is from_status:
        raise ConsultationError(
            _l("The registration is already: %(status)s.", status=to_status.label), field="status"
        )
    if actor is not None and to_status is RegistrationStatus.CANCELLED:
        raise ConsultationError(
            _l("Only participants cancel their registration; decline it instead."),
            field="status",
        )
    if (
        to_status is RegistrationStatus.WAITLISTED
        and not settings_for(registration.event).waitlist_enabled
    ):
        raise ConsultationError(
            _l("The waiting list is turned off in the registration settings."), field="status"
        )
    if to_status is RegistrationStatus.CONFIRMED and not take_seat(registration.event_id):
        raise Conflict(
            _l("The event is full: raise the capacity or move someone off the list first."),
            field="status",
        )
    _move(registration, to_status, actor, reason)
    if from_status is RegistrationStatus.CONFIRMED:
        free_seat(registration.event_id)
    if notify:
        email_registrant(registration, EMAIL_KINDS.get(to_status, to_status.value))
    if from_status is RegistrationStatus.CONFIRMED and promote:
        promote_waitlist(registration.event, skip={registration.id})


def promote_waitlist(event: Event, skip: set[int] | None = None) -> list[Registration]:
    """Give free seats to the waiting list, first come first served, and tell each one.
    Registrations in ``skip`` were just put where they are by an organiser: left there."""
    settings = settings_for(event)
    if not settings.waitlist_enabled:
        return []
    promoted = []
    while True:
        statement = (
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.WAITLISTED,
                # Anonymised on schedule while waiting: nobody left to give the seat to.
                Registration.anonymised_at.is_(None),
            )
            .order_by(Registration.waitlisted_at, Registration.id)
            .limit(1)
        )
        if skip:
            statement = statement.where(Registration.id.not_in(skip))
        first = db.session.scalar(statement)
        if first is None or not take_seat(event.id):
            return promoted
        _move(first, RegistrationStatus.CONFIRMED, None, None)
        email_registrant(first, "promoted")
        promoted.append(first)


def set_capacity(event: Event, capacity: int | None) -> None:
    settings = stored_settings(event)
    # Seats are counted by UPDATE statements the loaded object does not see: ask the database.
    confirmed = db.session.scalar(
        sa.select(RegistrationSettings.confirmed_count).where(
            RegistrationSettings.event_id == event.id
        )
    )
    if capacity is not None and capacity < confirmed:
        raise ConsultationError(
            _l(
                "%(count)d participants are already confirmed: the capacity cannot be lower.",
                count=confirmed,
            ),
            field="capacity",
        )
    grows = capacity is None or settings.capacity is None or capacity > settings.capacity
    settings.capacity = capacity
    db.session.flush()
    if grows:
        promote_waitlist(event)


# Registering --------------------------------------------------------------------------------


@dataclass
class NewOrganisation:
    name: str
    acronym: str | None
    type: OrganisationType
    level: OrganisationLevel
    country: str | None


@dataclass
class Answers:
    """What a registrant says about themselves; the optional questions may stay empty."""

    full_name: str
    organisation_id: int | None
    new_organisation: NewOrganisation | None
    job_title: str | None
    country_of_work: str
    gender: Gender | None = None
    theme_interests: list[int] = field(default_factory=list)
    interpretation_languages: list[str] = field(default_factory=list)
    accessibility_needs: str | None = None
    dietary_requirements: str | None = None
    needs_visa_letter: bool = False
    listed_to_participants: bool = False
    named_in_report: bool = False
    agrees_to_photography: bool = False


def _chosen_organisation(answers: Answers, current: Organisation | None) -> Organisation | None:
    """The organisation chosen from the directory (or kept: the registrant's own private one),
    or None when they typed a name instead; refused when they did neither."""
    if answers.organisation_id:
        organisation = db.session.get(Organisation, answers.organisation_id)
        if organisation is None or not (organisation.in_directory or organisation == current):
            raise ConsultationError(
                _l("Choose your organisation from the list."), field="organisation_id"
            )
        return organisation
    if answers.new_organisation is None or not answers.new_organisation.name.strip():
        raise ConsultationError(
            _l("Choose your organisation, or give its name below."), field="new_organisation_name"
        )
    return None


def _organisation(answers: Answers, current: Organisation | None) -> Organisation:
    """The organisation chosen, or the one typed: a directory organisation of that name or
    acronym, else a new one private to this registration."""
    chosen = _chosen_organisation(answers, current)
    if chosen is not None:
        return chosen
    new = answers.new_organisation
    return directory_match(new.name) or propose_organisation(
        new.name, new.type, new.level, new.country
    )


def check_answers(answers: Answers) -> None:
    """Refuses the answers of a registration form as ``register`` would, whether or not the
    address is registered already, with the same look-ups either way."""
    _chosen_organisation(answers, None)


def _apply_answers(
    registration: Registration, answers: Answers, settings: RegistrationSettings
) -> None:
    registration.full_name = " ".join(answers.full_name.split())
    previous = registration.organisation
    registration.organisation = _organisation(answers, previous)
    if previous is not None and previous != registration.organisation:
        # The private organisation they no longer work for is not kept.
        db.session.flush()
        delete_if_unused([previous.id])
    registration.job_title = (answers.job_title or "").strip() or None
    registration.country_of_work = answers.country_of_work
    # Questions the event does not ask are stored empty, whatever was posted.
    registration.gender = answers.gender if settings.asks("gender") else None
    wanted = list(answers.theme_interests) if settings.asks("theme_interests") else []
    registration.theme_interests = (
        list(
            db.session.scalars(
                sa.select(Theme).where(
                    Theme.id.in_(wanted),
                    Theme.id.in_(
                        sa.select(event_themes.c.theme_id).where(
                            event_themes.c.event_id == registration.event.id
                        )
                    ),
                )
            )
        )
        if wanted
        else []
    )
    registration.interpretation_languages = (
        list(answers.interpretation_languages) if settings.asks("interpretation_languages") else []
    )
    registration.accessibility_needs = (
        (answers.accessibility_needs or "").strip() or None
        if settings.asks("accessibility_needs")
        else None
    )
    registration.dietary_requirements = (
        (answers.dietary_requirements or "").strip() or None
        if settings.asks("dietary_requirements")
        else None
    )
    registration.needs_visa_letter = answers.needs_visa_letter and settings.asks("visa_letter")
    registration.listed_to_participants = answers.listed_to_participants
    registration.named_in_report = answers.named_in_report
    registration.agrees_to_photography = answers.agrees_to_photography


def email_key(email: str) -> str:
    """The address as compared for uniqueness. ``lower()``, not ``casefold()``: case folding
    would make "straße@" and "strasse@" one address, and can lengthen it."""
    key = email.strip().lower()
    if len(key) > 254:
        raise ConsultationError(_l("This email address is too long."), field="email")
    return key


def find_registration(event_id: int, email: str) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event_id, Registration.email_key == email_key(email)
        )
    )


def register(
    event: Event, email: str, language: str, answers: Answers, user: User | None = None
) -> Registration | None:
    """Register someone for the event and email them; None when the address was already
    registered, in which case its owner gets their management link again instead."""
    settings = settings_for(event)
    if window(settings) is not Window.OPEN:
        raise RegistrationClosed(_l("Registration for this event is not open."))
    existing = find_registration(event.id, email)
    if existing is None:
        registration = Registration(
            event=event,
            email=email.strip(),
            email_key=email_key(email),
            language=language,
            user_id=_owner(user, email),
            status=RegistrationStatus.PENDING,
            consented_at=now_utc(),
            privacy_notice_version=settings.privacy_notice_version,
            history=[],
            theme_interests=[],
        )
        _apply_answers(registration, answers, settings)
        token = new_management_token(registration)
        try:
            with db.session.begin_nested():
                db.session.add(registration)
        except IntegrityError:
            # The same address registered in a concurrent request a moment ago.
            existing = find_registration(event.id, email)
        else:
            db.session.add(
                RegistrationChange(
                    registration_id=registration.id, to_status=RegistrationStatus.PENDING
                )
            )
            consents.record_consents(registration, settings.privacy_notice_version)
            _first_decision(registration, settings, token)
            return registration
    if existing is not None and existing.anonymised_at is None:
        email_registrant(existing, "link")
    return None


def register_from_form(
    event_id: int, email: str, language: str, answers: Answers, user_id: int | None
) -> None:
    """``register``, run once the visitor has their answer (``check_answers`` came first)."""
    event = db.session.get(Event, event_id)
    user = db.session.get(User, user_id) if user_id is not None else None
    try:
        register(event, email, language, answers, user)
    except ConsultationError as error:
        # Registration closed, or the organisation chosen left the directory, since the form
        # was checked; the visitor can register again.
        db.session.rollback()
        log.warning("Registration for event %s not taken: %s", event_id, error)


def _first_decision(registration: Registration, settings: RegistrationSettings, token: str) -> None:
    log.info("Registration %s received for event %s", registration.id, registration.event_id)
    if settings.moderation is Moderation.APPROVAL:
        email_registrant(registration, "received", token)
    elif take_seat(registration.event_id):
        _move(registration, RegistrationStatus.CONFIRMED, None, None)
        email_registrant(registration, "confirmed", token)
    elif settings.waitlist_enabled:
        _move(registration, RegistrationStatus.WAITLISTED, None, None)
        email_registrant(registration, "waitlisted", token)
    else:
        _move(registration, RegistrationStatus.DECLINED, None, "full")
        email_registrant(registration, "declined", token)


def _owner(user: User | None, email: str) -> int | None:
    """The account a new registration belongs to: the signed-in user's, only when the address
    registered is the one they confirmed. Registering someone else's address must not let
    them open that person's registration from their account."""
    if user is None or not user.is_authenticated or user.email_confirmed_at is None:
        return None
    return user.id if email_key(user.email) == email_key(email) else None


def _owned_by(user: User):
    # Also checked when reading: a registration linked before the rule above keeps its owner
    # only if the address is theirs.
    return sa.and_(
        Registration.user_id == user.id,
        Registration.email_key == email_key(user.email),
        user.email_confirmed_at is not None,
    )


def registrations_of(user: User) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(_owned_by(user))
            .options(joinedload(Registration.event))
            .order_by(Registration.created_at.desc())
        )
    )


def registration_of(user: User, registration_id: int) -> Registration:
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.id == registration_id, _owned_by(user))
    )
    if registration is None:
        raise NotFound(_l("There is no such registration in your account."))
    return registration


def resend_link(event_id: int, email: str) -> None:
    """Send a new management link to the address if it is registered; say nothing either way.
    The link it holds replaces the current one once used (see ``registration_by_token``)."""
    registration = find_registration(event_id, email)
    if registration is not None and registration.anonymised_at is None:
        email_registrant(registration, "link")


def calendar_of(registration: Registration) -> Event:
    """The event whose calendar the registration's page offers, while it still runs."""
    if not registration.is_active:
        raise Conflict(_l("This registration is closed: the event is no longer in your plans."))
    return registration.event


def update_answers(registration: Registration, answers: Answers) -> None:
    settings = settings_for(registration.event)
    before = consents.consents_of(registration)
    _apply_answers(registration, answers, settings)
    db.session.flush()
    consents.record_consents(registration, settings.privacy_notice_version, before)


def cancel(registration: Registration) -> None:
    """The participant cancels through their link, which stays valid afterwards."""
    if not registration.is_active:
        raise Conflict(_l("This registration is already closed."))
    change_status(registration, RegistrationStatus.CANCELLED, actor=None)


# Settings -----------------------------------------------------------------------------------


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
) -> RegistrationSettings:
    """Change how the event takes registrations; ``opens_at`` and ``closes_at`` are wall-clock
    times in the event's zone."""
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
            version=settings.privacy_notice_version,
        )
    settings.retention_days = retention_days
    set_capacity(event, capacity)
    after = _audited_settings(settings)
    changed_settings = [name for name in after if after[name] != before[name]]
    if changed_settings:
        audit.record(
            AuditAction.REGISTRATION_SETTINGS_CHANGED, event_id=event.id, settings=changed_settings
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


# Organisers ---------------------------------------------------------------------------------

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


def change_many(
    registrations: list[Registration],
    to_status: RegistrationStatus,
    actor: User,
    reason: str | None,
) -> list[tuple[Registration, str]]:
    """Change each registration; the ones that cannot change (the event is full, say) are
    returned with the reason, and the others changed nonetheless. Seats freed go to the
    waiting list once, at the end, and never to someone the organiser chose in this action."""
    refused = []
    freed = False
    for registration in registrations:
        was_confirmed = registration.status is RegistrationStatus.CONFIRMED
        try:
            with db.session.begin_nested():
                change_status(registration, to_status, actor, reason, promote=False)
        except ConsultationError as error:
            refused.append((registration, str(error.message)))
        else:
            freed = freed or was_confirmed
    if freed:
        promote_waitlist(registrations[0].event, skip={each.id for each in registrations})
    return refused


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
