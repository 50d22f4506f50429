"""Events and their editions: made, changed, copied into a new edition, with their partners and themes."""

import html
import re
import unicodedata
from datetime import date

import nh3
import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from consultation.accounts.models import Role, User
from consultation.db import db
from consultation.errors import Conflict, ConsultationError, NotAllowed, NotFound
from consultation.events import signals
from consultation.events.models import (
    Event,
    EventMember,
    EventPartner,
    EventStatus,
    PartnerRole,
    TeamRole,
)
from consultation.multilingual import isolated
from consultation.organisations.models import Organisation
from consultation.taxonomy.models import Series, Theme

# Access --------------------------------------------------------------------------------------


def title_text(title: str) -> str:
    """A title as it reads: tags typed into it ("<b>Consultation</b>") are shown as text on
    the pages, but the address and the short code are made of the words alone."""
    return html.unescape(nh3.clean(title, tags=set()))


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slugify(text: str) -> str:
    """ "Réunion – Dakar" → "reunion-dakar"; accents dropped, anything else separates words."""
    letters = _without_accents(text.lower())
    return re.sub(r"[^a-z0-9]+", "-", letters).strip("-")[:70].rstrip("-")


SHORT_CODE_LENGTH = 12


# Lower-case words this short ("and", "of", "de", "la") give no initial, but at the start.
SMALL_WORD = 3


def short_code_for(title: str) -> str:
    """The initials of a title's words, for outcome references: "Regional Humanitarian
    Consultation" → "RHC". Accents are dropped and numbers left out (the edition year follows
    the code in every reference); "EVENT" when the title has no Latin letter to take."""
    words = re.findall(r"[A-Za-z]+", _without_accents(title_text(title)))
    initials = "".join(
        word[0]
        for index, word in enumerate(words)
        if index == 0 or len(word) > SMALL_WORD or not word.islower()
    )
    return initials.upper()[:SHORT_CODE_LENGTH] or "EVENT"


def unique_slug(wanted: str, fallback: str) -> str:
    base = slugify(wanted) or fallback
    taken = set(db.session.scalars(sa.select(Event.slug).where(Event.slug.like(f"{base}%"))))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


EVENT_FIELDS = (
    "title", "series_id", "edition_year", "region", "city", "country", "venue",
    "start_date", "end_date", "timezone", "working_languages", "summary", "description",
    "contact_email",
)  # fmt: skip


def _check_dates(start_date: date, end_date: date) -> None:
    if end_date < start_date:
        raise ConsultationError(_l("The event cannot end before it starts."), field="end_date")


def _event_values(fields: dict, short_code: str | None) -> dict:
    """The event's columns, with what organisers may leave empty filled in: the edition year
    is the year the event starts; an event in no series takes its title's initials as its
    short code."""
    values = {name: fields[name] for name in EVENT_FIELDS}
    values["edition_year"] = values["edition_year"] or values["start_date"].year
    short_code = (short_code or "").strip().upper()
    if not short_code and not values["series_id"]:
        short_code = short_code_for(values["title"])
    values["short_code"] = short_code or None
    return values


def create_event(
    creator: User,
    slug: str | None = None,
    short_code: str | None = None,
    themes: list[Theme] | None = None,
    partners: list[EventPartner] | None = None,
    **fields,
) -> Event:
    """A draft event whose team is its creator, as organiser."""
    _check_dates(fields["start_date"], fields["end_date"])
    values = _event_values(fields, short_code)
    _check_series(values["series_id"], values["edition_year"], creator)
    event = Event(
        slug=unique_slug(slug or title_text(values["title"]), f"event-{values['edition_year']}"),
        status=EventStatus.DRAFT,
        themes=themes or [],
        partners=partners or [],
        team=[EventMember(user_id=creator.id, role=TeamRole.ORGANISER)],
        **values,
    )
    db.session.add(event)
    db.session.flush()
    return event


def update_event(
    event: Event,
    slug: str | None = None,
    short_code: str | None = None,
    editor: User | None = None,
    **fields,
) -> None:
    """Changes the event's details (``editor`` None: from the command line). Its references
    given so far keep their code whatever the new one is."""
    _check_dates(fields["start_date"], fields["end_date"])
    values = _event_values(fields, short_code)
    _check_series(values["series_id"], values["edition_year"], editor, event)
    if slug and slug != event.slug:
        if unique_slug(slug, slug) != slug:
            raise Conflict(_l("Another event already uses this web address."), field="slug")
        event.slug = slug
    old_zone = event.zone
    for name, value in values.items():
        setattr(event, name, value)
    db.session.flush()
    signals.event_updated.send(event, old_zone=old_zone)


def set_status(event: Event, status: EventStatus) -> None:
    event.status = status


def copy_event(
    source: Event, creator: User, title: str, start_date: date, slug: str | None = None
) -> Event:
    """A new draft edition: themes and partners are copied, and the features built on events
    copy what they keep (``signals.edition_copied``: the agenda, shifted to the new dates;
    registration settings); registrations, speakers and outcomes, which are about people,
    are not."""
    shift = start_date - source.start_date
    source = db.session.scalar(
        sa.select(Event)
        .where(Event.id == source.id)
        .options(
            selectinload(Event.themes),
            selectinload(Event.partners),
        )
        .execution_options(populate_existing=True)
    )
    copy = create_event(
        creator,
        slug=slug,
        title=title,
        # The new edition's references go on with the same code (RHC-2028-R01).
        short_code=source.short_code,
        series_id=source.series_id,
        edition_year=start_date.year,
        region=source.region,
        city=source.city,
        country=source.country,
        venue=source.venue,
        start_date=start_date,
        end_date=source.end_date + shift,
        timezone=source.timezone,
        working_languages=list(source.working_languages),
        summary=source.summary,
        description=source.description,
        contact_email=source.contact_email,
        themes=list(source.themes),
        partners=[
            EventPartner(organisation_id=partner.organisation_id, role=partner.role, position=index)
            for index, partner in enumerate(source.partners)
        ],
    )
    # The translated titles describe the previous edition; its summary and description carry over.
    copy.translations = {
        language: kept
        for language, texts in source.translations.items()
        if (kept := {field: text for field, text in texts.items() if field != "title"})
    }
    signals.edition_copied.send(copy, source=source, shift=shift)
    db.session.flush()
    return copy


def add_partner(event: Event, organisation: Organisation, role: PartnerRole) -> EventPartner:
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(EventPartner.position) + 1, 0)).where(
            EventPartner.event_id == event.id
        )
    )
    partner = EventPartner(
        event_id=event.id, organisation_id=organisation.id, role=role, position=position
    )
    try:
        with db.session.begin_nested():
            db.session.add(partner)
    except IntegrityError as error:
        raise Conflict(
            # gettext, not _l: a lazy string counts as safe markup (it has __html__), so
            # the organisation's name it holds reached the page unescaped.
            gettext(
                "%(name)s is already a partner of this event.", name=isolated(organisation.name)
            ),
            field="organisation_id",
        ) from error
    return partner


def remove_partner(event: Event, partner_id: int) -> None:
    partner = db.session.get(EventPartner, partner_id)
    if partner is None or partner.event_id != event.id:
        raise NotFound(_l("This partner is not on this event."))
    db.session.delete(partner)


def set_event_themes(event: Event, theme_ids: list[int]) -> None:
    event = db.session.scalar(
        sa.select(Event).where(Event.id == event.id).options(selectinload(Event.themes))
    )
    event.themes = list(db.session.scalars(sa.select(Theme).where(Theme.id.in_(theme_ids))))


def _check_series(series_id: int | None, edition_year: int, user: User | None, event=None):
    """An event joins a series only by the series' owner or an administrator (``user`` None:
    the command line), and a series has one edition a year."""
    if not series_id:
        return
    series = db.session.get(Series, series_id)
    joining = event is None or event.series_id != series_id
    if series is None or (
        joining and user is not None and user.role is not Role.ADMIN and series.owner_id != user.id
    ):
        raise NotAllowed(
            _l("Only the owner of this series, or an administrator, can add an edition to it."),
            field="series_id",
        )
    same_year = db.session.scalar(
        sa.select(Event).where(
            Event.series_id == series_id,
            Event.edition_year == edition_year,
            Event.id != (event.id if event is not None else 0),
        )
    )
    if same_year is not None:
        raise Conflict(
            # gettext, not _l: a lazy string counts as safe markup (it has __html__), so the
            # title it holds reached the page unescaped.
            gettext(
                "This series already has its %(year)d edition: %(title)s. Choose another year.",
                year=edition_year,
                title=isolated(title_text(same_year.title)),
            ),
            field="edition_year",
        )
