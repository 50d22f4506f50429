import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from consultation.db import LabelledEnum, db, enum_type, now_utc


class Role(LabelledEnum):
    """A user's global role; roles on one event come from its team (EventMember)."""

    ADMIN = "admin"
    ORGANISER = "organiser"
    RAPPORTEUR = "rapporteur"
    POLICY = "policy"
    PARTICIPANT = "participant"

    @classmethod
    def labels(cls):
        return {
            cls.ADMIN: _l("Administrator"),
            cls.ORGANISER: _l("Organiser"),
            cls.RAPPORTEUR: _l("Rapporteur"),
            cls.POLICY: _l("Policy team"),
            cls.PARTICIPANT: _l("Participant"),
        }


class Permission(StrEnum):
    MANAGE_USERS = "manage_users"
    MANAGE_EVENTS = "manage_events"
    RECORD_OUTCOMES = "record_outcomes"
    REVIEW_OUTCOMES = "review_outcomes"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ORGANISER: frozenset(
        {Permission.MANAGE_EVENTS, Permission.RECORD_OUTCOMES, Permission.REVIEW_OUTCOMES}
    ),
    Role.RAPPORTEUR: frozenset({Permission.RECORD_OUTCOMES}),
    Role.POLICY: frozenset({Permission.REVIEW_OUTCOMES}),
    Role.PARTICIPANT: frozenset(),
}

STAFF_ROLES = (Role.ADMIN, Role.ORGANISER, Role.RAPPORTEUR, Role.POLICY)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_is_lower_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised (stripped, lower-case) so uniqueness is case-insensitive everywhere.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    # The users list and the speakers' drop-down are sorted by it
    display_name: Mapped[str] = mapped_column(sa.String(120), index=True)
    organisation_name: Mapped[str | None] = mapped_column(sa.String(200))
    language: Mapped[str] = mapped_column(sa.String(5), default="en")
    # None until the person chooses one (invited staff, before they accept).
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), default=Role.PARTICIPANT)
    active: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[datetime | None]
    # The session cookie carries this, not the id, so rotating it signs out every session.
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_login_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return self.session_token

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
