import re
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, validates

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


def comparison_key(text: str | None) -> str | None:
    """Lower case, single spaces: "Save  the Children" and "save the children" are one."""
    if not text or not text.strip():
        return None
    return re.sub(r"\s+", " ", text).strip().casefold()


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    acronym: Mapped[str | None] = mapped_column(sa.String(40))
    # Duplicates are refused by the database on these keys, not only by the form.
    name_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    acronym_key: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    # The name and acronym folded for searches (consultation/search.py), by set_search_key.
    search_key: Mapped[str] = mapped_column(sa.Text, server_default="")
    type: Mapped[OrganisationType] = mapped_column(enum_type(OrganisationType, "type"))
    level: Mapped[OrganisationLevel] = mapped_column(enum_type(OrganisationLevel, "level"))
    # ISO 3166-1 alpha-2 of the headquarters
    country: Mapped[str | None] = mapped_column(sa.String(2))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    @validates("name", "acronym")
    def set_search_key(self, name: str, value: str | None) -> str | None:
        names = {"name": self.name, "acronym": self.acronym, name: value}
        self.search_key = search_key(names["name"], names["acronym"])
        return value

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    def __repr__(self) -> str:
        return f"<Organisation {self.short_name}>"
