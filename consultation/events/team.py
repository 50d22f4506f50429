"""An event's team: who is on it, in which role; an event keeps at least one organiser."""

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from consultation.accounts.models import Role, User
from consultation.accounts.services import find_user_by_email
from consultation.db import db
from consultation.errors import Conflict, ConsultationError, NotFound
from consultation.events.access import TEAM_ROLE_PERMISSION
from consultation.events.models import (
    Event,
    EventMember,
    TeamRole,
)
from consultation.multilingual import isolated

# Access --------------------------------------------------------------------------------------


def event_team(event: Event) -> list[EventMember]:
    return list(
        db.session.scalars(
            sa.select(EventMember)
            .where(EventMember.event_id == event.id)
            .join(User)
            # From the join the order needs, rather than from a second one of its own.
            .options(contains_eager(EventMember.user))
            .order_by(EventMember.role, User.display_name)
        )
    )


def add_team_member(event: Event, email: str, role: TeamRole) -> EventMember:
    user = find_user_by_email(email)
    if user is None or not user.active or not user.can(TEAM_ROLE_PERMISSION[role]):
        # One answer for no account, a deactivated one and one whose role does not allow
        # it: the form must not tell who has an account here (participants do), nor its role.
        raise ConsultationError(
            _l(
                "No staff account that can take this role uses this address. An "
                "administrator can invite the person (Users, then Invite a staff member) or "
                "change their account's role; then add them here."
            ),
            field="email",
        )
    member = EventMember(event_id=event.id, user_id=user.id, role=role)
    try:
        with db.session.begin_nested():
            db.session.add(member)
    except IntegrityError as error:
        raise Conflict(
            # gettext, not _l: a lazy string counts as safe markup (it has __html__), so
            # the user's name it holds reached the page unescaped.
            gettext("%(name)s is already on the team.", name=isolated(user.display_name)),
            field="email",
        ) from error
    return member


def remove_team_member(event: Event, member_id: int, acting_user: User) -> None:
    member = db.session.get(EventMember, member_id)
    if member is None or member.event_id != event.id:
        raise NotFound(_l("This person is not on the team."))
    if member.role is TeamRole.ORGANISER and acting_user.role is not Role.ADMIN:
        organisers = db.session.scalar(
            sa.select(sa.func.count(EventMember.id)).where(
                EventMember.event_id == event.id, EventMember.role == TeamRole.ORGANISER
            )
        )
        if organisers <= 1:
            raise Conflict(_l("An event keeps at least one organiser on its team."))
    db.session.delete(member)
