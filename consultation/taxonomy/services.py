"""Themes and series: made, named, coloured legibly, and offered to those who may use them."""

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from consultation.accounts.models import Role, User
from consultation.db import db
from consultation.errors import Conflict, ConsultationError, NotFound
from consultation.taxonomy.models import Series, Theme

# Themes --------------------------------------------------------------------------------------


def all_themes() -> list[Theme]:
    return list(db.session.scalars(sa.select(Theme).order_by(Theme.position, Theme.slug)))


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on ``colour`` (#RRGGBB)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)
    return 1.05 / (luminance + 0.05)


def theme_or_404(theme_id: int) -> Theme:
    theme = db.session.get(Theme, theme_id)
    if theme is None:
        raise NotFound(_l("There is no such theme."))
    return theme


THEME_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
THEME_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


def save_theme(theme: Theme | None, slug: str, colour: str, **texts: str | None) -> Theme:
    """Create a theme (``theme`` None) or change one. Its colour must keep white text legible.

    Slug and colour end up in a stylesheet, so they are checked here, whatever the caller.
    """
    colour = colour.lower()
    if not THEME_SLUG.match(slug):
        raise ConsultationError(
            _l("Use lower-case letters, digits and hyphens only, e.g. mena-2027."), field="slug"
        )
    if not THEME_COLOUR.match(colour):
        raise ConsultationError(_l("Choose a colour."), field="colour")
    if contrast_with_white(colour) < 4.5:
        raise ConsultationError(
            _l("White text on this colour is hard to read: choose a darker colour."),
            field="colour",
        )
    if theme is None:
        position = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(Theme.position) + 1, 0))
        )
        theme = Theme(position=position)
    try:
        # Added and changed inside the savepoint: begin_nested() first flushes what is
        # pending outside it, so a slug already taken, set before, broke the whole
        # transaction and the form answered 500 instead of saying so.
        with db.session.begin_nested():
            db.session.add(theme)
            theme.slug = slug
            theme.colour = colour
            theme.set_texts(texts)
            db.session.flush()
    except IntegrityError as error:
        raise Conflict(_l("Another theme already uses this short name."), field="slug") from error
    return theme


# Series --------------------------------------------------------------------------------------


def all_series() -> list[Series]:
    return list(db.session.scalars(sa.select(Series).order_by(Series.name)))


def series_for(user: User, current: Series | None = None) -> list[Series]:
    """The series this user may put an event in: all of them for administrators, their own
    for the others, and the event's current one."""
    statement = sa.select(Series).order_by(Series.name)
    if user.role is not Role.ADMIN:
        statement = statement.where(
            sa.or_(Series.owner_id == user.id, Series.id == (current.id if current else None))
        )
    return list(db.session.scalars(statement))


def create_series(
    name: str, code: str, description: str | None, owner: User | None = None
) -> Series:
    series = Series(
        name=name.strip(),
        code=code.strip().upper(),
        description=description,
        owner_id=owner.id if owner else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(series)
    except IntegrityError as error:
        raise Conflict(
            _l("A series with this name or code already exists."), field="name"
        ) from error
    return series
