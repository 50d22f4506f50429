"""Consultation: run stakeholder consultations from registration to outcome report."""

import hashlib
import logging
import os
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, abort, request
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from consultation import access_log, jobs, models, throttles, unit_of_work
from consultation.accounts.views import bp as accounts_bp
from consultation.agenda import editions as agenda_editions  # noqa: F401 (connects to events.signals)
from consultation.agenda.views import bp as agenda_bp
from consultation.api.views import bp as api_bp
from consultation.audit import services as audit
from consultation.audit_log.views import bp as audit_bp
from consultation.cli import register_commands
from consultation.config import build_config
from consultation.errors import register_error_handlers
from consultation.events import access
from consultation.events.views import bp as events_bp
from consultation.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from consultation.follow_up import news as follow_up_news  # noqa: F401 (connects to registrations.signals)
from consultation.follow_up.owner_views import bp as owner_updates_bp
from consultation.follow_up.views import bp as follow_up_bp
from consultation.forms import LARGEST_ID
from consultation.i18n import (
    LANGUAGE_NAMES,
    PAGE_LANGUAGES,
    country_name,
    day_and_time,
    event_time,
    language_name,
    listing,
    select_locale,
    utc_offsets,
)
from consultation.markdown import render_markdown
from consultation.multilingual import isolate, isolated, text_direction, writing_direction
from consultation.organisations.views import bp as organisations_bp
from consultation.outcomes import editions as outcome_editions  # noqa: F401 (the same)
from consultation.outcomes.views import bp as outcomes_bp
from consultation.privacy.views import bp as privacy_bp
from consultation.registrations import editions as registration_editions  # noqa: F401 (the same)
from consultation.registrations.notice_views import bp as privacy_notices_bp
from consultation.registrations.organisation_review_views import bp as organisation_review_bp
from consultation.registrations.self_service_views import bp as self_service_bp
from consultation.registrations.sensitive_access_views import bp as sensitive_access_bp
from consultation.registrations.views import bp as registrations_bp
from consultation.reports.pdf import route_weasyprint_logs
from consultation.reports.views import bp as reports_bp
from consultation.taxonomy.views import bp as taxonomy_bp

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def keep_files_private(instance: Path) -> None:
    """The database, stored reports, written emails and backups hold personal data: the
    instance folder is its owner's alone, and every file and folder the process creates is
    readable by its owner only, whatever umask the process was started with (SQLite gives
    its journal files the database file's mode)."""
    os.umask(0o077)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    instance.chmod(0o700)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    keep_files_private(Path(app.instance_path))
    app.config.from_mapping(build_config(Path(app.instance_path)))
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.from_mapping(test_config)
    if not app.debug:
        logging.basicConfig(level=logging.INFO)
    route_weasyprint_logs()
    access_log.redact_development_server_log()

    # Before any blueprint adds its rules: every <int:...> in a URL is bounded.
    app.url_map.converters["int"] = BoundedInteger
    unit_of_work.init_app(app)
    register_extensions(app)
    jobs.init_app(app)
    for blueprint in (
        taxonomy_bp,
        events_bp,
        agenda_bp,
        organisations_bp,
        registrations_bp,
        self_service_bp,
        organisation_review_bp,
        sensitive_access_bp,
        privacy_notices_bp,
        outcomes_bp,
        follow_up_bp,
        owner_updates_bp,
        reports_bp,
        audit_bp,
        privacy_bp,
        accounts_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    register_templates(app)
    register_security_headers(app)
    register_static_caching(app)
    register_input_checks(app)
    # The audit trail notes where each request came from.
    unit_of_work.set_for_each_request(app, audit.request_address, lambda: request.remote_addr)
    register_error_handlers(app)
    throttles.init_app(app)
    register_commands(app)
    return app


class BoundedInteger(IntegerConverter):
    """Ids larger than a database INTEGER are a 404, not an overflow error in the query."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


@cache
def _fingerprint(path: str, modified: float) -> str:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:12]


def register_static_caching(app: Flask) -> None:
    """Links to static files carry a hash of the file's content (``?v=…``), so browsers may
    keep them for a year: a changed file gets a new address. Responses are compressed,
    except pages for signed-in people, whose CSRF tokens and personal data a compression
    side channel (BREACH) could reveal."""
    compress.init_app(app)

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "v" in values:
            return
        path = Path(app.static_folder, values.get("filename", ""))
        if path.is_file():
            values["v"] = _fingerprint(str(path), path.stat().st_mtime)

    @app.after_request
    def cache_and_compress(response):
        if request.endpoint == "static" and "v" in request.args:
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = 31_536_000
            response.cache_control.immutable = True
        if response.mimetype == "text/html" and current_user.is_authenticated:
            return response
        return compress.after_request(response)


def register_input_checks(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        # Nobody types a NUL character, and PostgreSQL refuses to store one in text.
        values = [request.path, *(value for _, value in request.values.items(multi=True))]
        if any("\x00" in value for value in values):
            abort(400)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.extensions[PAGE_LANGUAGES] = access.working_languages
    limiter.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        # Only then are X-Forwarded-For/-Proto/-Host believed: the client's address counts
        # failed sign-ins, and a forged header must not spread them over fake addresses.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_token: str) -> models.User | None:
        user = db.session.scalar(
            sa.select(models.User).where(models.User.session_token == session_token)
        )
        return user if user is not None and user.active else None


def register_templates(app: Flask) -> None:
    @app.context_processor
    def layout_context() -> dict[str, Any]:
        locale = str(get_locale())
        return {
            "current_locale": locale,
            "text_direction": text_direction(locale),
            # "from → to" reads from the right in Arabic, so the arrow points left.
            "forward_arrow": "←" if text_direction(locale) == "rtl" else "→",
            # Arabic separates list items with its own comma.
            "comma": "، " if text_direction(locale) == "rtl" else ", ",
            "language_names": LANGUAGE_NAMES,
            "Permission": models.Permission,
        }

    app.add_template_filter(country_name)
    app.add_template_filter(language_name)
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(event_time)
    app.add_template_filter(day_and_time)
    app.add_template_filter(listing)
    app.add_template_filter(utc_offsets)
    app.add_template_filter(text_direction)
    app.add_template_filter(writing_direction)
    app.add_template_filter(isolate)
    app.add_template_filter(isolated)
    # Grouped for the locale, in Western digits (Babel's default, Arabic included).
    app.add_template_filter(format_decimal, "number")


# No inline script or style is used anywhere, so the policy can forbid them; Bootstrap's
# icons are data: URLs inside its stylesheet.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        # Emailed links carry tokens in their path; no page should pass its URL on.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if app.config["HSTS_ENABLED"]:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        # Pages seen signed in can hold personal data: no browser or proxy keeps them.
        if request.endpoint != "static" and current_user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response
