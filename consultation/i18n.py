"""Choosing the interface language for each request."""

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

# Each language is named in itself, whatever the interface language.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}
RIGHT_TO_LEFT = frozenset({"ar"})


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def text_direction(locale: str) -> str:
    return "rtl" if locale in RIGHT_TO_LEFT else "ltr"


def country_name(code: str) -> str:
    """The country's name in the interface language, from its ISO 3166 code."""
    return get_locale().territories.get(code.upper(), code)
