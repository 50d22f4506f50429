"""Seats and statuses: a registration moves from status to status, taking or freeing its
seat, and freed seats go to the waiting list.

Seats are taken with one conditional UPDATE on the event's settings row (``confirmed_count <
capacity``) and statuses change with one conditional UPDATE on the registration (``status =
:expected``), so concurrent requests can neither overbook the event nor confirm a registration
twice, on SQLite as on PostgreSQL (where ``SELECT ... FOR UPDATE`` would be ignored by SQLite).
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from consultation import content_version
from consultation.accounts.models import User
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.db import db, now_utc
from consultation.errors import Conflict, ConsultationError
from consultation.events.models import Event
from consultation.registrations.configuration import settings_for, stored_settings
from consultation.registrations.models import (
    Registration,
    RegistrationChange,
    RegistrationSettings,
    RegistrationStatus,
)
from consultation.registrations.notifications import check_not_erased, email_registrant


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


def recount_seats() -> None:
    """Sets every event's count of confirmed seats from its confirmed registrations: for
    registrations loaded in bulk (the demo, synthetic data at scale), which took no seat one
    by one."""
    confirmed = (
        sa.select(sa.func.count())
        .where(
            Registration.event_id == RegistrationSettings.event_id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .scalar_subquery()
    )
    db.session.execute(sa.update(RegistrationSettings).values(confirmed_count=confirmed))


def _seats_changed(event_id: int, changed: sa.Row | None) -> None:
    # The pages show the places left only when there is a capacity (see models).
    if changed is not None and changed.capacity is not None:
        content_version.bump_event(event_id)


def move_status(
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
    move_status(registration, to_status, actor, reason)
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
        move_status(first, RegistrationStatus.CONFIRMED, None, None)
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
