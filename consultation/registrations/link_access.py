"""A registration's emailed link is opened once. Its token is exchanged for a cookie that
only that registration's pages receive, and the browser goes on to addresses without the
token: it stays out of server logs, browser history and the Referer header of later requests.

The cookie holds the SHA-256 of the link's token, signed and timed. It works while the link
does (a newer link opened, or the registration erased, ends it) and for
``REGISTRATION_ACCESS_MINUTES`` after its last use.
"""

from flask import Response, after_this_request, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from consultation.errors import NotAllowed, NotFound
from consultation.registrations import links
from consultation.registrations.models import Registration

COOKIE = "registration_access"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="registration-access")


def _max_age() -> int:
    return current_app.config["REGISTRATION_ACCESS_MINUTES"] * 60


def grant(response: Response, registration: Registration) -> Response:
    """Lets this browser open the registration's pages, without the token, for a while."""
    response.set_cookie(
        COOKIE,
        _serializer().dumps([registration.id, registration.management_token_hash]),
        max_age=_max_age(),
        path=url_for("self_service.manage", registration_id=registration.id),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


ACCESS_ENDED = _l(
    "This browser can no longer open the registration: open the link in your latest email "
    "about it again, or ask for a new link on the event's registration page."
)


def registration_from_cookie(registration_id: int, extend: bool = True) -> Registration:
    """The registration this browser was let in to; each use (``extend``) lets it in for a
    while more."""
    try:
        granted_id, digest = _serializer().loads(
            request.cookies.get(COOKIE, ""), max_age=_max_age()
        )
    except (BadSignature, TypeError, ValueError) as error:
        raise NotAllowed(ACCESS_ENDED) from error
    if granted_id != registration_id:
        raise NotAllowed(ACCESS_ENDED)
    try:
        registration = links.registration_by_digest(registration_id, digest)
    except NotFound as error:
        raise NotAllowed(ACCESS_ENDED) from error
    if extend:
        after_this_request(lambda response: grant(response, registration))
    return registration


def revoke(response: Response, registration_id: int) -> Response:
    response.delete_cookie(
        COOKIE,
        path=url_for("self_service.manage", registration_id=registration_id),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
