"""Every route of the application and the answer each kind of visitor gets (``MATRIX``), and
the world the route tests run in: shared by the access matrix, the query counts and the fuzzer,
each of which takes the ``world`` fixture as ``world = routes.world``."""

import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from consultation import private_links
from consultation.accounts import services as accounts
from consultation.accounts.models import Role, User
from consultation.agenda import services as agenda
from consultation.agenda.models import Attribution, Session, SpeakerRole
from consultation.db import db
from consultation.events import access as event_access
from consultation.events import services as events
from consultation.events.models import Event, EventStatus, PartnerRole, TeamRole
from consultation.follow_up import access as follow_up_access
from consultation.follow_up import contacts as follow_up_contacts
from consultation.follow_up import news as follow_up_news
from consultation.follow_up import register as follow_up_register
from consultation.follow_up import updates as follow_up_updates
from consultation.follow_up.models import NewsSubscription
from consultation.mail import OutboxMessage, OutboxStatus
from consultation.organisations.models import Organisation, OrganisationLevel, OrganisationType
from consultation.organisations.services import save_organisation
from consultation.outcomes import access as outcome_access
from consultation.outcomes import reading
from consultation.outcomes import review as outcome_review
from consultation.outcomes import services as outcomes
from consultation.outcomes.models import (
    Addressee,
    Priority,
)
from consultation.registrations import links as registration_links
from consultation.registrations import organisers as registration_organisers
from consultation.registrations import services as registrations
from consultation.registrations.models import (
    Moderation,
)
from consultation.reports import services as reports
from consultation.reports.models import Audience, ReportKind
from consultation.taxonomy.models import Series
from consultation.taxonomy.seed import seed_themes
from tests.factories import add_session
from tests.helpers import open_link

ROLES = (
    "anonymous",
    "participant",  # signed in; owns registration R1 of event A, whose link it opened
    "other_participant",  # signed in; owns R2, not R1, and opened R2's link
    "organiser",  # organiser on A's team
    "other_organiser",  # organiser of the draft event B only
    "rapporteur",  # rapporteur on A's team
    "policy",  # policy team on A's team
    "admin",
)


LOGIN = "login"  # 302 to /login?next=...


def row(*statuses) -> dict:
    """One status per role, in the order of ROLES: anonymous, participant, other_participant,
    organiser, other_organiser, rapporteur, policy, admin."""
    return dict(zip(ROLES, statuses, strict=True))


def _with(base: dict, overrides: dict) -> dict:
    unknown = set(overrides) - set(ROLES)
    assert not unknown, unknown
    return {**base, **overrides}


def public(status, **overrides):
    """The same answer for everyone."""
    return _with(dict.fromkeys(ROLES, status), overrides)


def signed_in(status, **overrides):
    """Anyone with an account."""
    return _with({**dict.fromkeys(ROLES, status), "anonymous": LOGIN}, overrides)


def staff(status, **overrides):
    """Any staff account (the dashboard)."""
    return _with(row(LOGIN, 403, 403, *(status,) * 5), overrides)


def event_creators(status, **overrides):
    """Accounts with the MANAGE_EVENTS permission, on any event: organisers and admins."""
    return _with(row(LOGIN, 403, 403, status, status, 403, 403, status), overrides)


def admins(status, **overrides):
    return _with(row(LOGIN, 403, 403, 403, 403, 403, 403, status), overrides)


def organisers(status, **overrides):
    """Event A's organisers and the administrators; an organiser of another event: 403."""
    return _with(row(LOGIN, 403, 403, status, 403, 403, 403, status), overrides)


def team(status, **overrides):
    """Event A's whole team (organisers, rapporteurs, policy) and the administrators."""
    return _with(row(LOGIN, 403, 403, status, 403, status, status, status), overrides)


def recorders(status, **overrides):
    """Those who record outcomes: A's organisers and rapporteurs, and administrators."""
    return team(status, policy=403, **overrides)


def link_holder(status, **overrides):
    """A participant's own registration, in the browser that opened its emailed link (see
    ``LINKS_OPENED``): anyone else, signed in or not, 403."""
    return _with({**dict.fromkeys(ROLES, 403), "participant": status}, overrides)


def contact_holder(status, **overrides):
    """A commitment owner's update page, in the browser that opened its emailed link (the
    other participant's, see ``LINKS_OPENED``): anyone else, 403."""
    return _with({**dict.fromkeys(ROLES, 403), "other_participant": status}, overrides)


def anonymous_only(status, **overrides):
    """Sign-in and sign-up: signed-in visitors are sent on (302)."""
    return _with({**dict.fromkeys(ROLES, 302), "anonymous": status}, overrides)


OUT = "/manage/events/<slug>/outcomes"


COLLECTION = "<any('key-points', 'recommendations', 'commitments'):collection>"


ITEM = f"{OUT}/sessions/<int:session_id>/{COLLECTION}/<int:item_id>"


SESSION = "/manage/events/<slug>/sessions/<int:session_id>"


REG = "/manage/events/<slug>/registrations"


REVIEW = "/manage/events/<slug>/organisations/<int:organisation_id>"


FOLLOW_UP = "/manage/follow-up/<any(recommendations, commitments):kind>/<int:item_id>"


FOLLOW_UP_COMMITMENT = "/manage/follow-up/commitments/<int:item_id>"


def follow_up_team(status, **overrides):
    """The series' organisers and policy team, and administrators; anyone else: not found."""
    return _with(row(LOGIN, 404, 404, status, 404, 404, status, status), overrides)


# Requested in this order (see the module's docstring).
MATRIX: dict[tuple[str, str], dict] = {
    # Public pages ------------------------------------------------------------------------------
    ("GET", "/"): public(200),
    ("GET", "/events"): public(200),
    ("GET", "/events/<slug>"): public(200),
    ("GET", "/events/<slug>/agenda"): public(200),
    ("GET", "/events/<slug>/agenda.ics"): public(200),
    ("GET", "/events/<slug>/agenda.pdf"): public(200),
    ("GET", "/events/<slug>/sessions/<int:session_id>"): public(200),
    ("GET", "/events/<slug>/sessions/<int:session_id>.ics"): public(200),
    ("GET", "/api/v1/events"): public(200),
    ("GET", "/api/v1/events/<slug>"): public(200),
    ("GET", "/api/v1/series/<code>/recommendations"): public(200),
    ("GET", "/api/v1/series/<code>/commitments"): public(200),
    ("GET", "/api/v1/openapi.json"): public(200),
    ("GET", "/themes.css"): public(200),
    ("GET", "/series/<code>/follow-up"): public(200),
    ("GET", "/series/<code>/follow-up/<int:year>"): public(200),
    # A participant's follow-up emails stop from any of them, signed in or not.
    ("GET", "/follow-up/news/stop/<token>"): public(200),
    ("POST", "/follow-up/news/stop/<token>"): public(302),
    ("GET", "/static/<path:filename>"): public(200),
    # Registering, and the emailed link (the token is the key, whoever holds it; it lets the
    # browser that opens it in, and the pages after it carry no token) --------------------------
    ("GET", "/events/<slug>/privacy-notice"): public(200),
    ("GET", "/events/<slug>/privacy-notice/<int:version>"): public(200),
    ("GET", "/events/<slug>/register"): public(200),
    ("POST", "/events/<slug>/register"): public(200),
    ("GET", "/registrations/<int:registration_id>"): link_holder(200),
    ("POST", "/registrations/<int:registration_id>"): link_holder(302),
    ("GET", "/registrations/<int:registration_id>/event.ics"): link_holder(200),
    ("POST", "/registrations/<int:registration_id>/cancel"): link_holder(302),
    ("GET", "/registrations/<int:registration_id>/data.json"): link_holder(200),
    # After the pages it opens: opening the link lets any browser in to the registration.
    ("GET", "/registrations/<int:registration_id>/<token>"): public(303),
    ("GET", "/follow-up/contacts/<int:contact_id>"): contact_holder(200),
    ("POST", "/follow-up/contacts/<int:contact_id>"): contact_holder(302),
    ("GET", "/follow-up/contacts/<int:contact_id>/<token>"): public(303),
    # After the link's rows: the link asked for again replaces it once opened.
    ("POST", "/events/<slug>/register/link"): public(200),
    # Accounts --------------------------------------------------------------------------------------
    ("GET", "/login"): anonymous_only(200),
    ("POST", "/login"): anonymous_only(422),  # a wrong password
    ("GET", "/signup"): anonymous_only(200),
    ("POST", "/signup"): anonymous_only(200),
    ("GET", "/password/forgot"): public(200),
    ("POST", "/password/forgot"): public(200),
    # The emailed link, kept in the session, then its form: each link before its own form.
    ("GET", "/password/reset/<token>"): public(303),
    ("GET", "/password/reset"): public(200),
    ("POST", "/password/reset"): public(422),  # no password: the link stays unused
    ("GET", "/activate/<token>"): public(303),
    ("GET", "/activate"): public(200),
    ("POST", "/activate"): public(422),
    ("POST", "/language"): public(302),
    ("GET", "/account"): signed_in(200),
    ("POST", "/account"): signed_in(302),
    ("GET", "/account/password"): signed_in(200),
    ("POST", "/account/password"): signed_in(422),  # a wrong current password
    ("GET", "/account/delete"): signed_in(200),
    ("POST", "/account/delete"): signed_in(422),  # a wrong password: nobody is deleted here
    ("GET", "/account/registrations"): signed_in(200),
    # After the link's rows too.
    ("POST", "/account/registrations/<int:registration_id>/open"): signed_in(404, participant=302),
    # Administration -------------------------------------------------------------------------------
    ("GET", "/admin/users"): admins(200),
    ("GET", "/admin/users/new"): admins(200),
    ("POST", "/admin/users/new"): admins(302),
    ("GET", "/admin/users/<int:user_id>"): admins(200),
    ("POST", "/admin/users/<int:user_id>/role"): admins(302),
    ("POST", "/admin/users/<int:user_id>/deactivate"): admins(302),
    ("POST", "/admin/users/<int:user_id>/reactivate"): admins(302),
    ("GET", "/admin/users/<int:user_id>/delete"): admins(200),
    ("POST", "/admin/users/<int:user_id>/delete"): admins(302),
    # Shared directories: organisations, themes, series ---------------------------------------------
    ("GET", "/manage/organisations/"): event_creators(200),
    ("GET", "/manage/organisations/new"): event_creators(200),
    ("POST", "/manage/organisations/new"): event_creators(302),
    ("GET", "/manage/organisations/<int:organisation_id>/edit"): event_creators(200),
    ("POST", "/manage/organisations/<int:organisation_id>/edit"): event_creators(302),
    ("POST", "/manage/organisations/<int:organisation_id>/delete"): admins(302),
    ("GET", "/manage/organisations/<int:organisation_id>/merge"): admins(200),
    ("POST", "/manage/organisations/<int:organisation_id>/merge"): admins(302),
    # What registrants typed: private to the event's organisers until they review it.
    ("GET", "/manage/events/<slug>/organisations/"): organisers(200),
    ("GET", f"{REVIEW}/merge"): organisers(200),
    ("POST", f"{REVIEW}/merge"): organisers(302),
    ("POST", f"{REVIEW}/approve"): organisers(302),
    ("POST", f"{REVIEW}/keep-private"): organisers(302),
    ("GET", "/manage/themes"): event_creators(200),
    ("GET", "/manage/themes/new"): event_creators(200),
    ("POST", "/manage/themes/new"): event_creators(302),
    ("GET", "/manage/themes/<int:theme_id>/edit"): admins(200),
    ("POST", "/manage/themes/<int:theme_id>/edit"): admins(302),
    ("GET", "/manage/series/new"): event_creators(200),
    ("POST", "/manage/series/new"): event_creators(302),
    # Organisers: events -----------------------------------------------------------------------------
    ("GET", "/manage/"): staff(200),
    ("GET", "/manage/events/new"): event_creators(200),
    ("POST", "/manage/events/new"): event_creators(302),
    ("GET", "/manage/events/<slug>"): organisers(200),
    ("GET", "/manage/events/<slug>/edit"): organisers(200),
    ("POST", "/manage/events/<slug>/edit"): organisers(302),
    ("GET", "/manage/events/<slug>/copy"): organisers(200),
    ("POST", "/manage/events/<slug>/copy"): organisers(302),
    ("POST", "/manage/events/<slug>/status"): organisers(302),  # to "published" again
    ("GET", "/manage/events/<slug>/partners"): organisers(200),
    ("POST", "/manage/events/<slug>/partners"): organisers(302),
    ("POST", "/manage/events/<slug>/partners/<int:partner_id>/delete"): organisers(302),
    ("GET", "/manage/events/<slug>/themes"): organisers(200),
    ("POST", "/manage/events/<slug>/themes"): organisers(302),
    ("GET", "/manage/events/<slug>/translations"): organisers(200),
    ("GET", "/manage/events/<slug>/translations/<any(en, fr, ar):language>"): organisers(200),
    ("POST", "/manage/events/<slug>/translations/<any(en, fr, ar):language>"): organisers(302),
    ("GET", "/manage/events/<slug>/team"): organisers(200),
    ("POST", "/manage/events/<slug>/team"): organisers(302),
    ("POST", "/manage/events/<slug>/team/<int:member_id>/delete"): organisers(302),
    ("GET", "/manage/events/<slug>/audit"): organisers(200),
    # Organisers: agenda ----------------------------------------------------------------------------
    ("GET", "/manage/events/<slug>/sessions/new"): organisers(200),
    ("POST", "/manage/events/<slug>/sessions/new"): organisers(302),
    ("GET", f"{SESSION}/edit"): organisers(200),
    ("POST", f"{SESSION}/edit"): organisers(302),
    ("POST", f"{SESSION}/speakers"): organisers(302),
    ("POST", f"{SESSION}/speakers/<int:speaker_id>/delete"): organisers(302),
    ("POST", f"{SESSION}/delete"): organisers(302),
    # Organisers: registrations (not the rapporteurs or the policy team) -------------------------
    ("GET", "/manage/events/<slug>/registration"): organisers(200),
    ("POST", "/manage/events/<slug>/registration"): organisers(422),  # no privacy notice
    ("GET", REG): organisers(200),
    ("POST", f"{REG}/bulk"): organisers(200),  # the confirmation step
    ("GET", f"{REG}/<int:registration_id>"): organisers(200),
    ("POST", f"{REG}/<int:registration_id>"): organisers(302),  # internal notes
    ("POST", f"{REG}/<int:registration_id>/status"): organisers(302),
    ("GET", f"{REG}/export"): organisers(200),
    ("POST", f"{REG}/export"): organisers(200),  # the CSV file
    ("POST", "/manage/events/<slug>/emails/<int:message_id>/resend"): organisers(302),
    # Outcomes: the whole team reads, organisers and rapporteurs record -------------------------
    ("GET", f"{OUT}/"): team(200),
    ("GET", f"{OUT}/sessions/<int:session_id>"): team(200),
    ("POST", f"{OUT}/sessions/<int:session_id>/summary"): recorders(302),
    ("POST", f"{OUT}/sessions/<int:session_id>/{COLLECTION}"): recorders(302),
    ("GET", f"{ITEM}/edit"): recorders(200),
    ("POST", f"{ITEM}/edit"): recorders(302),
    ("POST", f"{ITEM}/delete"): recorders(302),
    # After the deletion: the main item is then alone and moving it changes nothing (moving it
    # past a neighbour deletes the neighbour, see test_moving_an_item_keeps_its_neighbour).
    ("POST", f"{ITEM}/move"): recorders(302),
    # A session in review: organisers and the policy team approve; rapporteurs cannot.
    ("POST", f"{OUT}/sessions/<int:session_id>/review"): team(302, rapporteur=403),
    ("GET", f"{OUT}/conclusions"): team(200),
    ("POST", f"{OUT}/conclusions"): recorders(302),
    # Draft conclusions submitted: recorders may, the policy team may not.
    ("POST", f"{OUT}/conclusions/review"): recorders(302),
    # No previous edition of A's series to take up: refused, and sent back (302).
    ("POST", f"{OUT}/progress-session"): organisers(302),
    # Follow-up: the series' organisers and policy team, whatever edition their role is on;
    # an item is not found by anyone else. Organisers write updates, the policy team publishes.
    ("GET", "/manage/series/<code>/follow-up"): team(200, rapporteur=403),
    ("POST", "/manage/series/<code>/follow-up/export"): team(200, rapporteur=403),
    ("GET", "/manage/series/<code>/follow-up/reminders"): team(200, rapporteur=403),
    ("POST", "/manage/series/<code>/follow-up/reminders"): team(302, rapporteur=403),
    ("GET", FOLLOW_UP): follow_up_team(200),
    ("POST", f"{FOLLOW_UP}/updates"): follow_up_team(302),
    ("POST", f"{FOLLOW_UP_COMMITMENT}/contacts"): follow_up_team(302),
    ("POST", f"{FOLLOW_UP_COMMITMENT}/contacts/<int:contact_id>/link"): follow_up_team(302),
    ("POST", f"{FOLLOW_UP_COMMITMENT}/contacts/<int:contact_id>/delete"): follow_up_team(302),
    # Not published without the reason asked for (422): the policy team's and admins' only.
    ("POST", f"{FOLLOW_UP}/updates/<int:update_id>/review"): follow_up_team(422, organiser=403),
    # Reports ---------------------------------------------------------------------------------------
    ("GET", "/manage/events/<slug>/reports"): team(200),
    ("POST", "/manage/events/<slug>/reports"): team(303),  # the agenda, straight to its PDF
    ("GET", "/manage/events/<slug>/reports/preview"): team(200),
    ("GET", "/manage/events/<slug>/reports/<int:export_id>"): team(200),
    ("GET", "/manage/events/<slug>/reports/<int:export_id>.pdf"): team(200),
    # Erasing: after the reports, since it deletes the event's stored PDFs, and after the cancel
    # row, since both act on the spare registration and erasing kills its link -----------------
    ("POST", "/registrations/<int:registration_id>/erase"): link_holder(200),
    ("POST", "/manage/events/<slug>/registrations/<int:registration_id>/erase"): organisers(302),
    # Administrators outside the team break the glass to see sensitive answers.
    ("POST", "/manage/events/<slug>/sensitive-answers"): admins(302),
    # Last: signing out ----------------------------------------------------------------------------
    ("POST", "/logout"): public(302),
}


# The draft event B, organised by "other_organiser": nobody else outside its team sees it.
HIDDEN = row(404, 404, 404, 404, 200, 404, 404, 200)


DRAFT_EVENT_PAGES = [
    "/events/<slug>",
    "/events/<slug>/agenda",
    "/events/<slug>/agenda.ics",
    "/events/<slug>/agenda.pdf",
    "/events/<slug>/sessions/<int:session_id>",
    "/events/<slug>/sessions/<int:session_id>.ics",
    "/events/<slug>/register",
    "/events/<slug>/privacy-notice",
    "/api/v1/events/<slug>",
]


# URL arguments that are not the world's default for their name (see ``default_arguments``):
# rows that change or remove something act on a spare object.
ARGUMENTS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/registrations/<int:registration_id>/cancel"): {
        "registration_id": "spare_registration_id"
    },
    ("POST", "/registrations/<int:registration_id>/erase"): {
        "registration_id": "spare_registration_id"
    },
    # Not the spare the participant erases: an erased registration cannot be erased again.
    ("POST", "/manage/events/<slug>/registrations/<int:registration_id>/erase"): {
        "registration_id": "erasable_registration_id"
    },
    ("POST", "/admin/users/<int:user_id>/delete"): {"user_id": "deletable_user_id"},
    ("GET", "/password/reset/<token>"): {"token": "reset_token"},
    ("GET", "/activate/<token>"): {"token": "activation_token"},
    ("POST", "/manage/organisations/<int:organisation_id>/delete"): {
        "organisation_id": "unused_organisation_id"
    },
    ("GET", "/manage/organisations/<int:organisation_id>/merge"): {
        "organisation_id": "duplicate_organisation_id"
    },
    ("POST", "/manage/organisations/<int:organisation_id>/merge"): {
        "organisation_id": "duplicate_organisation_id"
    },
    ("GET", f"{REVIEW}/merge"): {"organisation_id": "proposed_organisation_id"},
    ("POST", f"{REVIEW}/merge"): {"organisation_id": "mergeable_organisation_id"},
    ("POST", f"{REVIEW}/approve"): {"organisation_id": "approvable_organisation_id"},
    ("POST", f"{REVIEW}/keep-private"): {"organisation_id": "keepable_organisation_id"},
    ("POST", "/manage/events/<slug>/partners/<int:partner_id>/delete"): {
        "partner_id": "spare_partner_id"
    },
    ("POST", "/manage/events/<slug>/team/<int:member_id>/delete"): {"member_id": "spare_member_id"},
    ("POST", f"{SESSION}/speakers/<int:speaker_id>/delete"): {"speaker_id": "spare_speaker_id"},
    ("POST", f"{SESSION}/delete"): {"session_id": "spare_session_id"},
    ("POST", f"{ITEM}/delete"): {"item_id": "spare"},
    ("GET", FOLLOW_UP): {"item_id": "commitment_id"},
    ("POST", f"{FOLLOW_UP}/updates"): {"item_id": "commitment_id"},
    ("POST", f"{FOLLOW_UP}/updates/<int:update_id>/review"): {"item_id": "commitment_id"},
    ("POST", f"{FOLLOW_UP_COMMITMENT}/contacts"): {"item_id": "commitment_id"},
    ("POST", f"{FOLLOW_UP_COMMITMENT}/contacts/<int:contact_id>/link"): {
        "item_id": "commitment_id",
        "contact_id": "spare_contact_id",
    },
    ("POST", f"{FOLLOW_UP_COMMITMENT}/contacts/<int:contact_id>/delete"): {
        "item_id": "commitment_id",
        "contact_id": "spare_contact_id",
    },
    ("GET", "/follow-up/contacts/<int:contact_id>/<token>"): {"token": "contact_token"},
    ("GET", "/follow-up/news/stop/<token>"): {"token": "news_token"},
    ("POST", "/follow-up/news/stop/<token>"): {"token": "news_token"},
    ("POST", f"{OUT}/sessions/<int:session_id>/review"): {"session_id": "review_session_id"},
}


QUERIES = {
    # The directory entry may have been renamed by then: the search offers it still.
    ("POST", f"{REVIEW}/merge"): "?q=directory",
    ("POST", "/manage/organisations/<int:organisation_id>/merge"): "?q=directory",
    ("GET", "/manage/events/<slug>/reports/preview"): "?kind=outcome&audience=public&language=en",
}


REGISTRATION_FORM = {
    "full_name": "Leila Mansour",
    "email": "leila@ngo.example",
    "organisation_id": "0",
    "new_organisation_name": "Tripoli Community Aid",
    "new_organisation_type": "local_ngo",
    "new_organisation_level": "local",
    "new_organisation_country": "LB",
    "job_title": "Protection officer",
    "country_of_work": "LB",
    "gender": "woman",
    "consent": "y",
}


EVENT_FORM = {
    "title": "Regional humanitarian consultation",
    "slug": "",
    "series_id": "0",
    "edition_year": "2027",
    "region": "mena",
    "city": "Amman",
    "country": "JO",
    "start_date": "2027-03-01",
    "end_date": "2027-03-03",
    "timezone": "Asia/Amman",
    "working_languages": ["en", "ar"],
    "content_language": "en",
}


SESSION_FORM = {
    "title": "Local capacity strengthening",
    "kind": "panel",
    "day": "2027-03-03",
    "start": "14:00",
    "end": "15:00",
    "room": "Hall C",
    "attribution": "chatham_house",
}


OUTCOME_ITEMS = {
    "key-point-text": "Access is shrinking.",
    "recommendation-text": "Negotiate regular access to detention centres.",
    "recommendation-addressees": ["iom", "states"],
    "recommendation-priority": "high",
    "commitment-text": "Map detention sites",
    "commitment-due_on": "2027-06-30",
}


ORGANISATION_FORM = {
    "name": "Sawa for Development and Aid",
    "type": "national_ngo",
    "level": "national",
    "country": "LB",
}


THEME_FORM = {
    "slug": "mental-health",
    "colour": "#0b5394",
    "name_en": "Mental health",
    "name_fr": "Santé mentale",
    "name_ar": "الصحة النفسية",
}


FORMS: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/events/<slug>/register"): REGISTRATION_FORM,
    ("POST", "/events/<slug>/register/link"): {"email": "p1@ngo.example"},
    ("POST", "/registrations/<int:registration_id>"): {
        **REGISTRATION_FORM,
        "organisation_id": "{host_id}",
        "full_name": "Participant One",
    },
    ("POST", "/login"): {"email": "p1@ngo.example", "password": "not the password"},
    ("POST", "/signup"): {"display_name": "New Person", "email": "new@ngo.example"},
    ("POST", "/password/forgot"): {"email": "p1@ngo.example"},
    ("POST", "/language"): {"language": "en", "next": "/events"},
    ("POST", "/account"): {"display_name": "Renamed", "language": "en"},
    ("POST", "/account/delete"): {"password": "not the password", "registrations": "keep"},
    ("POST", "/manage/events/<slug>/sensitive-answers"): {
        "reason": "A participant asked the helpdesk to check her answers"
    },
    ("POST", "/admin/users/<int:user_id>/delete"): {"registrations": "erase"},
    ("POST", "/account/password"): {
        "current_password": "not the password",
        "password": "a brand new passphrase",
        "password_confirm": "a brand new passphrase",
    },
    ("POST", "/admin/users/new"): {
        "display_name": "Invited Rapporteur",
        "email": "invited@iom.example",
        "role": "rapporteur",
        "language": "en",
    },
    ("POST", "/admin/users/<int:user_id>/role"): {"role": "rapporteur"},
    ("POST", "/manage/organisations/new"): ORGANISATION_FORM,
    ("POST", "/manage/organisations/<int:organisation_id>/merge"): {
        "into": "{directory_organisation_id}"
    },
    ("POST", f"{REVIEW}/merge"): {"into": "{directory_organisation_id}"},
    ("POST", "/manage/organisations/<int:organisation_id>/edit"): {
        **ORGANISATION_FORM,
        "name": "Directory Entry Renamed",
    },
    ("POST", "/manage/themes/new"): THEME_FORM,
    ("POST", "/manage/themes/<int:theme_id>/edit"): {**THEME_FORM, "slug": "renamed-theme"},
    ("POST", "/manage/series/new"): {"name": "West Africa Consultations", "code": "WA"},
    ("POST", "/manage/events/new"): {**EVENT_FORM, "title": "A brand new consultation"},
    ("POST", "/manage/events/<slug>/edit"): {
        **EVENT_FORM,
        "title": "Event A",
        "slug": "{slug}",
        "series_id": "{series_id}",
    },
    ("POST", "/manage/events/<slug>/copy"): {
        "title": "Event A, next edition",
        "start_date": "2028-03-06",
    },
    ("POST", "/manage/events/<slug>/status"): {"status": "published"},
    ("POST", "/manage/events/<slug>/partners"): {
        "organisation_id": "{directory_organisation_id}",
        "role": "sponsor",
    },
    ("POST", "/manage/events/<slug>/themes"): {"themes": ["{theme_id}"]},
    ("POST", "/manage/events/<slug>/team"): {"email": "invitee@iom.example", "role": "rapporteur"},
    ("POST", "/manage/events/<slug>/sessions/new"): SESSION_FORM,
    ("POST", f"{SESSION}/edit"): {
        **SESSION_FORM,
        "title": "Humanitarian access",
        "day": "2027-03-01",
        "start": "09:00",
        "end": "10:00",
        "room": "Hall A",
    },
    ("POST", f"{SESSION}/speakers"): {
        "speaker-role": "speaker",
        "speaker-user_id": "0",
        "speaker-name": "Hiba Saleh",
        "speaker-organisation_id": "0",
    },
    ("POST", f"{REG}/bulk"): {"status": "confirmed", "registration_id": ["{registration_id}"]},
    ("POST", f"{REG}/<int:registration_id>"): {"internal_notes": "Needs a visa letter."},
    ("POST", f"{REG}/<int:registration_id>/status"): {"status": "confirmed", "reason": "OK"},
    ("POST", f"{REG}/export"): {"columns": ["full_name", "email"], "file_format": "csv"},
    ("POST", f"{OUT}/sessions/<int:session_id>/summary"): {"summary": "We **agreed**."},
    ("POST", f"{OUT}/sessions/<int:session_id>/{COLLECTION}"): OUTCOME_ITEMS,
    ("POST", f"{ITEM}/edit"): OUTCOME_ITEMS,
    ("POST", f"{ITEM}/move"): {"direction": "down"},
    ("POST", "/manage/series/<code>/follow-up/export"): {
        "file_format": "csv",
        "kind": "commitments",
    },
    ("POST", f"{FOLLOW_UP}/updates"): {
        "reported_on": "2026-01-15",
        "status": "in_progress",
        "progress": "2",
        "text": "Sites mapped in two countries.",
        "language": "en",
    },
    ("POST", f"{FOLLOW_UP}/updates/<int:update_id>/review"): {"decision": "reject"},
    ("POST", "/manage/series/<code>/follow-up/reminders"): {
        "reminder_months": "3, 6, 12",
        "due_reminder_days": "14",
    },
    ("POST", f"{FOLLOW_UP_COMMITMENT}/contacts"): {
        "name": "Rana Haddad",
        "email": "rana@amel.example",
        "language": "ar",
    },
    ("POST", "/follow-up/contacts/<int:contact_id>"): {
        "reported_on": "2026-02-01",
        "status": "in_progress",
        "text": "Two sites mapped.",
        "language": "en",
    },
    ("POST", f"{OUT}/sessions/<int:session_id>/review"): {"step": "approve"},
    ("POST", f"{OUT}/conclusions"): {"executive_summary": "We agreed on three things."},
    ("POST", f"{OUT}/conclusions/review"): {"step": "submit"},
    ("POST", "/manage/events/<slug>/reports"): {
        "kind": "agenda",
        "audience": "public",
        "language": "en",
    },
}


ARGUMENT = re.compile(r"<(?:[^<>]*:)?(\w+)>")


ANY_CHOICES = re.compile(r"<any\(([^)]*)\):(\w+)>")


def default_arguments(world: SimpleNamespace) -> dict[str, Any]:
    """What each URL argument is, unless ``ARGUMENTS`` says otherwise: event A and its objects."""
    return {
        "slug": world.slug,
        "session_id": world.session_id,
        "registration_id": world.registration_id,
        "token": world.registration_token,
        "user_id": world.spare_user_id,
        "organisation_id": world.directory_organisation_id,
        "theme_id": world.theme_id,
        "message_id": world.message_id,
        "export_id": world.export_id,
        "partner_id": world.partner_id,
        "member_id": world.member_id,
        "speaker_id": world.speaker_id,
        "language": "ar",  # A's other working language ("en" is its original: 404)
        "code": world.series_code,
        "kind": "commitments",
        "update_id": world.pending_update_id,
        "contact_id": world.contact_id,
        "year": 2027,  # event A's edition
        "version": 1,  # of the privacy notice
        "filename": "css/app.css",
    }


def urls(method: str, rule: str, world: SimpleNamespace, **arguments: Any) -> list[str]:
    """The URLs that request a rule: one, or one per choice of an ``any(...)`` collection."""
    values = default_arguments(world)
    names = ARGUMENTS.get((method, rule), {})
    values.update({name: getattr(world, key) for name, key in names.items() if key != "spare"})
    values.update(arguments)
    collections = [None]
    choices = ANY_CHOICES.search(rule)
    if choices and choices.group(2) == "collection":
        collections = [choice.strip(" '") for choice in choices.group(1).split(",")]
    found = []
    for collection in collections:
        each = dict(values)
        if collection:
            each["collection"] = collection
            variant = "spare" if names.get("item_id") == "spare" else "main"
            each.setdefault("item_id", world.items[collection][variant])
        found.append(ARGUMENT.sub(lambda match, each=each: str(each[match.group(1)]), rule))
    return [url + QUERIES.get((method, rule), "") for url in found]


def form_data(method: str, rule: str, world: SimpleNamespace) -> dict[str, Any]:
    def fill(value):
        if isinstance(value, list):
            return [fill(each) for each in value]
        return value.format(**vars(world)) if isinstance(value, str) else value

    return {fill(name): fill(value) for name, value in FORMS.get((method, rule), {}).items()}


def request(client, method: str, url: str, data: dict, csrf_token: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={**data, "csrf_token": csrf_token})


def mismatch(response, expected) -> str | None:
    if expected == LOGIN:
        location = response.headers.get("Location", "")
        if response.status_code == 302 and location.startswith("/login"):
            return None
        return f"expected 302 to /login, got {response.status_code} {location}"
    if response.status_code != expected:
        return f"expected {expected}, got {response.status_code}"
    return None


EMAILS = {
    "participant": "p1@ngo.example",
    "other_participant": "p2@ngo.example",
    "organiser": "organiser@iom.example",
    "other_organiser": "other-organiser@iom.example",
    "rapporteur": "rapporteur@iom.example",
    "policy": "policy@iom.example",
    "admin": "admin@iom.example",
}


GLOBAL_ROLES = {
    "participant": Role.PARTICIPANT,
    "other_participant": Role.PARTICIPANT,
    "organiser": Role.ORGANISER,
    "other_organiser": Role.ORGANISER,
    "rapporteur": Role.RAPPORTEUR,
    "policy": Role.POLICY,
    "admin": Role.ADMIN,
}


def _organisation(name: str, acronym: str | None = None) -> Organisation:
    return save_organisation(
        None, name, acronym, OrganisationType.NATIONAL_NGO, OrganisationLevel.NATIONAL, "JO", None
    )


def _session(event: Event, title: str, day: date, start: int, room: str) -> Session:
    return add_session(
        event, title, start, day=day, room=room, attribution=Attribution.CHATHAM_HOUSE
    )


def _open_registration(event: Event, moderation: Moderation) -> None:
    yesterday = datetime.now(ZoneInfo(event.timezone)).replace(tzinfo=None) - timedelta(days=1)
    registration_organisers.update_settings(
        event,
        opens_at=yesterday.replace(second=0, microsecond=0),
        closes_at=None,
        capacity=None,
        waitlist_enabled=True,
        moderation=moderation,
        questions=["gender", "visa_letter"],
        privacy_notice="IOM and ICVA control your data; it is deleted 90 days after the event.",
        retention_days=90,
        editor=None,
    )


def _register(event: Event, name: str, email: str, organisation: Organisation | str, user=None):
    """A registration with an organisation of the directory, or one the registrant typed."""
    typed = organisation if isinstance(organisation, str) else None
    registration = registrations.register(
        event,
        email,
        "en",
        registrations.Answers(
            full_name=name,
            organisation_id=None if typed else organisation.id,
            new_organisation=registrations.NewOrganisation(
                typed, None, OrganisationType.LOCAL_NGO, OrganisationLevel.LOCAL, "JO"
            )
            if typed
            else None,
            job_title="Programme officer",
            country_of_work="JO",
        ),
        user=user,
    )
    return registration, registration_links.new_management_token(registration)


def _items(event: Event, session: Session, actor: User, organisation: Organisation) -> dict:
    """A key point, a recommendation and a commitment (and a spare one of each) on a session."""
    _, outcome = reading.outcome_for_session(event, session.id)
    outcomes.save_session_summary(outcome, "Access is shrinking.")
    found = {}
    for variant in ("main", "spare"):
        point = outcomes.add_key_point(outcome, f"Key point ({variant})")
        recommendation = outcomes.add_recommendation(
            event,
            outcome,
            outcomes.RecommendationDetails(
                f"Recommendation ({variant})", [Addressee.IOM], None, Priority.HIGH, []
            ),
        )
        commitment = outcomes.add_commitment(
            event,
            outcome,
            outcomes.CommitmentDetails(f"Commitment ({variant})", organisation.id, None),
        )
        db.session.flush()
        for collection, item in (
            ("key-points", point),
            ("recommendations", recommendation),
            ("commitments", commitment),
        ):
            found.setdefault(collection, {})[variant] = item.id
    return found


def _pending_update(event: Event, commitment_id: int, organiser: User) -> int:
    """An organiser's update on the main commitment, waiting for the policy team's review."""
    commitment, _ = follow_up_register.item_or_404("commitments", commitment_id)
    update = follow_up_updates.post_update(
        commitment,
        follow_up_updates.UpdateDetails(date(2026, 1, 10), "in_progress", "Work has started."),
        organiser,
        follow_up_access.event_access(event, organiser),
    )
    db.session.flush()
    return update.id


def _contacts(event: Event, commitment_id: int) -> dict[str, Any]:
    """The main commitment's owner's contact, with the token of their update link, and a
    spare one that the organisers' rows send a link to and remove."""
    commitment, _ = follow_up_register.item_or_404("commitments", commitment_id)
    contact = follow_up_contacts.add_contact(
        commitment, "Owner Contact", "owner@amel.example", "en"
    )
    spare = follow_up_contacts.add_contact(commitment, "Spare Contact", "spare@amel.example", "fr")
    token = private_links.new_token()
    contact.token_hash = private_links.token_hash(token)
    db.session.flush()
    return {"contact_id": contact.id, "contact_token": token, "spare_contact_id": spare.id}


def _news_subscription(event: Event, registration) -> str:
    """The participant's follow-up emails, and the token of the link that stops them."""
    subscription = NewsSubscription(
        series_id=event.series_id,
        event_id=event.id,
        registration_id=registration.id,
        email=registration.email,
        email_key=registration.email_key,
        language="en",
    )
    db.session.add(subscription)
    db.session.flush()
    return follow_up_news.opt_out_token(subscription)


@pytest.fixture
def world(app, make_user, make_event, add_to_team) -> SimpleNamespace:
    """Event A (published, registration open on approval) with everything its routes need;
    the draft event B of another organiser with the same kinds of objects."""
    users = {role: make_user(GLOBAL_ROLES[role], email=email) for role, email in EMAILS.items()}
    spare_user = make_user(Role.PARTICIPANT, email="spare@ngo.example")
    deletable_user = make_user(Role.PARTICIPANT, email="deletable@ngo.example")
    invitee = make_user(Role.RAPPORTEUR, email="invitee@iom.example", password=None)
    spare_rapporteur = make_user(Role.RAPPORTEUR, email="spare-rapporteur@iom.example")
    event_a = make_event(slug="event-a", title="Event A")
    event_b = make_event(EventStatus.DRAFT, slug="event-b", title="Event B")
    members = {
        role: add_to_team(event_a, users[role], team_role)
        for role, team_role in (
            ("organiser", TeamRole.ORGANISER),
            ("rapporteur", TeamRole.RAPPORTEUR),
            ("policy", TeamRole.POLICY),
        )
    }
    spare_member = add_to_team(event_a, spare_rapporteur, TeamRole.RAPPORTEUR)
    b_member = add_to_team(event_b, users["other_organiser"], TeamRole.ORGANISER)

    with app.app_context():
        themes = seed_themes()
        series = Series(
            name="IOM–NGO Humanitarian Consultations",
            code="MENA",
            owner_id=users["organiser"].id,
        )
        db.session.add(series)
        db.session.flush()
        db.session.get(Event, event_a.id).series_id = series.id
        events.set_event_themes(event_a, [theme.id for theme in themes[:3]])
        events.set_event_themes(event_b, [themes[0].id])
        db.session.flush()
        a, b = (
            db.session.get(
                Event, event.id, options=event_access.EVENT_PAGE_OPTIONS, populate_existing=True
            )
            for event in (event_a, event_b)
        )
        organiser = db.session.get(User, users["organiser"].id)
        other_organiser = db.session.get(User, users["other_organiser"].id)
        host = _organisation("Amel Association", "AMEL")
        spare_partner_organisation = _organisation("Basmeh and Zeitooneh")
        directory = _organisation("Directory Entry")
        unused = _organisation("Unused Entry")
        db.session.flush()
        partner = events.add_partner(a, host, PartnerRole.HOST)
        spare_partner = events.add_partner(a, spare_partner_organisation, PartnerRole.SPONSOR)
        b_partner = events.add_partner(b, host, PartnerRole.HOST)

        session = _session(a, "Humanitarian access", date(2027, 3, 1), 9, "Hall A")
        spare_session = _session(a, "Risk reduction", date(2027, 3, 1), 11, "Hall A")
        review_session = _session(a, "Duty of care", date(2027, 3, 2), 9, "Hall B")
        b_session = _session(b, "Accountability", date(2027, 3, 1), 9, "Hall A")
        speaker = agenda.add_speaker(session, SpeakerRole.SPEAKER, name="Rania Haddad")
        spare_speaker = agenda.add_speaker(session, SpeakerRole.SPEAKER, name="Omar Farouk")
        b_speaker = agenda.add_speaker(b_session, SpeakerRole.SPEAKER, name="Nour Khalil")

        _open_registration(a, Moderation.APPROVAL)
        _open_registration(b, Moderation.APPROVAL)
        participant = db.session.get(User, users["participant"].id)
        other_participant = db.session.get(User, users["other_participant"].id)
        r1, r1_token = _register(a, "Participant One", EMAILS["participant"], host, participant)
        r2, r2_token = _register(
            a, "Participant Two", EMAILS["other_participant"], host, other_participant
        )
        r3, r3_token = _register(a, "Participant Three", "p3@ngo.example", host)
        r4, _ = _register(a, "Participant Four", "p4@ngo.example", host)
        rb, _ = _register(b, "Participant Bee", "pb@ngo.example", host)
        # Organisations registrants typed, private to their registrations until reviewed.
        typed = {
            variant: _register(a, f"Typist {variant}", f"{variant}@ngo.example", name)[0]
            for variant, name in (
                ("proposed", "Hope Relief Gaziantep"),
                ("approvable", "Sunrise Aid"),
                ("keepable", "Quiet Helpers"),
                ("mergeable", "Directory Entry Gaziantep office"),
            )
        }
        rb_typed, _ = _register(b, "Typist Bee", "typist-b@ngo.example", "Bee Relief")
        duplicate = _organisation("Directory Entry Duplicate")
        db.session.commit()
        # One email about each event could not be delivered.
        messages = {}
        for event in (a, b):
            message = db.session.scalar(
                sa.select(OutboxMessage).where(OutboxMessage.event_id == event.id).limit(1)
            )
            message.status = OutboxStatus.FAILED
            # Like a sent one, a failed email keeps no text: Send again writes it anew.
            message.raw_message = b""
            messages[event.id] = message.id

        items = _items(a, session, organiser, host)
        b_items = _items(b, b_session, other_organiser, host)
        _, in_review = reading.outcome_for_session(a, review_session.id)
        outcomes.add_key_point(in_review, "To approve")
        outcome_review.take_review_step(
            in_review, "submit", outcome_access.OutcomeAccess(True, False), organiser
        )

        pending_update_id = _pending_update(a, items["commitments"]["main"], organiser)
        contact_fields = _contacts(a, items["commitments"]["main"])
        news_token = _news_subscription(a, r1)
        export = reports.record_export(a, ReportKind.OUTCOME, Audience.INTERNAL, "en", organiser)
        b_export = reports.record_export(
            b, ReportKind.OUTCOME, Audience.INTERNAL, "en", other_organiser
        )
        db.session.commit()
        export_id = export.id

        world = SimpleNamespace(
            users={role: user.id for role, user in users.items()},
            event_id=a.id,
            slug=a.slug,
            series_id=a.series_id,
            series_code=series.code,
            pending_update_id=pending_update_id,
            **contact_fields,
            news_token=news_token,
            theme_id=themes[0].id,
            host_id=host.id,
            directory_organisation_id=directory.id,
            unused_organisation_id=unused.id,
            duplicate_organisation_id=duplicate.id,
            **{
                f"{variant}_organisation_id": registration.organisation_id
                for variant, registration in typed.items()
            },
            partner_id=partner.id,
            spare_partner_id=spare_partner.id,
            member_id=members["rapporteur"].id,
            spare_member_id=spare_member.id,
            session_id=session.id,
            spare_session_id=spare_session.id,
            review_session_id=review_session.id,
            speaker_id=speaker.id,
            spare_speaker_id=spare_speaker.id,
            registration_id=r1.id,
            registration_token=r1_token,
            other_registration_id=r2.id,
            other_registration_token=r2_token,
            spare_registration_id=r3.id,
            spare_registration_token=r3_token,
            erasable_registration_id=r4.id,
            message_id=messages[a.id],
            export_id=export_id,
            items=items,
            commitment_id=items["commitments"]["main"],
            spare_user_id=spare_user.id,
            deletable_user_id=deletable_user.id,
            reset_token=accounts.make_token(
                db.session.get(User, invitee.id), accounts.TokenPurpose.RESET_PASSWORD
            ),
            activation_token=accounts.make_token(
                db.session.get(User, invitee.id), accounts.TokenPurpose.ACTIVATION
            ),
            # Event B and its objects, which no URL of event A may reach.
            b_event_id=b.id,
            b_slug=b.slug,
            b_session_id=b_session.id,
            b_ids={
                "session_id": b_session.id,
                "partner_id": b_partner.id,
                "member_id": b_member.id,
                "speaker_id": b_speaker.id,
                "registration_id": rb.id,
                "organisation_id": rb_typed.organisation_id,
                "message_id": messages[b.id],
                "export_id": b_export.id,
                "item_id": b_items,
            },
        )
    return world


# The emailed links each kind of visitor has opened in their browser, filled from the world:
# the participant their registration R1 and the spare one (the registration the cancel and
# erase rows act on), the other participant their R2 and the main commitment's update link.
LINKS_OPENED = {
    "participant": [
        "/registrations/{registration_id}/{registration_token}",
        "/registrations/{spare_registration_id}/{spare_registration_token}",
    ],
    # Also the contact who reports for the main commitment's owner.
    "other_participant": [
        "/registrations/{other_registration_id}/{other_registration_token}",
        "/follow-up/contacts/{contact_id}/{contact_token}",
    ],
}


def signed_in_client(app, role: str, world: SimpleNamespace | None = None):
    """A client signed in as ``role``; given the world, it has opened the links of
    ``LINKS_OPENED`` as their recipient would, and so holds the cookies they hand out."""
    client = app.test_client()
    if role != "anonymous":
        client.login(EMAILS[role])
    if world is not None:
        for link in LINKS_OPENED.get(role, []):
            open_link(client, link.format(**vars(world)))
    return client
