import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from consultation.accounts.models import Permission, User
from consultation.db import db, now_utc
from consultation.errors import NotFound
from consultation.events.models import Event, EventStatus


def published_events(page: int) -> Pagination:
    """Published events: coming ones soonest first, then past ones most recent first."""
    is_over = sa.case((Event.end_date < now_utc().date(), 1), else_=0)
    statement = (
        sa.select(Event)
        .where(Event.status == EventStatus.PUBLISHED)
        .order_by(
            is_over,
            sa.case((is_over == 0, Event.start_date)),
            Event.start_date.desc(),
            Event.id,
        )
    )
    return db.paginate(
        statement, page=page, per_page=current_app.config["EVENTS_PER_PAGE"], error_out=False
    )


def can_see_drafts(user: User) -> bool:
    return user.is_authenticated and user.can(Permission.MANAGE_EVENTS)


def visible_event(slug: str, user: User) -> Event:
    """The event, if this visitor may see it; a draft is a 404 for everyone outside the team."""
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None or (not event.is_published and not can_see_drafts(user)):
        raise NotFound(_l("There is no published event at this address."))
    return event
