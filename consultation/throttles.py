"""Limits on anonymous work that sends email or costs CPU, counted in Redis when it is set
(shared by every process) and per process otherwise.

Mail-sending forms (sign-up, password reset, registration, asking for the link again) share
two counters: one per network address, and one per recipient, keyed by a hash of the address
typed so that the counters' storage holds no email address. Only answered requests count
towards a recipient (a form sent back with errors sends nothing); every request counts
towards the network address. Anonymous PDF downloads are limited per network address.
"""

import hashlib
import math
import time
from collections.abc import Callable

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user

from consultation.errors import render_error
from consultation.extensions import limiter

SIGN_IN_SCOPE = "sign-in"
MAIL_ADDRESS_SCOPE = "mail-by-address"
MAIL_RECIPIENT_SCOPE = "mail-by-recipient"
DOWNLOAD_SCOPE = "anonymous-downloads"


def _recipient() -> str:
    email = request.form.get("email", "").strip().lower()
    return f"recipient:{hashlib.sha256(email.encode()).hexdigest()}"


def _answered(response) -> bool:
    return response.status_code < 400


def _config(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def mail_sending(view: Callable) -> Callable:
    """For a form whose POST sends an email to the address typed in its ``email`` field."""
    per_address = limiter.shared_limit(
        _config("MAIL_LIMIT_PER_ADDRESS"), scope=MAIL_ADDRESS_SCOPE, methods=["POST"]
    )
    per_recipient = limiter.shared_limit(
        _config("MAIL_LIMIT_PER_RECIPIENT"),
        scope=MAIL_RECIPIENT_SCOPE,
        key_func=_recipient,
        methods=["POST"],
        deduct_when=_answered,
    )
    return per_address(per_recipient(view))


def anonymous_download(view: Callable) -> Callable:
    """For a file anyone may download and that costs a render to make."""
    return limiter.shared_limit(
        _config("ANONYMOUS_DOWNLOAD_LIMIT"),
        scope=DOWNLOAD_SCOPE,
        key_func=get_remote_address,
        exempt_when=lambda: current_user.is_authenticated,
    )(view)


MESSAGES = {
    SIGN_IN_SCOPE: _l(
        "There were too many failed sign-ins for this account or from this network. "
        "Wait %(minutes)d minutes, or reset your password."
    ),
    MAIL_ADDRESS_SCOPE: _l(
        "Too many emails were asked for from this network. Wait %(minutes)d minutes and try again."
    ),
    MAIL_RECIPIENT_SCOPE: _l(
        "Too many emails were asked for this address. Check its inbox, including the spam "
        "folder, or wait %(minutes)d minutes and try again."
    ),
    DOWNLOAD_SCOPE: _l(
        "Too many downloads from this network. Wait %(minutes)d minutes and try again."
    ),
}


def _seconds_to_wait(error: RateLimitExceeded) -> int:
    window = error.limit.limit.get_expiry()
    current = limiter.current_limit
    if current is not None and current.breached:
        # The storage counts in whole seconds: never more than the limit's window.
        return min(window, max(1, math.ceil(current.reset_at - time.time())))
    return window


def init_app(app: Flask) -> None:
    @app.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded):
        wait = _seconds_to_wait(error)
        minutes = max(1, -(-wait // 60))
        message = MESSAGES.get(error.limit.scope, MESSAGES[SIGN_IN_SCOPE])
        body, status = render_error(429, message % {"minutes": minutes})
        return body, status, {"Retry-After": str(wait)}
