"""The shared directory of organisations: partners of events, speakers' and participants'
employers. Each organisation exists once, whatever the spelling of its name."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from consultation.db import db
from consultation.errors import Conflict, NotFound
from consultation.multilingual import isolated
from consultation.organisations.models import (
    Organisation,
    OrganisationLevel,
    OrganisationType,
    comparison_key,
)
from consultation.search import fold


def search_organisations(query: str | None, page: int) -> Pagination:
    statement = sa.select(Organisation).order_by(Organisation.name_key)
    key = fold(query)
    if key:
        statement = statement.where(Organisation.search_key.contains(key, autoescape=True))
    return db.paginate(
        statement,
        page=page,
        per_page=current_app.config["ORGANISATIONS_PER_PAGE"],
        error_out=False,
    )


def organisation_choices() -> list[SelectChoice]:
    """Every organisation, "Name (ACRONYM)", in the order of their names. Read as plain rows,
    not objects: public forms list hundreds of them at every request."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.acronym).order_by(
            Organisation.name_key
        )
    )
    return [
        SelectChoice(row.id, f"{row.name} ({row.acronym})" if row.acronym else row.name)
        for row in rows
    ]


def organisation_or_404(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_l("There is no such organisation."))
    return organisation


def _refuse_duplicates(name: str, acronym: str | None, exclude_id: int | None) -> None:
    others = sa.select(Organisation).where(Organisation.id != (exclude_id or 0))
    same_name = db.session.scalar(others.where(Organisation.name_key == comparison_key(name)))
    if same_name is not None:
        raise Conflict(
            # gettext, not _l: a lazy string counts as safe markup (it has __html__), so
            # the organisation's name it holds reached the page unescaped.
            gettext("“%(name)s” is already in the directory.", name=isolated(same_name.name)),
            field="name",
        )
    acronym_key = comparison_key(acronym)
    if acronym_key:
        same_acronym = db.session.scalar(others.where(Organisation.acronym_key == acronym_key))
        if same_acronym is not None:
            raise Conflict(
                # gettext, not _l: a lazy string counts as safe markup (it has __html__), so
                # the acronym and name it holds reached the page unescaped.
                gettext(
                    "The acronym %(acronym)s is already used by “%(name)s”.",
                    acronym=isolated(same_acronym.acronym),
                    name=isolated(same_acronym.name),
                ),
                field="acronym",
            )


def save_organisation(
    organisation: Organisation | None,
    name: str,
    acronym: str | None,
    type: OrganisationType,
    level: OrganisationLevel,
    country: str | None,
    website: str | None,
) -> Organisation:
    """Create an organisation (when ``organisation`` is None) or change one."""
    name = " ".join(name.split())
    acronym = (acronym or "").strip() or None
    _refuse_duplicates(name, acronym, organisation.id if organisation else None)
    if organisation is None:
        organisation = Organisation()
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


def delete_organisation(organisation: Organisation) -> None:
    try:
        with db.session.begin_nested():
            db.session.delete(organisation)
    except IntegrityError as error:
        raise Conflict(
            # gettext, not _l: a lazy string counts as safe markup (it has __html__), so
            # the organisation's name it holds reached the page unescaped.
            gettext(
                "%(name)s is a partner of an event: remove it from the event first.",
                name=isolated(organisation.name),
            )
        ) from error
