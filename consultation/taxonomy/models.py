"""The shared taxonomies: the themes every event, session and recommendation is tagged with,
and the series whose editions events are."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from consultation import content_version
from consultation.db import db, now_utc
from consultation.multilingual import interface_language


class Series(db.Model):
    """A recurring consultation (e.g. "IOM–NGO Humanitarian Consultations"); events are editions."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # Short and stable: outcome references are built on it (MENA-2027-R07).
    code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    description: Mapped[str | None] = mapped_column(sa.Text)
    # Who may add editions to it (besides administrators): otherwise anyone's event could
    # take the series' references. None once their account is gone.
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    def __repr__(self) -> str:
        return f"<Series {self.code}>"


class Theme(db.Model):
    """A topic of the global taxonomy, named and described in every interface language."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    # #RRGGBB, chosen dark enough for white text
    colour: Mapped[str] = mapped_column(sa.String(7))
    position: Mapped[int] = mapped_column(default=0)
    name_en: Mapped[str] = mapped_column(sa.String(120))
    name_fr: Mapped[str] = mapped_column(sa.String(120))
    name_ar: Mapped[str] = mapped_column(sa.String(120))
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    description_fr: Mapped[str | None] = mapped_column(sa.Text)
    description_ar: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def name(self) -> str:
        return getattr(self, f"name_{interface_language()}")

    @property
    def description(self) -> str | None:
        return getattr(self, f"description_{interface_language()}") or self.description_en

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


# Every event's pages may show them (see content_version).
content_version.shown(Theme, site_wide=True)
content_version.shown(Series, site_wide=True)
