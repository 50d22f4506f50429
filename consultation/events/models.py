from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from consultation.db import db, enum_type, now_utc


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (sa.CheckConstraint("end_date >= start_date", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    city: Mapped[str] = mapped_column(sa.String(120))
    # ISO 3166-1 alpha-2
    country: Mapped[str] = mapped_column(sa.String(2))
    start_date: Mapped[date]
    end_date: Mapped[date]
    # IANA name, e.g. Europe/Istanbul
    timezone: Mapped[str] = mapped_column(sa.String(64))
    summary: Mapped[str | None] = mapped_column(sa.Text)
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    status: Mapped[EventStatus] = mapped_column(
        enum_type(EventStatus, "status"), default=EventStatus.DRAFT, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    @property
    def is_published(self) -> bool:
        return self.status is EventStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"
