"""Who may export which report."""

from flask_babel import lazy_gettext as _l

from consultation.accounts.models import User
from consultation.errors import NotAllowed, NotFound
from consultation.events.access import EVENT_PAGE_OPTIONS, can_manage, can_see, event_by_slug
from consultation.events.models import Event
from consultation.outcomes.access import outcome_access
from consultation.reports.models import ReportKind


def can_export(event: Event, user: User, kind: ReportKind) -> bool:
    """The agenda is public like the agenda page; lists of participants are for the event's
    organisers; outcome reports for its whole team."""
    if kind is ReportKind.AGENDA:
        return can_see(event, user)
    if kind is ReportKind.PARTICIPANTS:
        return can_manage(event, user)
    if kind is ReportKind.SERIES_PROGRESS and event.series_id is None:
        return False
    return outcome_access(event, user).can_read


def report_event(slug: str, user: User, kind: ReportKind) -> Event:
    event = event_by_slug(slug, *EVENT_PAGE_OPTIONS)
    if not can_export(event, user, kind):
        if kind is ReportKind.AGENDA:
            raise NotFound(_l("There is no event at this address."))
        raise NotAllowed(_l("This report is for the event's team."))
    return event
