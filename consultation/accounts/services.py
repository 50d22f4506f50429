"""Account rules: sign-up, log-in, passwords, tokens sent by email, and user administration.

Nothing here reveals to an anonymous visitor whether an address has an account: sign-up and
forgotten-password requests answer the same way and tell the owner by email instead.
"""

import hashlib
import json
from enum import StrEnum
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from consultation.accounts.models import Role, User, new_session_token
from consultation.audit import services as audit
from consultation.audit.models import AuditAction
from consultation.db import db, now_utc
from consultation.errors import Conflict, ConsultationError, NotAllowed
from consultation.mail import external_url, send_email


class TokenPurpose(StrEnum):
    # Choosing a first password: after sign-up, or when invited by an administrator.
    ACTIVATION = "activation"
    RESET_PASSWORD = "reset-password"  # noqa: S105 (a token purpose, not a secret)


_MAX_AGE_SETTING = {
    TokenPurpose.ACTIVATION: "ACTIVATION_MAX_AGE",
    TokenPurpose.RESET_PASSWORD: "PASSWORD_RESET_MAX_AGE",
}


class InvalidToken(ConsultationError):
    pass


class LoginFailed(ConsultationError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _password_hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def set_password(user: User, password: str) -> None:
    user.password_hash = _password_hasher().hash(password)
    # Every session signed in with the old password ends.
    end_sessions(user)


@cache
def _common_passwords(static_folder: str, minimum_length: int) -> frozenset[str]:
    path = Path(static_folder, "vendor", "zxcvbn-common", "src", "passwords.json")
    with path.open(encoding="utf-8") as file:
        # Shorter ones are refused by length anyway.
        return frozenset(word for word in json.load(file) if len(word) >= minimum_length)


def is_common_password(password: str) -> bool:
    words = _common_passwords(current_app.static_folder, current_app.config["PASSWORD_MIN_LENGTH"])
    return password.casefold() in words


def end_sessions(user: User) -> None:
    """Signs the account out everywhere: session and remember-me cookies name the account by
    its session token, and a new token matches none of them."""
    user.session_token = new_session_token()


def sign_out(user: User) -> None:
    audit.record(AuditAction.SIGNED_OUT, subject=f"user:{user.id}", actor=user)
    end_sessions(user)


def session_expired(signed_in_at: float, seen_at: float, now: float) -> bool:
    """A sign-in without "remember me" ends when idle too long or open too long."""
    config = current_app.config
    return (
        now - seen_at > config["SESSION_IDLE_TIMEOUT"].total_seconds()
        or now - signed_in_at > config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    )


def password_matches(user: User | None, password: str) -> bool:
    hasher = _password_hasher()
    if user is None or user.password_hash is None:
        # Spend the same time as a real check so response times do not reveal accounts.
        hasher.hash(password)
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


# Tokens ----------------------------------------------------------------------------------


def _serializer(purpose: TokenPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"accounts.{purpose}")


def _fingerprint(user: User) -> str:
    """Changes once a token has done its job, which makes every token single use.

    The session token is part of it so that deactivating an account (which rotates it)
    kills every link sent before, even once the account is reactivated.
    """
    state = f"{user.email}|{user.password_hash}|{user.session_token}|{user.active}"
    return hashlib.sha256(state.encode()).hexdigest()[:24]


def make_token(user: User, purpose: TokenPurpose) -> str:
    return _serializer(purpose).dumps({"user": user.id, "state": _fingerprint(user)})


def user_from_token(token: str, purpose: TokenPurpose) -> User:
    max_age = current_app.config[_MAX_AGE_SETTING[purpose]]
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvalidToken(_l("This link has expired. Ask for a new one.")) from error
    except BadSignature as error:
        raise InvalidToken(
            _l("This link is not valid. Check that you copied all of it.")
        ) from error
    user = db.session.get(User, payload.get("user"))
    if user is None or not user.active or payload.get("state") != _fingerprint(user):
        raise InvalidToken(_l("This link has already been used or is no longer valid."))
    return user


# Sign-up and log-in ----------------------------------------------------------------------


def sign_up(email: str, display_name: str, organisation_name: str | None, language: str) -> None:
    """Create a participant account and email a link to choose its password.

    The password is chosen only through the emailed link, so nobody can prepare an account
    on someone else's address and use it once its owner confirms it. Whether the address
    already has an account or not, the visitor sees the same answer and the address gets
    one email.
    """
    user = find_user_by_email(email)
    if user is None:
        user = User(
            email=normalise_email(email),
            display_name=display_name.strip(),
            organisation_name=(organisation_name or "").strip() or None,
            language=language,
            role=Role.PARTICIPANT,
        )
        try:
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError:
            # The same address was signed up by a concurrent request a moment ago.
            user = find_user_by_email(email)
            assert user is not None  # noqa: S101 (for the type checker: the insert just failed on it)
    if not user.active:
        return
    if user.password_hash is None:
        send_activation_email(user)
    else:
        send_email(
            user.email,
            _l("You already have an account"),
            "accounts/already_registered",
            user.language,
            user=user,
            login_url=external_url("accounts.login"),
            reset_url=external_url("accounts.forgot_password"),
        )


def send_activation_email(user: User, invited_by: User | None = None) -> None:
    send_email(
        user.email,
        _l("You are invited to Consultation") if invited_by else _l("Choose your password"),
        "accounts/activation",
        user.language,
        user=user,
        invited_by=invited_by,
        activation_url=external_url(
            "accounts.open_password_link",
            purpose=TokenPurpose.ACTIVATION,
            token=make_token(user, TokenPurpose.ACTIVATION),
        ),
        max_age_days=current_app.config["ACTIVATION_MAX_AGE"] // 86400,
    )


def authenticate(email: str, password: str) -> User:
    user = find_user_by_email(email)
    if not password_matches(user, password):
        audit.record(
            AuditAction.SIGN_IN_FAILED,
            subject=f"user:{user.id}" if user is not None else None,
            actor=None,
        )
        raise LoginFailed(_l("The email address or the password is not right."), field="password")
    assert user is not None  # noqa: S101 (for the type checker: password_matches refuses None)
    if not user.active:
        raise LoginFailed(
            _l("This account has been deactivated. Contact the organisers if this is a mistake.")
        )
    user.last_login_at = now_utc()
    audit.record(AuditAction.SIGNED_IN, subject=f"user:{user.id}", actor=user)
    return user


# Passwords -------------------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    send_email(
        user.email,
        _l("Reset your password"),
        "accounts/reset_password",
        user.language,
        user=user,
        reset_url=external_url(
            "accounts.open_password_link",
            purpose=TokenPurpose.RESET_PASSWORD,
            token=make_token(user, TokenPurpose.RESET_PASSWORD),
        ),
        max_age_minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
    )


def set_password_from_token(token: str, purpose: TokenPurpose, password: str) -> User:
    user = user_from_token(token, purpose)
    set_password(user, password)
    # Following the emailed link proves the address is theirs.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now_utc()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not password_matches(user, current_password):
        raise ConsultationError(_l("Your current password is not right."), field="current_password")
    set_password(user, new_password)


def update_profile(
    user: User, display_name: str, organisation_name: str | None, language: str
) -> None:
    user.display_name = display_name.strip()
    user.organisation_name = (organisation_name or "").strip() or None
    user.language = language


# Administration --------------------------------------------------------------------------


def search_users(query: str | None, page: int) -> Pagination:
    statement = sa.select(User).order_by(User.display_name, User.id)
    if query and query.strip():
        pattern = f"%{query.strip().lower()}%"
        statement = statement.where(
            sa.or_(
                User.email.like(pattern),
                sa.func.lower(User.display_name).like(pattern),
                sa.func.lower(User.organisation_name).like(pattern),
            )
        )
    return db.paginate(
        statement, page=page, per_page=current_app.config["USERS_PER_PAGE"], error_out=False
    )


def invite_user(
    email: str,
    display_name: str,
    organisation_name: str | None,
    role: Role,
    language: str,
    invited_by: User | None,
) -> User:
    """Create an account without a password and email its owner a link to choose one."""
    duplicate = Conflict(_l("An account with this email address already exists."), field="email")
    if find_user_by_email(email) is not None:
        raise duplicate
    user = User(
        email=normalise_email(email),
        display_name=display_name.strip(),
        organisation_name=(organisation_name or "").strip() or None,
        language=language,
        role=role,
    )
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as error:
        raise duplicate from error
    send_activation_email(user, invited_by=invited_by)
    return user


def _refuse_self_change(user: User, acting_user: User) -> None:
    # Stops an administrator from locking everyone out by demoting or deactivating themselves.
    if user.id == acting_user.id:
        raise NotAllowed(_l("You cannot change your own role or deactivate your own account."))


def change_role(user: User, role: Role, acting_user: User) -> None:
    _refuse_self_change(user, acting_user)
    audit.record(
        AuditAction.ROLE_CHANGED,
        subject=f"user:{user.id}",
        actor=acting_user,
        from_role=user.role.value,
        to_role=role.value,
    )
    user.role = role


def set_active(user: User, active: bool, acting_user: User) -> None:
    _refuse_self_change(user, acting_user)
    audit.record(
        AuditAction.ACCOUNT_ACTIVATED if active else AuditAction.ACCOUNT_DEACTIVATED,
        subject=f"user:{user.id}",
        actor=acting_user,
    )
    user.active = active
    if not active:
        user.session_token = new_session_token()
