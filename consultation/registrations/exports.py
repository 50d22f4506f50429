"""CSV and XLSX exports of an event's registrations, with the columns the organiser ticks,
formula-safe (see ``spreadsheets``). Every export is recorded: who, when, which columns, how
many rows.
"""

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from consultation import content_version
from consultation.accounts.models import User
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.db import db, now_utc
from consultation.events.models import Event
from consultation.i18n import country_name
from consultation.organisations.models import Organisation
from consultation.registrations.models import Registration, RegistrationStatus
from consultation.spreadsheets import spreadsheet


def _yes_no(value: bool) -> str:
    return str(_l("yes") if value else _l("no"))


def _of_organisation(registration: Registration, value: Callable[[Organisation], str]) -> str:
    # An erased registration has forgotten its private organisation.
    return value(registration.organisation) if registration.organisation else ""


# column key -> (heading, value of a registration). Gender is not among them: the form says
# it is used in anonymous statistics only, so it leaves the application only as counts.
COLUMNS: dict[str, tuple[str, Callable[[Registration], object]]] = {
    "full_name": (_l("Full name"), lambda r: r.full_name),
    "email": (_l("Email address"), lambda r: r.email),
    "organisation": (_l("Organisation"), lambda r: _of_organisation(r, lambda o: o.name)),
    "organisation_acronym": (
        _l("Acronym"),
        lambda r: _of_organisation(r, lambda o: o.acronym or ""),
    ),
    "organisation_type": (
        _l("Type of organisation"),
        lambda r: _of_organisation(r, lambda o: str(o.type.label)),
    ),
    "organisation_level": (
        _l("Level"),
        lambda r: _of_organisation(r, lambda o: str(o.level.label)),
    ),
    "job_title": (_l("Job title"), lambda r: r.job_title or ""),
    "country_of_work": (_l("Country of work"), lambda r: country_name(r.country_of_work)),
    "status": (_l("Status"), lambda r: str(r.status.label)),
    "registered_at": (_l("Registered"), lambda r: r.created_at.strftime("%Y-%m-%d %H:%M UTC")),
    "theme_interests": (
        _l("Themes of interest"),
        lambda r: ", ".join(t.label for t in r.theme_interests),
    ),
    "interpretation_languages": (
        _l("Interpretation into"),
        lambda r: ", ".join(r.interpretation_languages),
    ),
    "accessibility_needs": (_l("Accessibility needs"), lambda r: r.accessibility_needs or ""),
    "dietary_requirements": (_l("Dietary requirements"), lambda r: r.dietary_requirements or ""),
    "needs_visa_letter": (_l("Visa support letter"), lambda r: _yes_no(r.needs_visa_letter)),
    "listed_to_participants": (
        _l("On the list given to participants"),
        lambda r: _yes_no(r.listed_to_participants),
    ),
    "named_in_report": (
        _l("Named in the public outcome report"),
        lambda r: _yes_no(r.named_in_report),
    ),
    "agrees_to_photography": (
        _l("Agrees to be photographed"),
        lambda r: _yes_no(r.agrees_to_photography),
    ),
}
DEFAULT_COLUMNS = ("full_name", "organisation", "country_of_work", "status")
FILE_FORMATS = {"xlsx": _l("Excel (.xlsx)"), "csv": _l("CSV (.csv)")}


def column_headings(keys: list[str]) -> list[str]:
    """The headings of these columns; a column no longer offered keeps its key."""
    return [str(COLUMNS[key][0]) if key in COLUMNS else key for key in keys]


class RegistrationExport(db.Model):
    """A record of personal data leaving the application."""

    __tablename__ = "registration_exports"
    # The export page lists an event's latest exports.
    __table_args__ = (
        sa.Index("ix_registration_exports_event_id_created_at", "event_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    file_format: Mapped[str] = mapped_column(sa.String(4))
    columns: Mapped[list[str]] = mapped_column(sa.JSON)
    status_filter: Mapped[str | None] = mapped_column(sa.String(10))
    row_count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    user: Mapped[User | None] = relationship(lazy="joined")

    @property
    def column_headings(self) -> list[str]:
        return column_headings(self.columns)

    @property
    def file_format_label(self) -> str:
        return FILE_FORMATS.get(self.file_format, self.file_format)


content_version.not_shown(RegistrationExport)


def export_registrations(
    event: Event,
    user: User,
    columns: list[str],
    file_format: str,
    status: RegistrationStatus | None = None,
) -> bytes:
    columns = [key for key in COLUMNS if key in columns]
    statement = (
        sa.select(Registration)
        .where(Registration.event_id == event.id)
        .options(selectinload(Registration.theme_interests))
        .order_by(Registration.full_name, Registration.id)
    )
    if status:
        statement = statement.where(Registration.status == status)
    registrations = list(db.session.scalars(statement))
    header = column_headings(columns)
    rows = [[COLUMNS[key][1](r) for key in columns] for r in registrations]
    db.session.add(
        RegistrationExport(
            event_id=event.id,
            user_id=user.id,
            file_format=file_format,
            columns=columns,
            status_filter=status.value if status else None,
            row_count=len(rows),
        )
    )
    audit.record(
        AuditAction.REGISTRATIONS_EXPORTED,
        event_id=event.id,
        actor=user,
        format=file_format,
        columns=columns,
        rows=len(rows),
    )
    return spreadsheet(file_format, "Registrations", header, rows)


def recent_exports(event: Event) -> list[RegistrationExport]:
    return list(
        db.session.scalars(
            sa.select(RegistrationExport)
            .where(RegistrationExport.event_id == event.id)
            .order_by(RegistrationExport.created_at.desc())
            .limit(20)
        )
    )
