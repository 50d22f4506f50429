"""Search keys: the form in which names are stored for searching and queries compared with
them, the same on SQLite and PostgreSQL (neither folds accents in LIKE, SQLite not even case
outside ASCII)."""

import unicodedata

# Between the texts of one key: a folded query holds no line break, so it never matches
# across two of them.
SEPARATOR = "\n"


def fold(text: str | None) -> str:
    """Lower case without accents, combining marks (Arabic vowel signs included) or invisible
    format characters, single spaces: "Adébáyọ̀" and "Ade\u200bbayo" are "adebayo"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = "".join(
        character
        for character in decomposed
        if not unicodedata.combining(character) and unicodedata.category(character) != "Cf"
    )
    return " ".join(kept.casefold().split())


def search_key(*texts: str | None) -> str:
    """The folded texts of one record, matched by ``column.contains(fold(query),
    autoescape=True)``, which takes % and _ in the query literally."""
    return SEPARATOR.join(fold(text) for text in texts if text)
