"""Text that organisers write in several languages: events and sessions carry their texts in
the event's first working language, and translations into its other working languages.

A page asks for a text in the visitor's language and gets it, or the original with its
language, so that the page can say so and mark the passage with ``lang`` and ``dir``.
"""

import unicodedata
from typing import ClassVar, NamedTuple

import sqlalchemy as sa
from flask_babel import get_locale
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape
from sqlalchemy.orm import Mapped, mapped_column

INTERFACE_LANGUAGES = ("en", "fr", "ar")
RIGHT_TO_LEFT = frozenset({"ar"})


def text_direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def writing_direction(text: "str | LocalizedText | None") -> str:
    """The direction of a text: from its language when it carries one, else from its first
    letter, as ``dir="auto"`` would find it; WeasyPrint ignores ``dir="auto"``, so PDFs need
    it decided here."""
    if isinstance(text, LocalizedText):
        return text_direction(text.language)
    for character in str(text or ""):
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


# Unicode's isolates, for plain text where no element can hold a direction (text emails).
LEFT_TO_RIGHT_ISOLATE, RIGHT_TO_LEFT_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2066", "\u2067", "\u2069"


def isolated(text: "str | LocalizedText | None", language: str | None = None) -> str:
    """User text between Unicode's isolate characters, in its own direction (see
    ``isolate``): for plain text, attributes, page titles and messages built in Python."""
    if text is None or text == "":
        return ""
    direction = text_direction(language) if language else writing_direction(text)
    mark = RIGHT_TO_LEFT_ISOLATE if direction == "rtl" else LEFT_TO_RIGHT_ISOLATE
    return f"{mark}{text}{POP_DIRECTIONAL_ISOLATE}"


@pass_eval_context
def isolate(context: EvalContext, text: "str | LocalizedText | None", language: str | None = None):
    """User text set apart from the sentence around it, in its own direction: a Latin name in
    an Arabic sentence (or the reverse) neither swaps halves nor takes the sentence's end
    punctuation. The direction comes from ``language``, the text's own language, or its first
    letter. HTML (pages, PDFs, HTML emails) gets a ``<bdi>`` with an explicit ``dir``, which
    WeasyPrint honours; plain text gets Unicode's isolate characters."""
    if not context.autoescape:
        return isolated(text, language)
    if text is None or text == "":
        return ""
    direction = text_direction(language) if language else writing_direction(text)
    language = language or (text.language if isinstance(text, LocalizedText) else None)
    lang = Markup(' lang="{}"').format(language) if language else Markup("")
    return Markup('<bdi dir="{}"{}>{}</bdi>').format(direction, lang, str(text))


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
