"""The shared taxonomies: the themes every event, session and recommendation is tagged with,
and the series whose editions events are."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from consultation import content_version
from consultation.db import db, now_utc
from consultation.multilingual import INTERFACE_LANGUAGES, LocalizedText, Translatable


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
    # Follow-up reminders to commitments' owners: so many months after each edition ends,
    # and so many days before a commitment's due date.
    reminder_months: Mapped[list[int]] = mapped_column(sa.JSON, default=lambda: [3, 6, 12])
    due_reminder_days: Mapped[int] = mapped_column(default=14)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    def __repr__(self) -> str:
        return f"<Series {self.code}>"


class Theme(Translatable, db.Model):
    """A topic of the global taxonomy, named and described in English and translated into
    every other interface language."""

    __tablename__ = "themes"
    TRANSLATED_FIELDS = ("name", "description")

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    # #RRGGBB, chosen dark enough for white text
    colour: Mapped[str] = mapped_column(sa.String(7))
    position: Mapped[int] = mapped_column(default=0)
    # In English; the other languages are in ``translations``.
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def content_language(self) -> str:
        return "en"

    @property
    def label(self) -> str:
        """The name in the interface language."""
        return self.text("name").text

    @property
    def explanation(self) -> LocalizedText | None:
        """The description in the interface language, or else in English; None without one."""
        return self.text("description")

    def texts(self) -> dict[str, str | None]:
        """The names and descriptions by language (``name_fr``...), as the theme form edits
        them."""
        texts: dict[str, str | None] = {"name_en": self.name, "description_en": self.description}
        for language in INTERFACE_LANGUAGES:
            if language != self.content_language:
                for field in self.TRANSLATED_FIELDS:
                    texts[f"{field}_{language}"] = self.translation(language, field) or None
        return texts

    def set_texts(self, texts: dict[str, str | None]) -> None:
        """Takes ``texts`` as ``texts()`` gives them; an empty one is dropped."""
        self.name = (texts["name_en"] or "").strip()
        self.description = (texts.get("description_en") or "").strip() or None
        for language in INTERFACE_LANGUAGES:
            if language != self.content_language:
                self.set_translations(
                    language,
                    {field: texts.get(f"{field}_{language}") for field in self.TRANSLATED_FIELDS},
                )

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


# Every event's pages may show them (see content_version).
content_version.shown(Theme, site_wide=True)
content_version.shown(Series, site_wide=True)
