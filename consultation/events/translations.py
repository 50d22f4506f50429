"""An event's texts in its other working languages: what is translated, and saving translations."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from consultation.errors import NotFound
from consultation.events import signals
from consultation.events.models import (
    Event,
)
from consultation.multilingual import Translatable

# Access --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TranslationProgress:
    language: str
    translated: int
    total: int

    @property
    def complete(self) -> bool:
        return self.translated == self.total


def translatable_texts(event: Event) -> list[Translatable]:
    """The event and the records of its that can be translated (``signals.translatable_texts``:
    its sessions, in agenda order)."""
    return [event, *signals.collected(signals.translatable_texts, event).get("texts", [])]


def translation_progress(subjects: list[Translatable]) -> list[TranslationProgress]:
    """For each of the event's other working languages, how many of its texts are translated."""
    event = subjects[0]
    texts = [
        (subject, field)
        for subject in subjects
        for field in subject.TRANSLATED_FIELDS
        if getattr(subject, field)
    ]
    return [
        TranslationProgress(
            language,
            sum(1 for subject, field in texts if subject.translation(language, field)),
            len(texts),
        )
        for language in event.other_working_languages
    ]


def check_translation_language(event: Event, language: str) -> None:
    if language not in event.other_working_languages:
        raise NotFound(_l("This language is not one of the event's other working languages."))


def translate(subjects: list[Translatable], language: str, texts) -> None:
    """Stores each subject's translation into ``language``; ``texts(subject)`` gives its
    translated fields, an empty one meaning "not translated"."""
    check_translation_language(subjects[0], language)
    for subject in subjects:
        subject.set_translations(language, texts(subject))
