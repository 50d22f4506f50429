"""The shared directory of organisations: partners of events, speakers' and participants'
employers. Each organisation in it exists once, whatever the spelling of its name; what a
registrant types stays private to their registration until it is approved (see
``OrganisationStatus``)."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from consultation.accounts.models import Role, User
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.db import db
from consultation.errors import Conflict, NotAllowed, NotFound
from consultation.i18n import listing
from consultation.multilingual import isolated
from consultation.organisations.models import (
    Organisation,
    OrganisationLevel,
    OrganisationStatus,
    OrganisationType,
    comparison_key,
)
from consultation.organisations.uses import USES, organised_events
from consultation.search import SEPARATOR, fold

IN_DIRECTORY = Organisation.status == OrganisationStatus.APPROVED


def search_organisations(query: str | None, page: int) -> Pagination:
    statement = sa.select(Organisation).where(IN_DIRECTORY).order_by(Organisation.name_key)
    key = fold(query)
    if key:
        statement = statement.where(Organisation.search_key.contains(key, autoescape=True))
    return db.paginate(
        statement,
        page=page,
        per_page=current_app.config["ORGANISATIONS_PER_PAGE"],
        error_out=False,
    )


def organisation_choices(including: Organisation | None = None) -> list[SelectChoice]:
    """Every organisation of the directory, "Name (ACRONYM)", in the order of their names,
    and ``including`` (a registrant's own private organisation, on their form). Read as plain
    rows, not objects: public forms list hundreds of them at every request."""
    shown = IN_DIRECTORY
    if including is not None:
        shown = sa.or_(shown, Organisation.id == including.id)
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.acronym)
        .where(shown)
        .order_by(Organisation.name_key)
    )
    return [
        SelectChoice(row.id, f"{row.name} ({row.acronym})" if row.acronym else row.name)
        for row in rows
    ]


def directory_organisation(organisation_id: int) -> Organisation:
    """An organisation of the directory, for staff pickers: a private one is a 404 here."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not organisation.in_directory:
        raise NotFound(_l("There is no such organisation."))
    return organisation


# Who may change what ------------------------------------------------------------------------


def events_using(organisation: Organisation) -> set[int]:
    return {
        event_id
        for use in USES
        for event_id in db.session.scalars(use.events(organisation.id).distinct())
    }


def may_change(organisation: Organisation, user: User) -> bool:
    """Administrators change any organisation; an organiser changes one only where it is used
    by their own events alone, so that nobody renames an organisation on another event's
    pages. A private organisation is only ever used by its registration's event."""
    if user.role is Role.ADMIN:
        return True
    used_by = events_using(organisation)
    if not organisation.in_directory and not used_by:
        return False
    organised = set(db.session.scalars(organised_events(user.id)))
    return used_by <= organised


def _organisation_for(organisation_id: int, user: User) -> tuple[Organisation, bool]:
    """The organisation, if this user may see it (the directory's for every organiser, a
    private one only for the organisers of the event its registration is for), and whether
    they may change it: worked out once, since it reads what uses the organisation."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_l("There is no such organisation."))
    changeable = may_change(organisation, user)
    if not (organisation.in_directory or changeable):
        raise NotFound(_l("There is no such organisation."))
    return organisation, changeable


def visible_organisation(organisation_id: int, user: User) -> Organisation:
    return _organisation_for(organisation_id, user)[0]


def changeable_organisation(organisation_id: int, user: User) -> Organisation:
    organisation, changeable = _organisation_for(organisation_id, user)
    if not changeable:
        raise NotAllowed(
            _l(
                "Other events use this organisation: only an administrator can change it. "
                "Write to one if its details are wrong."
            )
        )
    return organisation


def _directory_twin(
    name: str, acronym: str | None, exclude_id: int | None
) -> tuple[Organisation, str] | None:
    """The organisation of the directory with this name or acronym, and which of the two."""
    others = sa.select(Organisation).where(IN_DIRECTORY, Organisation.id != (exclude_id or 0))
    same_name = db.session.scalar(others.where(Organisation.name_key == comparison_key(name)))
    if same_name is not None:
        return same_name, "name"
    acronym_key = comparison_key(acronym)
    if acronym_key:
        same_acronym = db.session.scalar(others.where(Organisation.acronym_key == acronym_key))
        if same_acronym is not None:
            return same_acronym, "acronym"
    return None


def _refuse_duplicates(name: str, acronym: str | None, exclude_id: int | None) -> None:
    twin = _directory_twin(name, acronym, exclude_id)
    if twin is None:
        return
    other, field = twin
    # gettext, not _l: a lazy string counts as safe markup (it has __html__), so the names
    # it holds reached the page unescaped.
    if field == "name":
        message = gettext("“%(name)s” is already in the directory.", name=isolated(other.name))
    else:
        message = gettext(
            "The acronym %(acronym)s is already used by “%(name)s”.",
            acronym=isolated(other.acronym),
            name=isolated(other.name),
        )
    raise Conflict(message, field=field)


def save_organisation(
    organisation: Organisation | None,
    name: str,
    acronym: str | None,
    type: OrganisationType,
    level: OrganisationLevel,
    country: str | None,
    website: str | None,
) -> Organisation:
    """Create an organisation of the directory (when ``organisation`` is None) or change one."""
    name = " ".join(name.split())
    acronym = (acronym or "").strip() or None
    if organisation is None or organisation.in_directory:
        _refuse_duplicates(name, acronym, organisation.id if organisation else None)
    if organisation is None:
        organisation = Organisation(status=OrganisationStatus.APPROVED)
        db.session.add(organisation)
    organisation.name = name
    organisation.acronym = acronym
    organisation.name_key = comparison_key(name)
    organisation.acronym_key = comparison_key(acronym)
    organisation.type = type
    organisation.level = level
    organisation.country = country or None
    organisation.website = (website or "").strip() or None
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        # Another organiser saved the same name a moment ago.
        raise Conflict(
            _l("This organisation is already in the directory."), field="name"
        ) from error
    return organisation


def propose_organisation(
    name: str, type: OrganisationType, level: OrganisationLevel, country: str | None
) -> Organisation:
    """A registrant's organisation that is not in the directory: private to their
    registration until an organiser reviews it, and never compared with other private ones,
    whose names nobody else may learn."""
    name = " ".join(name.split())
    organisation = Organisation(
        name=name,
        name_key=comparison_key(name),
        type=type,
        level=level,
        country=country or None,
        status=OrganisationStatus.PROPOSED,
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def directory_match(name: str) -> Organisation | None:
    """The organisation of the directory a registrant means by this name or acronym."""
    key = comparison_key(name)
    return db.session.scalar(
        sa.select(Organisation).where(
            IN_DIRECTORY, sa.or_(Organisation.name_key == key, Organisation.acronym_key == key)
        )
    )


# Reviewing what registrants typed --------------------------------------------------------------


def approve_organisation(organisation: Organisation, reviewer: User) -> None:
    """Puts a registrant's organisation into the directory, where every event's form offers
    it; one already there under that name or acronym is to be merged into instead."""
    twin = _directory_twin(organisation.name, organisation.acronym, organisation.id)
    if twin is not None:
        raise Conflict(
            gettext(
                "“%(name)s” is already in the directory: merge into it instead.",
                name=isolated(twin[0].name),
            )
        )
    organisation.status = OrganisationStatus.APPROVED
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise Conflict(_l("This organisation is already in the directory.")) from error
    audit.record(
        AuditAction.ORGANISATION_APPROVED, subject=f"organisation:{organisation.id}", actor=reviewer
    )


def keep_private(organisation: Organisation, reviewer: User | None) -> None:
    organisation.status = OrganisationStatus.PRIVATE
    db.session.flush()
    audit.record(
        AuditAction.ORGANISATION_KEPT_PRIVATE,
        subject=f"organisation:{organisation.id}",
        actor=reviewer,
    )


# Removing and merging -----------------------------------------------------------------------


def uses_of(organisation: Organisation) -> list[str]:
    """What refers to the organisation, in words: "a partner of 2 events", …"""
    phrases = []
    for use in USES:
        count = db.session.scalar(sa.select(sa.func.count()).where(use.column == organisation.id))
        if count:
            phrases.append(use.describe(count))
    return phrases


def delete_organisation(organisation: Organisation, remover: User) -> None:
    """Removes an organisation nothing uses; the refusal says what uses it."""
    phrases = uses_of(organisation)
    if phrases:
        raise Conflict(
            # gettext, not _l: a lazy string counts as safe markup (it has __html__), so
            # the organisation's name it holds reached the page unescaped.
            gettext(
                "%(name)s cannot be removed: it is %(uses)s. Merge it into another "
                "organisation instead.",
                name=isolated(organisation.name),
                uses=listing(phrases),
            )
        )
    audit.record(
        AuditAction.ORGANISATION_REMOVED, subject=f"organisation:{organisation.id}", actor=remover
    )
    db.session.delete(organisation)
    db.session.flush()


def delete_if_unused(organisation_ids: list[int]) -> int:
    """Deletes those of these organisations, outside the directory, that nothing uses any
    more: an erased registrant's organisation goes with them."""
    if not organisation_ids:
        return 0
    statement = sa.delete(Organisation).where(
        Organisation.id.in_(organisation_ids),
        ~IN_DIRECTORY,
        *(
            Organisation.id.not_in(sa.select(use.column).where(use.column.is_not(None)))
            for use in USES
        ),
    )
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def merge_organisation(duplicate: Organisation, kept: Organisation, merger: User) -> None:
    """Everything that used ``duplicate`` uses ``kept`` instead, and ``duplicate`` is
    removed. An event that had both as partners keeps one partner row."""
    if duplicate.id == kept.id:
        raise Conflict(_l("Choose another organisation to merge into."), field="into")
    if not kept.in_directory:
        raise Conflict(_l("Merge into an organisation of the directory."), field="into")
    for use in USES:
        table = use.column.class_
        if use.unique_within is not None:
            db.session.execute(
                sa.delete(table)
                .where(
                    use.column == duplicate.id,
                    use.unique_within.in_(
                        sa.select(use.unique_within).where(use.column == kept.id)
                    ),
                )
                .execution_options(synchronize_session=False)
            )
        db.session.execute(
            sa.update(table)
            .where(use.column == duplicate.id)
            .values({use.column.key: kept.id})
            .execution_options(synchronize_session=False)
        )
    audit.record(
        AuditAction.ORGANISATION_MERGED,
        subject=f"organisation:{duplicate.id}",
        actor=merger,
        merged_into=kept.id,
    )
    db.session.delete(duplicate)
    db.session.flush()
    # Objects loaded before still point at the removed organisation.
    db.session.expire_all()


def merge_candidates(organisation: Organisation, query: str | None) -> list[Organisation]:
    """The likely duplicates of this organisation, then the directory's matches of what the
    organiser searched for."""
    candidates = likely_duplicates(organisation)
    key = fold(query)
    if key:
        seen = {organisation.id, *(other.id for other in candidates)}
        candidates += [
            other
            for other in db.session.scalars(
                sa.select(Organisation)
                .where(IN_DIRECTORY, Organisation.search_key.contains(key, autoescape=True))
                .order_by(Organisation.name_key)
                .limit(MERGE_SEARCH_LIMIT)
            )
            if other.id not in seen
        ]
    return candidates


MERGE_SEARCH_LIMIT = 20

_SHORT_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "in",
        "on",
        "to",
        "de",
        "des",
        "du",
        "la",
        "le",
        "les",
        "et",
        "pour",
        "en",
        "al",
        "el",
    ]
)


def _initials(name: str) -> str:
    words = [word for word in fold(name).replace("-", " ").split() if word not in _SHORT_WORDS]
    return "".join(word[0] for word in words) if len(words) > 1 else ""


def likely_duplicates(organisation: Organisation, limit: int = 8) -> list[Organisation]:
    """Organisations of the directory that may be the same as this one: a name contained in
    the other's, an acronym typed as a name ("IOM"), or a name whose initials are an acronym
    ("International Organization Migration" for IOM)."""
    key = fold(organisation.name)
    if not key:
        return []
    candidates = [
        Organisation.search_key.contains(key, autoescape=True),
        Organisation.acronym_key == comparison_key(organisation.name),
    ]
    initials = _initials(organisation.name)
    if initials:
        candidates.append(Organisation.acronym_key == initials)
    if organisation.acronym:
        candidates.append(Organisation.acronym_key == comparison_key(organisation.acronym))
    rows = db.session.scalars(
        sa.select(Organisation)
        .where(IN_DIRECTORY, Organisation.id != organisation.id, sa.or_(*candidates))
        .order_by(Organisation.name_key)
        .limit(limit)
    )
    found = list(rows)
    # A directory name inside the typed one ("Save the Children" in "Save the Children
    # Jordan"): compared in Python, as plain rows, since SQL cannot look for each row's key
    # inside a value on both databases.
    if len(found) < limit:
        seen = {organisation.id, *(other.id for other in found)}
        names = db.session.execute(
            sa.select(Organisation.id, Organisation.search_key).where(IN_DIRECTORY)
        )
        inside = [
            row.id
            for row in names
            if row.id not in seen
            and len(name := row.search_key.split(SEPARATOR)[0]) >= 4
            and name in key
        ]
        if inside:
            found += db.session.scalars(
                sa.select(Organisation)
                .where(Organisation.id.in_(inside[: limit - len(found)]))
                .order_by(Organisation.name_key)
            )
    return found
