"""Private links emailed to people without an account (a participant's registration, a
commitment owner's update page). The link carries a 256-bit token, kept only as its SHA-256;
opening it exchanges the token for a cookie that only the pages of that one object receive,
and the browser goes on to addresses without the token: it stays out of server logs, browser
history and the Referer header of later requests.

The cookie holds the object's id and the token's hash, signed and timed: it works while the
link does (a newer link opened, or the object erased, ends it) and for a configured number of
minutes after its last use.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same_digest(stored: str | None, digest: str) -> bool:
    return stored is not None and hmac.compare_digest(stored, digest)


class AccessEnded(Exception):
    """The browser holds no valid cookie for this object (any more)."""


@dataclass(frozen=True)
class LinkCookie:
    name: str
    salt: str
    # The configuration key of the cookie's life after its last use, in minutes
    minutes_setting: str

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=self.salt)

    def _max_age(self) -> int:
        return current_app.config[self.minutes_setting] * 60

    def grant(self, response: Response, object_id: int, digest: str, path: str) -> Response:
        """Lets this browser open the pages under ``path`` of the object, for a while."""
        response.set_cookie(
            self.name,
            self._serializer().dumps([object_id, digest]),
            max_age=self._max_age(),
            path=path,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        return response

    def digest(self, object_id: int) -> str:
        """The token hash this browser was given for the object; AccessEnded otherwise."""
        try:
            granted_id, digest = self._serializer().loads(
                request.cookies.get(self.name, ""), max_age=self._max_age()
            )
        except (BadSignature, TypeError, ValueError) as error:
            raise AccessEnded from error
        if granted_id != object_id:
            raise AccessEnded
        return digest

    def revoke(self, response: Response, path: str) -> Response:
        response.delete_cookie(
            self.name,
            path=path,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        return response
