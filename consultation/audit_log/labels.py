"""The audit log in words. Entries keep codes (``to_status: confirmed``, ``columns:
["full_name", …]``), sealed by the hash chain as they were written, whatever the reader's
language; this is the one place that says what each code means. The words are translated
where the log is shown.

It names the codes of the features whose actions are logged, so only the log's page imports
it: those features import the audit services, never this.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from consultation.accounts.models import Role
from consultation.audit.models import AuditEvent
from consultation.db import LabelledEnum
from consultation.i18n import LANGUAGE_NAMES, listing
from consultation.registrations.consents import Consent
from consultation.registrations.exports import FILE_FORMATS, column_headings
from consultation.registrations.models import RegistrationStatus
from consultation.reports.models import Audience, ReportKind


def _member(enum_class: type[LabelledEnum], attribute: str = "label") -> Callable[[Any], str]:
    """A code shown as its member's label; one the code no longer knows, as it is."""

    def label(value: Any) -> str:
        try:
            return str(getattr(enum_class(value), attribute))
        except ValueError:
            return str(value)

    return label


def _one_of(labels: Mapping[str, str]) -> Callable[[Any], str]:
    return lambda value: str(labels.get(value, value))


def _columns(keys: list[str]) -> str:
    return listing(column_headings(keys))


def _settings(names: list[str]) -> str:
    return listing([str(SETTING_NAMES.get(name, name)) for name in names])


# The registration settings as the form names them (registrations.organisers.AUDITED_SETTINGS).
SETTING_NAMES = {
    "opens_at": _l("Registration opens"),
    "closes_at": _l("Registration closes"),
    "capacity": _l("Capacity"),
    "waitlist_enabled": _l("Put registrations on a waiting list when the event is full"),
    "moderation": _l("Confirmation"),
    "questions": _l("Optional questions to ask"),
    "retention_days": _l("Keep personal data for (days after the event)"),
}


@dataclass(frozen=True)
class DetailKind:
    label: str
    shown: Callable[[Any], str]


# Every key that ``audit.record`` is given, across the application.
DETAILS: dict[str, DetailKind] = {
    "from_status": DetailKind(_l("Previous status"), _member(RegistrationStatus)),
    "to_status": DetailKind(_l("New status"), _member(RegistrationStatus)),
    "from_role": DetailKind(_l("Previous role"), _member(Role)),
    "to_role": DetailKind(_l("New role"), _member(Role)),
    "format": DetailKind(_l("Format"), _one_of(FILE_FORMATS)),
    "columns": DetailKind(_l("Columns"), _columns),
    "rows": DetailKind(_l("Rows"), format_decimal),
    "kind": DetailKind(_l("Report"), _member(ReportKind)),
    "audience": DetailKind(_l("Audience"), _member(Audience, "short_label")),
    "language": DetailKind(_l("Language"), _one_of(LANGUAGE_NAMES)),
    "requested_by": DetailKind(
        _l("Requested by"),
        _one_of(
            {
                "participant": _l("the participant"),
                "organiser": _l("an organiser"),
                "owner": _l("the account's owner"),
                "administrator": _l("an administrator"),
            }
        ),
    ),
    "command_line_user": DetailKind(_l("System user"), str),
    "sensitive_cleared": DetailKind(_l("Sensitive answers cleared"), format_decimal),
    "anonymised": DetailKind(_l("Registrations anonymised"), format_decimal),
    "emails_deleted": DetailKind(_l("Emails deleted"), format_decimal),
    "report_files_deleted": DetailKind(_l("Stored report files deleted"), format_decimal),
    "speakers_anonymised": DetailKind(_l("Speakers' names removed"), format_decimal),
    "backups_deleted": DetailKind(_l("Old backups deleted"), format_decimal),
    "contacts_deleted": DetailKind(_l("Commitment owners' contacts deleted"), format_decimal),
    "subscriptions_deleted": DetailKind(_l("Participants' follow-up emails ended"), format_decimal),
    "merged_into": DetailKind(_l("Merged into organisation"), str),
    "registrations": DetailKind(_l("Registrations of the account"), format_decimal),
    "minutes": DetailKind(_l("For (minutes)"), format_decimal),
    "consent": DetailKind(_l("Consent"), _member(Consent)),
    "given": DetailKind(_l("Given"), _one_of({True: _l("yes"), False: _l("no")})),
    "version": DetailKind(_l("Notice version"), format_decimal),
    "settings": DetailKind(_l("Settings changed"), _settings),
    "items": DetailKind(
        _l("Items"),
        _one_of({"recommendations": _l("Recommendations"), "commitments": _l("Commitments")}),
    ),
    "registrations_erased": DetailKind(
        _l("Registrations erased too"), _one_of({True: _l("yes"), False: _l("no")})
    ),
}

# What an entry is about: "registration:42" is shown as "Registration 42".
SUBJECTS = {
    "registration": _l("Registration %(number)s"),
    "user": _l("Account %(number)s"),
    "report": _l("Report %(number)s"),
    "organisation": _l("Organisation %(number)s"),
    "series": _l("Series %(number)s"),
}


@dataclass(frozen=True)
class Detail:
    label: str
    value: str


def audit_details(entry: AuditEvent) -> list[Detail]:
    """The entry's details in words, in the order of ``DETAILS``; a key it does not know (an
    entry from another version) is shown as stored rather than hidden."""
    details = entry.details or {}
    known = [
        Detail(str(kind.label), "—" if details[key] is None else kind.shown(details[key]))
        for key, kind in DETAILS.items()
        if key in details
    ]
    unknown = [
        Detail(key, str(value)) for key, value in sorted(details.items()) if key not in DETAILS
    ]
    return known + unknown


def audit_subject(entry: AuditEvent) -> str:
    kind, _separator, number = (entry.subject or "").partition(":")
    if kind not in SUBJECTS:
        return entry.subject or ""
    return str(SUBJECTS[kind]) % {"number": number}
