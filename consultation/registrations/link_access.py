"""A registration's emailed link is opened once, and its token exchanged for a cookie that
only that registration's pages receive (see ``private_links``). The cookie works while the
link does and for ``REGISTRATION_ACCESS_MINUTES`` after its last use.
"""

from flask import Response, after_this_request, url_for
from flask_babel import lazy_gettext as _l

from consultation.errors import NotAllowed, NotFound
from consultation.private_links import AccessEnded, LinkCookie
from consultation.registrations import links
from consultation.registrations.models import Registration

COOKIE = LinkCookie("registration_access", "registration-access", "REGISTRATION_ACCESS_MINUTES")


def _path(registration_id: int) -> str:
    return url_for("self_service.manage", registration_id=registration_id)


def grant(response: Response, registration: Registration) -> Response:
    """Lets this browser open the registration's pages, without the token, for a while."""
    return COOKIE.grant(
        response, registration.id, registration.management_token_hash, _path(registration.id)
    )


ACCESS_ENDED = _l(
    "This browser can no longer open the registration: open the link in your latest email "
    "about it again, or ask for a new link on the event's registration page."
)


def registration_from_cookie(registration_id: int, extend: bool = True) -> Registration:
    """The registration this browser was let in to; each use (``extend``) lets it in for a
    while more."""
    try:
        registration = links.registration_by_digest(registration_id, COOKIE.digest(registration_id))
    except (AccessEnded, NotFound) as error:
        raise NotAllowed(ACCESS_ENDED) from error
    if extend:
        after_this_request(lambda response: grant(response, registration))
    return registration


def revoke(response: Response, registration_id: int) -> Response:
    return COOKIE.revoke(response, _path(registration_id))
