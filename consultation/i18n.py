"""The interface language of each request, and lists named in it (countries, time zones)."""

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, time
from functools import cache

from babel import Locale
from babel.dates import format_skeleton
from babel.lists import format_list
from flask import current_app, has_request_context, request, session
from flask_babel import format_time, get_locale
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

# Each language is named in itself, whatever the interface language.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return (
        request.accept_languages.best_match(languages)
        or _event_language(languages)
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def _event_language(languages) -> str | None:
    """On an event's pages, a visitor whose browser names none of our languages gets the
    event's first working language (``PAGE_LANGUAGES``: a function of the slug, given by the
    events feature, which this module sits below)."""
    slug = (request.view_args or {}).get("slug")
    working_languages = current_app.extensions.get(PAGE_LANGUAGES)
    # A slug with a NUL character is refused before any query (PostgreSQL cannot compare it).
    if not slug or "\x00" in slug or working_languages is None:
        return None
    return next((code for code in working_languages(slug) or [] if code in languages), None)


PAGE_LANGUAGES = "page_languages"


def language_name(code: str) -> str:
    """The language's name in the interface language, e.g. "French" or "الفرنسية"."""
    return get_locale().languages.get(code, code)


def country_name(code: str | None) -> str:
    """The country's name in the interface language, from its ISO 3166 code; "—" for none
    (an erased participant's, forgotten)."""
    if not code:
        return "—"
    return get_locale().territories.get(code.upper(), code)


# Codes Babel knows that are not countries or territories of their own.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})


def country_choices() -> list[SelectChoice]:
    """Countries named in the interface language, in its alphabetical order."""
    return list(_country_choices(str(get_locale())))


@cache
def _country_choices(locale: str) -> tuple[SelectChoice, ...]:
    # Sorting some 250 names at each registration form was a good part of its time.
    territories = Locale.parse(locale).territories
    codes = [
        code
        for code in territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    codes.sort(key=lambda code: territories[code].casefold())
    return (SelectChoice("", "—"), *(SelectChoice(code, territories[code]) for code in codes))


@cache
def timezone_names() -> tuple[str, ...]:
    regional = (
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )
    return ("UTC", *sorted(regional))


def timezone_choices() -> list[SelectChoice]:
    return [SelectChoice(name, name.replace("_", " ")) for name in timezone_names()]


def event_time(moment: datetime) -> str:
    """A time of day in the zone the datetime carries (the event's), not the visitor's."""
    return format_time(moment, "short", rebase=False)


def day_and_time(moment: datetime, with_year: bool = False) -> str:
    """Weekday, day, month (and year) and time in the datetime's own zone, joined as the
    locale joins them: "Tue, May 11, 9:00 AM", "الثلاثاء، 11 مايو، 9:00 ص"."""
    locale = get_locale()
    day = format_skeleton("yMMMEd" if with_year else "MMMEd", moment, locale=locale)
    return locale.datetime_formats["medium"].format(event_time(moment), day)


def listing(items: Iterable) -> str:
    """Items joined as the locale lists them: "A, B, and C", "A, B et C", "A وB وC". Items
    that are markup (user text in its isolate, ``| map("isolate") | listing``) stay markup,
    and the others are escaped beside them."""
    items = list(items)
    if any(isinstance(item, Markup) for item in items):
        # The locale's patterns hold only words and punctuation: nothing to escape.
        return Markup(format_list([str(escape(item)) for item in items], locale=get_locale()))  # noqa: S704
    return format_list([str(item) for item in items], locale=get_locale())


def _offset(zone: zoneinfo.ZoneInfo, on: date) -> str:
    offset = datetime.combine(on, time(12), tzinfo=zone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def utc_offsets(zone_name: str, first_day: date, last_day: date) -> str:
    """The zone's offset over the days, e.g. "UTC+03:00", or "UTC+01:00 → UTC+02:00" when
    the clocks change in between."""
    zone = zoneinfo.ZoneInfo(zone_name)
    first, last = _offset(zone, first_day), _offset(zone, last_day)
    return first if first == last else f"{first} → {last}"
