"""The French and Arabic catalogues are complete, consistent and used."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from consultation import PROJECT_ROOT
from tests.factories import configure, form
from tests.helpers import catalogue, translated

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
LANGUAGES = ("fr", "ar")


def messages(language: str):
    return [message for message in catalogue(language) if message.id]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    missing = []
    for message in messages(language):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == [], f"{len(missing)} message(s) untranslated or fuzzy in {language}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language):
    wrong = []
    for message in messages(language):
        if isinstance(message.id, tuple):
            allowed = set(PLACEHOLDER.findall(message.id[1]))
            required = allowed - {"num"}
            for form in message.string:
                found = set(PLACEHOLDER.findall(form))
                if not (required <= found <= allowed):
                    wrong.append(message.id[0])
        elif set(PLACEHOLDER.findall(message.string)) != set(PLACEHOLDER.findall(message.id)):
            wrong.append(message.id)
    assert wrong == []


def test_the_catalogues_hold_every_message_of_the_code(tmp_path: Path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_ngettext:1,2",
            # As in the Makefile: Babel would skip templates/_macros.
            "--ignore-dirs",
            ".* __pycache__",
            "--no-location",
            "-o",
            str(template),
            ".",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    with template.open("rb") as file:
        wanted = {message.id for message in read_po(file) if message.id}
    for language in LANGUAGES:
        known = {message.id for message in messages(language)}
        assert wanted - known == set(), f"run `make translations` and translate ({language})"


def test_pages_speak_the_visitors_language(client):
    french = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in french
    assert translated("fr", "Skip to main content") in french

    arabic = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic
    assert translated("ar", "Skip to main content") in arabic
    assert "bootstrap.rtl.min.css" in arabic


def test_an_events_pages_fall_back_to_its_first_working_language(client, make_event):
    event = make_event(working_languages=["fr", "en"])
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "de"})
    assert '<html lang="fr" dir="ltr">' in page.get_data(as_text=True)
    # A language the browser asks for still wins, and other pages keep the default.
    page = client.get(f"/events/{event.slug}", headers={"Accept-Language": "ar, de"})
    assert '<html lang="ar" dir="rtl">' in page.get_data(as_text=True)
    assert '<html lang="en"' in client.get("/", headers={"Accept-Language": "de"}).get_data(
        as_text=True
    )


def test_emails_go_out_in_the_language_the_participant_registered_in(app, outbox, make_event):
    event = make_event(working_languages=["ar", "fr", "en"])
    configure(app, event, capacity=5)
    client = app.test_client()
    headers = {"Accept-Language": "ar"}
    client.submit(f"/events/{event.slug}/register", form("amal@ngo.example"), headers=headers)
    [message] = outbox
    assert message["Content-Language"] == "ar"
    subject = translated("ar", "We received your registration: %(event)s")
    assert message["Subject"] == subject % {"event": event.title}
