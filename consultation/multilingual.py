"""Text that organisers write in several languages: events and sessions carry their texts in
the event's first working language, and translations into its other working languages.

A page asks for a text in the visitor's language and gets it, or the original with its
language, so that the page can say so and mark the passage with ``lang`` and ``dir``.
"""

import unicodedata
from typing import ClassVar, NamedTuple

import sqlalchemy as sa
from flask_babel import get_locale
from markupsafe import Markup, escape
from sqlalchemy.orm import Mapped, mapped_column

INTERFACE_LANGUAGES = ("en", "fr", "ar")
RIGHT_TO_LEFT = frozenset({"ar"})


def text_direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def writing_direction(text: str | None) -> str:
    """The direction of a text of unknown language, from its first letter, as ``dir="auto"``
    would find it; WeasyPrint ignores ``dir="auto"``, so PDFs need it decided here."""
    for character in text or "":
        kind = unicodedata.bidirectional(character)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"


def interface_language() -> str:
    language = str(get_locale() or "en")
    return language if language in INTERFACE_LANGUAGES else "en"


class LocalizedText(NamedTuple):
    """A text and the language it is written in; ``foreign`` when that is not the language
    the page is shown in."""

    text: str
    language: str
    foreign: bool

    def __str__(self) -> str:
        return self.text

    @property
    def lang_attributes(self) -> Markup:
        """``lang`` and ``dir`` for the element holding a text in another language (PDF
        engines ignore ``dir="auto"``, so the direction is given)."""
        if not self.foreign:
            return Markup("")
        return Markup(' lang="{}" dir="{}"').format(self.language, text_direction(self.language))

    def __html__(self) -> Markup:
        if not self.foreign:
            return escape(self.text)
        return Markup("<span{}>{}</span>").format(self.lang_attributes, self.text)


class Translatable:
    """Mixin for a model whose ``TRANSLATED_FIELDS`` may be translated.

    ``translations`` maps a language code to the translated fields, e.g.
    ``{"ar": {"title": "…", "description": "…"}}``; a field left empty is not translated.
    """

    TRANSLATED_FIELDS: ClassVar[tuple[str, ...]]
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(
        sa.JSON, default=dict, server_default="{}"
    )

    @property
    def content_language(self) -> str:
        raise NotImplementedError

    def translation(self, language: str, field: str) -> str:
        return (self.translations or {}).get(language, {}).get(field) or ""

    def text(self, field: str, language: str | None = None) -> LocalizedText | None:
        """The field in ``language`` (the interface language by default), or else in the
        original language; None when the field is empty."""
        wanted = language or interface_language()
        original_language = self.content_language
        if wanted != original_language:
            translated = self.translation(wanted, field)
            if translated:
                return LocalizedText(translated, wanted, foreign=False)
        original = getattr(self, field)
        if not original:
            return None
        return LocalizedText(original, original_language, original_language != wanted)

    def set_translations(self, language: str, texts: dict[str, str | None]) -> None:
        """Replaces the translation into ``language``; empty texts are dropped."""
        kept = {
            field: text.strip()
            for field, text in texts.items()
            if field in self.TRANSLATED_FIELDS and text and text.strip()
        }
        # A new dict, so that the JSON column sees the change.
        translations = {code: dict(fields) for code, fields in (self.translations or {}).items()}
        if kept:
            translations[language] = kept
        else:
            translations.pop(language, None)
        self.translations = translations
