"""After a backup is restored: the erasures made since it was taken are made again, from
the erasure ledger, so that restoring never brings back someone who asked to be forgotten."""

from dataclasses import dataclass

from consultation.accounts.models import User
from consultation.db import db
from consultation.privacy import ledger
from consultation.privacy.accounts import RegistrationsChoice, remove_account
from consultation.privacy.services import erase_registration
from consultation.registrations.models import Registration


@dataclass(frozen=True)
class Reapplied:
    registrations: int
    accounts: int


def reapply_erasures() -> Reapplied:
    """Erases again every registration and account the ledger says was erased and that the
    restored database still holds with the same address. Running it again changes nothing.
    The caller commits."""
    registrations = accounts = 0
    for entry in ledger.entries():
        if entry["kind"] == "registration":
            registration = db.session.get(Registration, entry["id"])
            if (
                registration is not None
                and registration.anonymised_at is None
                and ledger.address_hash(registration.email) == entry["address"]
            ):
                erase_registration(registration, actor=None)
                registrations += 1
        elif entry["kind"] == "account":
            user = db.session.get(User, entry["id"])
            if user is not None and ledger.address_hash(user.email) == entry["address"]:
                # Deleted once already: whoever now organises the events, it goes.
                remove_account(user, RegistrationsChoice(entry["registrations"]), actor=None)
                accounts += 1
    # The ledger holds these erasures already.
    db.session.info.pop(ledger.PENDING, None)
    return Reapplied(registrations, accounts)
