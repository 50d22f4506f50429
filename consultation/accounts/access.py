"""Server-side access checks shared by every feature's views."""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit

from flask import abort, url_for
from flask_login import current_user, login_required

from consultation.accounts.models import Permission

P = ParamSpec("P")
R = TypeVar("R")


def permission_required(permission: Permission) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Anonymous visitors are sent to log in; signed-in users without the permission get 403."""

    def decorator(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        @login_required
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def safe_next_url(target: str | None, fallback_endpoint: str = "events.home") -> str:
    """``target`` if it is a path on this site, otherwise the fallback page.

    Browsers treat ``//host``, ``/\\host`` and anything with a scheme as another site.
    """
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not any(ord(c) < 32 for c in target):
            return target
    return url_for(fallback_endpoint)
