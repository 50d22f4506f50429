"""Registering and a registrant's own registration: one registration per address, the answers
and the organisation chosen or typed, and what the registrant does through their link.
"""

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from consultation.accounts.models import User
from consultation.db import db, now_utc
from consultation.errors import Conflict, ConsultationError, NotFound
from consultation.events.models import Event, event_themes
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
from consultation.registrations.configuration import (
    RegistrationClosed,
    Window,
    settings_for,
    window,
)
from consultation.registrations.links import new_management_token
from consultation.registrations.models import (
    Gender,
    Moderation,
    Registration,
    RegistrationChange,
    RegistrationSettings,
    RegistrationStatus,
)
from consultation.registrations.notifications import email_registrant
from consultation.registrations.seats import change_status, move_status, take_seat
from consultation.taxonomy.models import Theme

log = logging.getLogger(__name__)


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
    follow_up_news: bool = False


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
    registration.follow_up_news = answers.follow_up_news


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
        move_status(registration, RegistrationStatus.CONFIRMED, None, None)
        email_registrant(registration, "confirmed", token)
    elif settings.waitlist_enabled:
        move_status(registration, RegistrationStatus.WAITLISTED, None, None)
        email_registrant(registration, "waitlisted", token)
    else:
        move_status(registration, RegistrationStatus.DECLINED, None, "full")
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
