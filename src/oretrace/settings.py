"""Django settings: SQLite in a data folder by default, PostgreSQL through a database URL.

Environment:
- ``ORETRACE_DATA_DIR``: where the SQLite database, stored files and the generated secret
  key live (default ``./oretrace-data``).
- ``ORETRACE_DATABASE_URL``: e.g. ``postgres://user:pass@host:5432/oretrace``; unset means
  SQLite at ``$ORETRACE_DATA_DIR/oretrace.sqlite3``.
- ``ORETRACE_SECRET_KEY``: the Django secret; unset means one generated once per data folder.
- ``ORETRACE_DEBUG``: "1" for development.
- ``ORETRACE_ALLOWED_HOSTS``: host names the web app answers to (default
  ``localhost,127.0.0.1``).
- ``ORETRACE_HTTPS``: "1" when people reach the web app over HTTPS (directly or through a
  proxy that sets ``X-Forwarded-Proto``): secure cookies, HTTPS redirect and HSTS. Without it
  the app runs on plain HTTP (a laptop, a closed network) and ``check --deploy`` says so.
- ``ORETRACE_SMTP_URL``: where e-mail goes: ``smtp://host:port`` (plain),
  ``smtp+starttls://user:password@host:587`` (STARTTLS), ``smtps://user:password@host:465``
  (TLS from the start); user and password are percent-decoded. Unset: messages wait in the
  outbox as queued and nothing is sent (docs/campaigns.md, ADR 0015).
- ``ORETRACE_BASE_URL``: the address of the web app as people reach it, used in e-mailed links.
- ``ORETRACE_MAIL_FROM``: the sender of the e-mails (default ``oretrace@localhost``).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from oretrace.registry.file_modes import private_folder

DATA_DIR = Path(os.environ.get("ORETRACE_DATA_DIR", "oretrace-data")).resolve()


def _secret_key() -> str:
    configured = os.environ.get("ORETRACE_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # several commands may start at once on a new data folder: write the key whole to a
        # private temp file, then link it into place; whoever links first wins, others read it
        private_folder(DATA_DIR)
        descriptor, temp = tempfile.mkstemp(dir=DATA_DIR, prefix=".secret_key.")
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
            with contextlib.suppress(FileExistsError):
                os.link(temp, key_file)
        finally:
            os.unlink(temp)
    return key_file.read_text().strip()


def database_from_url(url: str | None) -> dict[str, Any]:
    """Django DATABASES['default'] from a URL (postgres://, postgresql://, sqlite:///path)."""
    if not url:
        return _sqlite(str(DATA_DIR / "oretrace.sqlite3"))
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return _sqlite(unquote(parsed.path) or ":memory:")
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
        }
    raise ValueError(f"unsupported database URL scheme: {parsed.scheme!r}")


def _sqlite(name: str) -> dict[str, Any]:
    """One writer at a time, the others wait (docs/adr/0006-one-writer-per-database.md).

    ``IMMEDIATE`` takes the write lock when a transaction begins, so a transaction never reads
    and then fails to upgrade to a write ("database is locked" at once, whatever the timeout);
    ``timeout`` is how long a writer waits for the lock. WAL lets readers go on meanwhile.
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "OPTIONS": {
            "timeout": 60,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }


_SMTP_SCHEMES = {"smtp": (False, False), "smtp+starttls": (True, False), "smtps": (False, True)}


def email_from_url(url: str | None, variable: str = "ORETRACE_SMTP_URL") -> dict[str, Any]:
    """Django's EMAIL_* settings from an SMTP URL; an empty dict when ``url`` is empty.

    ``smtp://host:port`` (no encryption), ``smtp+starttls://user:password@host:587``,
    ``smtps://user:password@host:465``. A URL that cannot be used raises
    ImproperlyConfigured naming ``variable`` (the password is never repeated).
    """
    from django.core.exceptions import ImproperlyConfigured

    if not url:
        return {}
    parsed = urlparse(url)

    def refuse(why: str) -> ImproperlyConfigured:
        shown = parsed._replace(netloc=parsed.hostname or "").geturl() if parsed.password else url
        return ImproperlyConfigured(f"{variable}={shown!r}: {why}")

    if parsed.scheme not in _SMTP_SCHEMES:
        raise refuse("the scheme must be smtp://, smtp+starttls:// or smtps://")
    try:
        port = parsed.port
    except ValueError as exc:
        raise refuse("the port is not a number from 1 to 65535") from exc
    if not parsed.hostname:
        raise refuse("no host name (smtp://host:port)")
    if parsed.path not in ("", "/") or parsed.query or parsed.fragment:
        raise refuse("an SMTP URL has no path or query (smtp://user:password@host:port)")
    starttls, ssl = _SMTP_SCHEMES[parsed.scheme]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname,
        "EMAIL_PORT": port or (465 if ssl else 587 if starttls else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": starttls,
        "EMAIL_USE_SSL": ssl,
    }


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("ORETRACE_DEBUG") == "1"
ALLOWED_HOSTS = [
    h for h in os.environ.get("ORETRACE_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "oretrace.registry",
    "oretrace.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "oretrace.web.portal_session.PortalMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "oretrace.web.middleware.StaffScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "oretrace.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oretrace.web.navigation.navigation",
            ]
        },
    }
]

DATABASES = {"default": database_from_url(os.environ.get("ORETRACE_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "files")},
    },
    # Whitenoise serves the app's and the admin's static files straight from the installed
    # package (WHITENOISE_USE_FINDERS): no collectstatic step, no separate web server.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Stored supplier files: readable by the account running oretrace only (see file_modes.py).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("ORETRACE_STATIC_ROOT") or None  # only for collectstatic
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Security: always-on headers, and the HTTPS-only ones when ORETRACE_HTTPS=1.
HTTPS = os.environ.get("ORETRACE_HTTPS") == "1"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("ORETRACE_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and os.environ.get("ORETRACE_HSTS_PRELOAD") == "1"
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [
        o for o in os.environ.get("ORETRACE_CSRF_TRUSTED_ORIGINS", "").split(",") if o
    ]
# ``check --deploy`` is clean in both modes, honestly: with ORETRACE_HTTPS=1 every HTTPS
# setting is on; without it, plain HTTP is a deliberate choice (a laptop, a closed network)
# and exactly the HTTPS-only warnings are silenced, as ``check --deploy`` reports ("N
# silenced"). HSTS preloading is a commitment of the whole domain, so it is opt-in.
SILENCED_SYSTEM_CHECKS: list[str] = []
if not HTTPS:
    SILENCED_SYSTEM_CHECKS += [
        "security.W004",  # SECURE_HSTS_SECONDS
        "security.W008",  # SECURE_SSL_REDIRECT
        "security.W012",  # SESSION_COOKIE_SECURE
        "security.W016",  # CSRF_COOKIE_SECURE
    ]
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")  # ORETRACE_HSTS_PRELOAD=1 to preload

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
#: The portal speaks the supplier's language: it follows the browser (Accept-Language) and
#: can be switched; ``.po`` files live in src/oretrace/locale, ``make`` compiles them.
LANGUAGES = [("en", "English"), ("ja", "日本語"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [str(Path(__file__).resolve().parent / "locale")]
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = HTTPS

#: Background work: Django's Tasks API (django-tasks backport), database backend. Our own
#: ``registry.Job`` rows carry progress, owner, scope and stale-job recovery (ADR 0009).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
#: A running job whose heartbeat is older than this is taken as abandoned by a dead worker.
ORETRACE_JOB_STALE_SECONDS = int(os.environ.get("ORETRACE_JOB_STALE_SECONDS", 120))
#: How often a running job writes its heartbeat.
ORETRACE_JOB_HEARTBEAT_SECONDS = float(os.environ.get("ORETRACE_JOB_HEARTBEAT_SECONDS", 10))
#: How many times the sweeper requeues an abandoned job before marking it failed.
ORETRACE_JOB_MAX_ATTEMPTS = int(os.environ.get("ORETRACE_JOB_MAX_ATTEMPTS", 3))
#: Uploaded files wait for the worker here (inside the data folder, never served).
ORETRACE_UPLOAD_DIR = Path(os.environ.get("ORETRACE_UPLOAD_DIR", DATA_DIR / "uploads")).resolve()
#: Largest upload, per file and per batch (bytes).
ORETRACE_UPLOAD_MAX_FILE_BYTES = int(
    os.environ.get("ORETRACE_UPLOAD_MAX_FILE_BYTES", 20 * 1024 * 1024)
)
ORETRACE_UPLOAD_MAX_BATCH_FILES = int(os.environ.get("ORETRACE_UPLOAD_MAX_BATCH_FILES", 500))
DATA_UPLOAD_MAX_NUMBER_FILES = ORETRACE_UPLOAD_MAX_BATCH_FILES
#: Official blank RMI templates offered on the portal (``RMI_CMRT_6.5.xlsx`` and the like);
#: without one for a campaign's family the portal offers oretrace's own layout.
ORETRACE_TEMPLATE_DIR = Path(
    os.environ.get("ORETRACE_TEMPLATE_DIR", DATA_DIR / "templates")
).resolve()

#: Limits for files read by ingest (bytes / rows); see oretrace.cmrt.limits.
ORETRACE_MAX_FILE_BYTES = int(os.environ.get("ORETRACE_MAX_FILE_BYTES", 50 * 1024 * 1024))

#: Records are kept this many years after the end of the reporting period they belong to
#: (docs/records.md). ``ORETRACE_RETENTION`` sets it per record kind; None keeps a kind for
#: good. Audit entries are always kept: the chain must stay verifiable (ADR 0014).
ORETRACE_RETENTION_YEARS = int(os.environ.get("ORETRACE_RETENTION_YEARS", 5))
ORETRACE_RETENTION: dict[str, int | None] = {
    "originals": ORETRACE_RETENTION_YEARS,
    "declarations": ORETRACE_RETENTION_YEARS,
    "review_decisions": ORETRACE_RETENTION_YEARS,
    "reports": ORETRACE_RETENTION_YEARS,
    "audit_entries": None,
}

#: E-mail (ADR 0015). Messages go through the outbox table; the worker sends them over SMTP
#: when ORETRACE_SMTP_URL is set, and leaves them queued (nothing lost) when it is not.
ORETRACE_SMTP_URL = os.environ.get("ORETRACE_SMTP_URL", "")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_TIMEOUT = int(os.environ.get("ORETRACE_SMTP_TIMEOUT", 30))
globals().update(email_from_url(ORETRACE_SMTP_URL))
DEFAULT_FROM_EMAIL = os.environ.get("ORETRACE_MAIL_FROM", "oretrace@localhost")
ORETRACE_MAIL_FROM = DEFAULT_FROM_EMAIL
ORETRACE_BASE_URL = os.environ.get("ORETRACE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
#: Outbox: attempts before a message fails for good, first retry delay (doubling each time,
#: capped), and how long a message may stay "sending" before it is taken as abandoned.
ORETRACE_MAIL_MAX_ATTEMPTS = int(os.environ.get("ORETRACE_MAIL_MAX_ATTEMPTS", 8))
ORETRACE_MAIL_RETRY_SECONDS = int(os.environ.get("ORETRACE_MAIL_RETRY_SECONDS", 60))
ORETRACE_MAIL_RETRY_MAX_SECONDS = int(os.environ.get("ORETRACE_MAIL_RETRY_MAX_SECONDS", 3600))
ORETRACE_MAIL_STUCK_SECONDS = int(os.environ.get("ORETRACE_MAIL_STUCK_SECONDS", 900))
#: How often ``oretrace worker`` drains the outbox and looks for reminders that are due.
ORETRACE_MAIL_INTERVAL_SECONDS = float(os.environ.get("ORETRACE_MAIL_INTERVAL_SECONDS", 30))

#: Supplier portal (docs/portal.md, ADR 0016). Failed link attempts allowed per address and
#: in total within the window before the portal answers 429 (counted in the database, so
#: every server process shares them).
ORETRACE_PORTAL_FAILURES_PER_IP = int(os.environ.get("ORETRACE_PORTAL_FAILURES_PER_IP", 20))
ORETRACE_PORTAL_FAILURES_GLOBAL = int(os.environ.get("ORETRACE_PORTAL_FAILURES_GLOBAL", 1000))
ORETRACE_PORTAL_FAILURE_WINDOW_SECONDS = int(
    os.environ.get("ORETRACE_PORTAL_FAILURE_WINDOW_SECONDS", 900)
)
#: Reverse proxies in front of the app (comma-separated addresses or networks, e.g.
#: ``127.0.0.1,10.0.0.0/8``). Only when the direct peer (REMOTE_ADDR) is one of them does the
#: portal read X-Forwarded-For, taking its right-most entry that is not a trusted proxy as
#: the client's address (rate limits, acknowledgements). Empty: REMOTE_ADDR is the client.
ORETRACE_TRUSTED_PROXIES = tuple(
    p.strip() for p in os.environ.get("ORETRACE_TRUSTED_PROXIES", "").split(",") if p.strip()
)
for _proxy in ORETRACE_TRUSTED_PROXIES:  # refuse a typo at start-up, not on a supplier's visit
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"ORETRACE_TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from _exc
#: Largest portal upload request (all files together, bytes): refused from its
#: Content-Length before the body is read. Each file is also held to
#: ORETRACE_UPLOAD_MAX_FILE_BYTES while it streams in.
ORETRACE_PORTAL_MAX_REQUEST_BYTES = int(
    os.environ.get("ORETRACE_PORTAL_MAX_REQUEST_BYTES", 5 * ORETRACE_UPLOAD_MAX_FILE_BYTES)
)
#: How long a portal session lasts without use (seconds); the link itself also still has
#: to be valid on every request.
ORETRACE_PORTAL_SESSION_SECONDS = int(os.environ.get("ORETRACE_PORTAL_SESSION_SECONDS", 4 * 3600))
