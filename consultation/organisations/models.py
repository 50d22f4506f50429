import re
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, validates

from consultation import content_version
from consultation.db import LabelledEnum, db, enum_type, now_utc
from consultation.search import search_key


class OrganisationType(LabelledEnum):
    INTERNATIONAL_NGO = "international_ngo"
    NATIONAL_NGO = "national_ngo"
    LOCAL_NGO = "local_ngo"
    NGO_NETWORK = "ngo_network"
    UN_AGENCY = "un_agency"
    RED_CROSS = "red_cross"
    GOVERNMENT = "government"
    DONOR = "donor"
    ACADEMIC = "academic"
    PRIVATE_SECTOR = "private_sector"
    OTHER = "other"

    @classmethod
    def labels(cls):
        return {
            cls.INTERNATIONAL_NGO: _l("International NGO"),
            cls.NATIONAL_NGO: _l("National NGO"),
            cls.LOCAL_NGO: _l("Local NGO / community-based organisation"),
            cls.NGO_NETWORK: _l("NGO network or consortium"),
            cls.UN_AGENCY: _l("UN agency or intergovernmental organisation"),
            cls.RED_CROSS: _l("Red Cross / Red Crescent"),
            cls.GOVERNMENT: _l("Government"),
            cls.DONOR: _l("Donor"),
            cls.ACADEMIC: _l("Academic / research"),
            cls.PRIVATE_SECTOR: _l("Private sector"),
            cls.OTHER: _l("Other"),
        }


class OrganisationLevel(LabelledEnum):
    INTERNATIONAL = "international"
    REGIONAL = "regional"
    NATIONAL = "national"
    LOCAL = "local"

    @classmethod
    def labels(cls):
        return {
            cls.INTERNATIONAL: _l("International"),
            cls.REGIONAL: _l("Regional"),
            cls.NATIONAL: _l("National"),
            cls.LOCAL: _l("Local"),
        }


class OrganisationStatus(LabelledEnum):
    """Whether an organisation is in the shared directory. What a registrant types stays
    private to their registration until an organiser approves it: a name appearing in every
    event's form would tell who registered."""

    APPROVED = "approved"
    # Typed by a registrant; waiting for an organiser of the event to review it.
    PROPOSED = "proposed"
    # Reviewed and kept private to its registration.
    PRIVATE = "private"

    @classmethod
    def labels(cls):
        return {
            cls.APPROVED: _l("In the directory"),
            cls.PROPOSED: _l("Waiting for review"),
            cls.PRIVATE: _l("Kept private"),
        }


def comparison_key(text: str | None) -> str | None:
    """Lower case, single spaces: "Save  the Children" and "save the children" are one."""
    if not text or not text.strip():
        return None
    return re.sub(r"\s+", " ", text).strip().casefold()


def _in_directory(name: str, column: str) -> sa.Index:
    """Unique among the directory only: a private organisation may share the name of another,
    and refusing it would tell its registrant that someone else had typed it."""
    approved = sa.text(f"status = '{OrganisationStatus.APPROVED.value}'")
    return sa.Index(name, column, unique=True, sqlite_where=approved, postgresql_where=approved)


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        _in_directory("uq_organisations_name_key", "name_key"),
        _in_directory("uq_organisations_acronym_key", "acronym_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    acronym: Mapped[str | None] = mapped_column(sa.String(40))
    # Duplicates in the directory are refused by the database on these keys, not only by the
    # form.
    name_key: Mapped[str] = mapped_column(sa.String(200))
    acronym_key: Mapped[str | None] = mapped_column(sa.String(40))
    # The name and acronym folded for searches (consultation/search.py), by set_search_key.
    search_key: Mapped[str] = mapped_column(sa.Text, server_default="")
    type: Mapped[OrganisationType] = mapped_column(enum_type(OrganisationType, "type"))
    level: Mapped[OrganisationLevel] = mapped_column(enum_type(OrganisationLevel, "level"))
    # ISO 3166-1 alpha-2 of the headquarters
    country: Mapped[str | None] = mapped_column(sa.String(2))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    status: Mapped[OrganisationStatus] = mapped_column(
        enum_type(OrganisationStatus, "status"),
        default=OrganisationStatus.APPROVED,
        server_default=OrganisationStatus.APPROVED.value,
        index=True,
    )
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    @validates("name", "acronym")
    def set_search_key(self, name: str, value: str | None) -> str | None:
        names = {"name": self.name, "acronym": self.acronym, name: value}
        self.search_key = search_key(names["name"], names["acronym"])
        return value

    @property
    def in_directory(self) -> bool:
        return self.status is OrganisationStatus.APPROVED

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    def __repr__(self) -> str:
        return f"<Organisation {self.short_name}>"


def _in_directory_before_or_after(organisation: Organisation, changed) -> bool:
    """The directory is offered on every registration form. A registrant's own organisation,
    kept out of it, must not move the form's version, or comparing versions would tell that
    someone registered."""
    status = sa.inspect(organisation).attrs.status.history
    return OrganisationStatus.APPROVED in (*status.deleted, *status.added, organisation.status)


content_version.shown(Organisation, site_wide=_in_directory_before_or_after)
