"""Django settings: SQLite in a data folder by default, PostgreSQL through a database URL.

Environment:
- ``ORETRACE_DATA_DIR``: where the SQLite database, stored files and the generated secret
  key live (default ``./oretrace-data``).
- ``ORETRACE_DATABASE_URL``: e.g. ``postgres://user:pass@host:5432/oretrace``; unset means
  SQLite at ``$ORETRACE_DATA_DIR/oretrace.sqlite3``.
- ``ORETRACE_SECRET_KEY``: the Django secret; unset means one generated once per data folder.
- ``ORETRACE_DEBUG``: "1" for development.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

DATA_DIR = Path(os.environ.get("ORETRACE_DATA_DIR", "oretrace-data")).resolve()


def _secret_key() -> str:
    configured = os.environ.get("ORETRACE_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
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
    "oretrace.registry",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_URL = "static/"
STATIC_ROOT = str(DATA_DIR / "static")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

#: Limits for files read by ingest (bytes / rows); see oretrace.cmrt.limits.
ORETRACE_MAX_FILE_BYTES = int(os.environ.get("ORETRACE_MAX_FILE_BYTES", 50 * 1024 * 1024))
