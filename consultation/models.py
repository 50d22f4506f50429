"""Every feature's models in one import, for Alembic, the shell and the tests."""

from consultation.accounts.models import Permission, Role, User
from consultation.events.models import Event, EventStatus

__all__ = ["Event", "EventStatus", "Permission", "Role", "User"]
