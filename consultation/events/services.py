"""Events, their editions and teams: who may see and change what, and the rules of each change."""

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import nh3
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from consultation.accounts.models import Permission, Role, User
from consultation.accounts.services import find_user_by_email
from consultation.db import db, now_utc
from consultation.errors import Conflict, ConsultationError, NotAllowed, NotFound
from consultation.events import signals
from consultation.events.models import (
    Event,
    EventMember,
    EventPartner,
    EventStatus,
    PartnerRole,
    Region,
    TeamRole,
    event_themes,
)
from consultation.multilingual import Translatable, isolated
from consultation.organisations.models import Organisation
from consultation.taxonomy.models import Series, Theme

# Access --------------------------------------------------------------------------------------


def team_role(event: Event, user: User) -> TeamRole | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(EventMember.role).where(
            EventMember.event_id == event.id, EventMember.user_id == user.id
        )
    )


# The global permission a team role needs, so that a participant can never be put in charge
# of an event, and an organiser demoted by an administrator loses their events at once.
TEAM_ROLE_PERMISSION = {
    TeamRole.ORGANISER: Permission.MANAGE_EVENTS,
    TeamRole.RAPPORTEUR: Permission.RECORD_OUTCOMES,
    TeamRole.POLICY: Permission.REVIEW_OUTCOMES,
}


def can_manage(event: Event, user: User) -> bool:
    """Administrators manage every event; organisers only those whose team they are on."""
    if not user.is_authenticated or not user.can(Permission.MANAGE_EVENTS):
        return False
    return user.role is Role.ADMIN or team_role(event, user) is TeamRole.ORGANISER


def can_see(event: Event, user: User) -> bool:
    if event.is_public:
        return True
    if not user.is_authenticated:
        return False
    if user.role is Role.ADMIN:
        return True
    # Like managing it, seeing a draft takes the global permission of one's team role.
    role = team_role(event, user)
    return role is not None and user.can(TEAM_ROLE_PERMISSION[role])


# What the event pages show besides the event itself, loaded with it.
EVENT_PAGE_OPTIONS = (
    joinedload(Event.series),
    selectinload(Event.themes),
    selectinload(Event.partners).joinedload(EventPartner.organisation),
)


def event_by_slug(slug: str, *options) -> Event:
    event = db.session.scalar(
        sa.select(Event)
        .where(Event.slug == slug)
        .options(*(options or (joinedload(Event.series),)))
    )
    if event is None:
        raise NotFound(_l("There is no event at this address."))
    return event


def working_languages(slug: str) -> list[str] | None:
    """The event's working languages, for choosing the interface language of its pages."""
    return db.session.scalar(sa.select(Event.working_languages).where(Event.slug == slug))


def visible_event(slug: str, user: User, *options) -> Event:
    """The event, if this visitor may see it; a draft is a 404 for everyone outside its team."""
    event = event_by_slug(slug, *options)
    if not can_see(event, user):
        raise NotFound(_l("There is no event at this address."))
    return event


def managed_event(slug: str, user: User, *options) -> Event:
    """The event, if this user may change it: 403 for organisers of other events."""
    event = event_by_slug(slug, *options)
    if not can_manage(event, user):
        raise NotAllowed(_l("You are not an organiser of this event."))
    return event


# Public lists -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFilters:
    region: Region | None = None
    theme: str | None = None
    year: int | None = None
    when: str | None = None  # "upcoming", "past" or None for both

    @property
    def active(self) -> bool:
        return any((self.region, self.theme, self.year, self.when))

    def as_query(self) -> dict[str, str]:
        values = {
            "region": self.region.value if self.region else None,
            "theme": self.theme,
            "year": str(self.year) if self.year else None,
            "when": self.when,
        }
        return {name: value for name, value in values.items() if value}


def public_events(filters: EventFilters, page: int) -> Pagination:
    """Published and archived events: coming ones soonest first, then past ones, newest first."""
    today = now_utc().date()
    is_over = sa.case((Event.end_date < today, 1), else_=0)
    statement = (
        sa.select(Event)
        .where(Event.status != EventStatus.DRAFT)
        .options(selectinload(Event.themes), joinedload(Event.series))
        .order_by(is_over, sa.case((is_over == 0, Event.start_date)), Event.start_date.desc())
        .order_by(Event.id)
    )
    if filters.region:
        statement = statement.where(Event.region == filters.region)
    if filters.year:
        statement = statement.where(Event.edition_year == filters.year)
    if filters.when == "upcoming":
        statement = statement.where(Event.end_date >= today)
    elif filters.when == "past":
        statement = statement.where(Event.end_date < today)
    if filters.theme:
        statement = statement.where(
            Event.id.in_(
                sa.select(event_themes.c.event_id)
                .join(Theme, Theme.id == event_themes.c.theme_id)
                .where(Theme.slug == filters.theme)
            )
        )
    return db.paginate(
        statement, page=page, per_page=current_app.config["EVENTS_PER_PAGE"], error_out=False
    )


def edition_years() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Event.edition_year)
            .where(Event.status != EventStatus.DRAFT)
            .distinct()
            .order_by(Event.edition_year.desc())
        )
    )


# Organiser dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class ManagedEvent:
    event: Event
    session_count: int
    # None for administrators, who are on no team but manage every event.
    role: TeamRole | None

    @property
    def organised(self) -> bool:
        return self.role in (None, TeamRole.ORGANISER)


def managed_events(user: User) -> list[ManagedEvent]:
    if user.role is Role.ADMIN:
        role = sa.null()
    else:
        role = (
            sa.select(EventMember.role)
            .where(EventMember.event_id == Event.id, EventMember.user_id == user.id)
            .correlate(Event)
            .scalar_subquery()
        )
    statement = (
        sa.select(Event, role)
        .options(joinedload(Event.series))
        .order_by(Event.start_date.desc(), Event.id)
    )
    if user.role is not Role.ADMIN:
        statement = statement.where(
            Event.id.in_(sa.select(EventMember.event_id).where(EventMember.user_id == user.id))
        )
    rows = db.session.execute(statement).all()
    counts = signals.collected(signals.events_counted, [event for event, _ in rows])
    return [
        ManagedEvent(
            event,
            counts.get("session_count", {}).get(event.id, 0),
            TeamRole(role) if role else None,
        )
        for event, role in rows
    ]


# Creating and changing events ---------------------------------------------------------------


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


# Partners, themes and team -------------------------------------------------------------------


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


# Translations ------------------------------------------------------------------------------


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


def event_team(event: Event) -> list[EventMember]:
    return list(
        db.session.scalars(
            sa.select(EventMember)
            .where(EventMember.event_id == event.id)
            .join(User)
            # From the join the order needs, rather than from a second one of its own.
            .options(contains_eager(EventMember.user))
            .order_by(EventMember.role, User.display_name)
        )
    )


def add_team_member(event: Event, email: str, role: TeamRole) -> EventMember:
    user = find_user_by_email(email)
    if user is None or not user.active or not user.can(TEAM_ROLE_PERMISSION[role]):
        # One answer for no account, a deactivated one and one whose role does not allow
        # it: the form must not tell who has an account here (participants do), nor its role.
        raise ConsultationError(
            _l(
                "No staff account that can take this role uses this address. An "
                "administrator can invite the person (Users, then Invite a staff member) or "
                "change their account's role; then add them here."
            ),
            field="email",
        )
    member = EventMember(event_id=event.id, user_id=user.id, role=role)
    try:
        with db.session.begin_nested():
            db.session.add(member)
    except IntegrityError as error:
        raise Conflict(
            # gettext, not _l: a lazy string counts as safe markup (it has __html__), so
            # the user's name it holds reached the page unescaped.
            gettext("%(name)s is already on the team.", name=isolated(user.display_name)),
            field="email",
        ) from error
    return member


def remove_team_member(event: Event, member_id: int, acting_user: User) -> None:
    member = db.session.get(EventMember, member_id)
    if member is None or member.event_id != event.id:
        raise NotFound(_l("This person is not on the team."))
    if member.role is TeamRole.ORGANISER and acting_user.role is not Role.ADMIN:
        organisers = db.session.scalar(
            sa.select(sa.func.count(EventMember.id)).where(
                EventMember.event_id == event.id, EventMember.role == TeamRole.ORGANISER
            )
        )
        if organisers <= 1:
            raise Conflict(_l("An event keeps at least one organiser on its team."))
    db.session.delete(member)


# Series --------------------------------------------------------------------------------------


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
