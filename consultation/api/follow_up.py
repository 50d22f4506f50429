"""The public follow-up of a series as JSON: what its "You said, we did" page shows, item by
item, paged."""

from math import ceil

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from consultation.errors import ConsultationError
from consultation.follow_up import public
from consultation.follow_up.access import series_by_code
from consultation.follow_up.models import FollowUpUpdate
from consultation.follow_up.register import series_themes
from consultation.forms import query_int
from consultation.mail import external_url
from consultation.taxonomy.models import Theme


def _update_record(update: FollowUpUpdate) -> dict:
    return {
        "reported_on": update.reported_on.isoformat(),
        "status": update.status,
        "progress": update.progress,
        "text": update.text,
        "language": update.language,
        "evidence_links": update.evidence_links,
    }


def _common(entry: public.PublicItem, themes: list[Theme]) -> dict:
    item = entry.item
    return {
        "reference": item.reference,
        "edition_year": entry.edition_year,
        "text": item.text,
        "status": item.status.value,
        "themes": [theme.slug for theme in themes],
        "updates": [_update_record(update) for update in entry.updates],
    }


def recommendation_record(entry: public.PublicItem, shown: set[int]) -> dict:
    item = entry.item
    return {
        **_common(entry, item.themes),
        "addressees": item.addressees,
        "other_addressee": item.other_addressee,
        "priority": item.priority.value,
        "follows": [earlier.reference for earlier in item.follows if earlier.id in shown],
    }


def commitment_record(entry: public.PublicItem, shown: set[int]) -> dict:
    item = entry.item
    return {
        **_common(entry, item.outcome.session.themes),
        # Named only where the commitment's session was on the record.
        "owner": entry.owner_name,
        "due_on": item.due_on.isoformat() if item.due_on else None,
        "progress": item.progress,
    }


RECORDS = {"recommendations": recommendation_record, "commitments": commitment_record}


def series_items(code: str, kind: str) -> dict:
    series = series_by_code(code)
    theme_slug = request.args.get("theme")
    theme_ids = {theme.slug: theme.id for theme in series_themes(series)}
    if theme_slug and theme_slug not in theme_ids:
        raise ConsultationError(_l("The series has no theme of that name."), field="theme")
    filters = public.PublicFilters(
        edition_year=request.args.get("edition", type=query_int),
        theme_id=theme_ids.get(theme_slug) if theme_slug else None,
        status=request.args.get("status") or None,
    )
    entries = public.public_items(series, kind, filters)
    per_page = current_app.config["API_ITEMS_PER_PAGE"]
    page = max(request.args.get("page", 1, type=query_int), 1)
    shown_entries = entries[(page - 1) * per_page : page * per_page]
    earlier = {other.id for entry in shown_entries for other in getattr(entry.item, "follows", ())}
    shown = public.publicly_shown(earlier)
    return {
        "series": {
            "code": series.code,
            "name": series.name,
            "url": external_url("follow_up.public_page", code=series.code),
        },
        kind: [RECORDS[kind](entry, shown) for entry in shown_entries],
        "page": page,
        "pages": max(ceil(len(entries) / per_page), 1),
        "total": len(entries),
    }
