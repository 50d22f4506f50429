"""Configuration, read from the environment.

Every setting is documented in the README. ``instance/config.py``, when present, is
loaded after the environment for settings that are awkward to pass as variables.
"""

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LANGUAGES = ("en", "fr", "ar")
ENVIRONMENTS = ("development", "production", "testing")
MAIL_BACKENDS = ("console", "smtp", "memory")
SMTP_SECURITY_MODES = ("starttls", "ssl", "none")


class ConfigurationError(RuntimeError):
    """The app cannot start safely with the configuration it was given."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(raw: str | None, instance_path: Path) -> str:
    if not raw:
        return f"sqlite:///{instance_path / 'consultation.sqlite3'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def development_key(instance_path: Path, name: str = "secret_key") -> str:
    """A random key created once per checkout, so sessions (and the audit log's seals)
    survive restarts."""
    key_file = instance_path / name
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


def refuse_unsafe_production(environ: Mapping[str, str]) -> None:
    if not environ.get("SECRET_KEY"):
        raise ConfigurationError("SECRET_KEY must be set when CONSULTATION_ENV=production.")
    # It signs sessions and links and keys the pseudonyms of participants' addresses: a
    # short one could be guessed.
    if len(environ["SECRET_KEY"].encode()) < 32:
        raise ConfigurationError(
            "SECRET_KEY must be at least 32 bytes in production "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    # `flask run` reads FLASK_DEBUG itself; its debugger would let anyone run code.
    if _flag(environ.get("FLASK_DEBUG")):
        raise ConfigurationError("FLASK_DEBUG must be off when CONSULTATION_ENV=production.")
    if not environ.get("BASE_URL", "").startswith("https://"):
        raise ConfigurationError(
            "BASE_URL must be set to the site's https:// address in production: "
            "every link in an email is built on it."
        )
    if not environ.get("MAIL_FROM"):
        raise ConfigurationError("MAIL_FROM must be set in production.")
    # Seals the audit log: kept apart from the database, so that whoever can write there
    # cannot seal entries of their own.
    if len(environ.get("AUDIT_KEY", "").encode()) < 32:
        raise ConfigurationError(
            "AUDIT_KEY must be set, to at least 32 bytes, in production, and kept outside "
            "the database and its backups."
        )


def engine_options(url: str, environ: Mapping[str, str]) -> dict[str, Any]:
    """Connections are checked before use (a restarted database costs no failed request);
    on PostgreSQL a runaway query is stopped after DATABASE_STATEMENT_TIMEOUT_MS."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        timeout = int(environ.get("DATABASE_STATEMENT_TIMEOUT_MS", 30_000))
        options |= {
            "pool_size": int(environ.get("DATABASE_POOL_SIZE", 5)),
            "max_overflow": int(environ.get("DATABASE_MAX_OVERFLOW", 10)),
            "connect_args": {"options": f"-c statement_timeout={timeout}"},
        }
    return options


def trusted_hosts(environ: Mapping[str, str], production: bool) -> list[str] | None:
    listed = [host.strip() for host in environ.get("TRUSTED_HOSTS", "").split(",") if host]
    if listed:
        return listed
    if production:
        return [urlsplit(environ["BASE_URL"]).hostname]
    return None


def build_config(instance_path: Path, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    env = environ.get("CONSULTATION_ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigurationError(
            f"CONSULTATION_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}."
        )
    production = env == "production"
    if production:
        refuse_unsafe_production(environ)
    secret_key = environ.get("SECRET_KEY") or development_key(instance_path)

    mail_backend = environ.get("MAIL_BACKEND", "smtp" if production else "console")
    if mail_backend not in MAIL_BACKENDS:
        raise ConfigurationError(f"MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)}.")
    smtp_security = environ.get("SMTP_SECURITY", "starttls")
    if smtp_security not in SMTP_SECURITY_MODES:
        raise ConfigurationError(f"SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY_MODES)}.")
    return {
        "CONSULTATION_ENV": env,
        "DEBUG": False if production else _flag(environ.get("FLASK_DEBUG")),
        "SECRET_KEY": secret_key,
        "AUDIT_KEY": environ.get("AUDIT_KEY") or development_key(instance_path, "audit_key"),
        # Where `flask audit anchor` appends the head of the audit log: outside the database,
        # ideally on another machine or write-once storage.
        "AUDIT_ANCHOR_FILE": environ.get(
            "AUDIT_ANCHOR_FILE", str(instance_path / "audit-anchors.jsonl")
        ),
        "SQLALCHEMY_DATABASE_URI": database_url(environ.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(
            database_url(environ.get("DATABASE_URL"), instance_path), environ
        ),
        "BASE_URL": environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "LANGUAGES": LANGUAGES,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        # In production the __Host- prefix makes browsers refuse the cookie unless it is
        # Secure, for this host only and for the whole site.
        "SESSION_COOKIE_NAME": "__Host-session" if production else "session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_NAME": "__Host-remember" if production else "remember_token",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        # A sign-in without "remember me" ends after this long without a request, and after
        # SESSION_ABSOLUTE_TIMEOUT whatever happens.
        "SESSION_IDLE_TIMEOUT": timedelta(
            minutes=int(environ.get("SESSION_IDLE_TIMEOUT_MINUTES", 120))
        ),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(
            hours=int(environ.get("SESSION_ABSOLUTE_TIMEOUT_HOURS", 12))
        ),
        # How long a browser that opened a registration's emailed link keeps it open, after
        # its last visit, before the link is needed again.
        "REGISTRATION_ACCESS_MINUTES": int(environ.get("REGISTRATION_ACCESS_MINUTES", 120)),
        # The same for a commitment owner's update link.
        "UPDATE_LINK_ACCESS_MINUTES": int(environ.get("UPDATE_LINK_ACCESS_MINUTES", 120)),
        # Failed sign-ins allowed per account and per address before 429 answers.
        "LOGIN_FAILURE_LIMIT": environ.get("LOGIN_FAILURE_LIMIT", "5 per 15 minutes"),
        # Forms that send an email (sign-up, password reset, registration, the link again):
        # requests per network address, and emails per recipient, before 429 answers.
        "MAIL_LIMIT_PER_ADDRESS": environ.get("MAIL_LIMIT_PER_ADDRESS", "30 per hour"),
        "MAIL_LIMIT_PER_RECIPIENT": environ.get("MAIL_LIMIT_PER_RECIPIENT", "5 per hour"),
        # Anonymous downloads of PDFs (the public agenda) per network address.
        "ANONYMOUS_DOWNLOAD_LIMIT": environ.get("ANONYMOUS_DOWNLOAD_LIMIT", "30 per 10 minutes"),
        # Shared by every process through Redis; per process without it.
        "RATELIMIT_STORAGE_URI": environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_KEY_PREFIX": "consultation-limits",
        # How many proxies in front of the app set X-Forwarded-*; none is trusted by default.
        "TRUSTED_PROXIES": int(environ.get("TRUSTED_PROXIES", 0)),
        # Host names the app answers to (others get 400); in production, BASE_URL's host.
        "TRUSTED_HOSTS": trusted_hosts(environ, production),
        # Days after an event's last day: visa, accessibility and dietary answers are cleared
        # after the first, registrations anonymised and emails deleted after the second.
        "SENSITIVE_DATA_RETENTION_DAYS": int(environ.get("SENSITIVE_DATA_RETENTION_DAYS", 7)),
        # Where `flask backup` writes by default; the retention job deletes the backups
        # there older than REGISTRATION_RETENTION_DAYS.
        "BACKUP_DIR": environ.get("BACKUP_DIR", str(instance_path / "backups")),
        # Kept apart from the database and its backups: put it on another disk than the
        # backups, and back it up separately (it names nobody).
        "ERASURE_LEDGER": environ.get("ERASURE_LEDGER", str(instance_path / "erasures.jsonl")),
        "ACCOUNT_EMAIL_RETENTION_DAYS": int(environ.get("ACCOUNT_EMAIL_RETENTION_DAYS", 30)),
        "SPEAKER_RETENTION_DAYS": int(environ.get("SPEAKER_RETENTION_DAYS", 3650)),
        # A commitment owner's contacts, after the update that closed it (done or dropped).
        "FOLLOW_UP_CONTACT_RETENTION_DAYS": int(
            environ.get("FOLLOW_UP_CONTACT_RETENTION_DAYS", 180)
        ),
        # Participants' follow-up emails, after the edition they registered for.
        "FOLLOW_UP_NEWS_RETENTION_DAYS": int(environ.get("FOLLOW_UP_NEWS_RETENTION_DAYS", 730)),
        # Participants' emails cover the statuses published up to so many minutes before.
        "FOLLOW_UP_NEWS_SETTLING_MINUTES": 5,
        # How long an administrator's break-glass look at an event's sensitive answers lasts.
        "BREAK_GLASS_MINUTES": int(environ.get("BREAK_GLASS_MINUTES", 60)),
        "REGISTRATION_RETENTION_DAYS": int(environ.get("REGISTRATION_RETENTION_DAYS", 90)),
        "MAX_CONTENT_LENGTH": int(environ.get("MAX_CONTENT_LENGTH", 4 * 1024 * 1024)),
        "HSTS_ENABLED": production,
        # Compressed by the app, so a bare gunicorn serves small responses; after_request
        # decides which (see register_static_caching).
        "COMPRESS_REGISTER": False,
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        # Static files are streamed: gzip too, which every browser takes.
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
            "text/calendar",
        ],
        "REDIS_URL": environ.get("REDIS_URL") or None,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAIL_BACKEND": mail_backend,
        "MAIL_FROM": environ.get("MAIL_FROM", "Consultation <no-reply@consultation.invalid>"),
        "MAIL_OUTBOX_DIR": str(instance_path / "outbox"),
        "MAIL_MAX_ATTEMPTS": int(environ.get("MAIL_MAX_ATTEMPTS", 8)),
        # Before the first retry of an email the server refused for now; each next delay
        # doubles, up to 4 hours.
        "MAIL_RETRY_DELAY": timedelta(seconds=int(environ.get("MAIL_RETRY_DELAY_SECONDS", 120))),
        # How often the worker sends what is due even if no job was left to send it.
        "MAIL_SWEEP_INTERVAL": timedelta(
            minutes=int(environ.get("MAIL_SWEEP_INTERVAL_MINUTES", 5))
        ),
        "MAIL_BATCH_SIZE": 100,
        "DEMO_CREDENTIALS_FILE": str(instance_path / "demo-accounts.txt"),
        "SMTP_HOST": environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(environ.get("SMTP_PORT", "587")),
        "SMTP_USERNAME": environ.get("SMTP_USERNAME"),
        "SMTP_PASSWORD": environ.get("SMTP_PASSWORD"),
        "SMTP_SECURITY": smtp_security,
        "SMTP_TIMEOUT": int(environ.get("SMTP_TIMEOUT", "30")),
        "PASSWORD_RESET_MAX_AGE": int(environ.get("PASSWORD_RESET_MAX_AGE", 3600)),
        "ACTIVATION_MAX_AGE": int(environ.get("ACTIVATION_MAX_AGE", 7 * 86400)),
        # Argon2id; the defaults are OWASP's first recommendation. Hashes made with other
        # parameters are upgraded at the next successful log-in.
        "ARGON2_TIME_COST": int(environ.get("ARGON2_TIME_COST", 2)),
        "ARGON2_MEMORY_COST": int(environ.get("ARGON2_MEMORY_COST", 19456)),
        "ARGON2_PARALLELISM": int(environ.get("ARGON2_PARALLELISM", 1)),
        "PASSWORD_MIN_LENGTH": 12,
        "USERS_PER_PAGE": 25,
        "EVENTS_PER_PAGE": 20,
        "ORGANISATIONS_PER_PAGE": 25,
        "REGISTRATIONS_PER_PAGE": 50,
        "FOLLOW_UP_ITEMS_PER_PAGE": 50,
        "API_ITEMS_PER_PAGE": 50,
        # Generated PDFs, named by their SHA-256 (several app machines must share it).
        "REPORT_STORE_DIR": environ.get("REPORT_STORE_DIR", str(instance_path / "reports")),
        # Reports with more rows (participants, sessions, recommendations) than this are
        # made in the background, with a page that waits for them.
        "REPORT_BACKGROUND_THRESHOLD": int(environ.get("REPORT_BACKGROUND_THRESHOLD", 400)),
        # Without Redis: threads per process for long work (large reports), however many
        # are asked for at once; the rest wait their turn.
        "BACKGROUND_WORKERS": int(environ.get("BACKGROUND_WORKERS", 2)),
        # Days a stored PDF is kept after the last export that asked for it.
        "REPORT_FILE_RETENTION_DAYS": int(environ.get("REPORT_FILE_RETENTION_DAYS", 30)),
        # Event pages, agendas and blank registration forms each process keeps rendered for
        # anonymous visitors (0: none).
        "RENDERED_PAGES_KEPT": int(environ.get("RENDERED_PAGES_KEPT", 200)),
    }
