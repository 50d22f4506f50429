"""The demo accounts, one per role, each with a new random password when created."""

import secrets
from dataclasses import dataclass

from consultation.accounts import services as accounts
from consultation.accounts.models import Role, User
from consultation.db import db, now_utc
from consultation.demo.data import load

DEMO_EMAIL_DOMAIN = "demo.consultation.example"


@dataclass(frozen=True)
class CreatedAccount:
    role: Role
    email: str
    password: str


def demo_email(role: Role) -> str:
    return f"{role.value}@{DEMO_EMAIL_DOMAIN}"


def seed_accounts() -> list[CreatedAccount]:
    created = []
    for account in load("accounts")["accounts"]:
        role = Role(account["role"])
        email = demo_email(role)
        if accounts.find_user_by_email(email) is not None:
            continue
        password = secrets.token_urlsafe(12)
        user = User(
            email=email,
            display_name=account["name"],
            organisation_name=account["organisation"],
            role=role,
            language="en",
            email_confirmed_at=now_utc(),
        )
        accounts.set_password(user, password)
        db.session.add(user)
        created.append(CreatedAccount(role, email, password))
    return created
