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

from oretrace.registry.file_modes import private_folder

DATA_DIR = Path(os.environ.get("ORETRACE_DATA_DIR", "oretrace-data")).resolve()


def _secret_key() -> str:
    configured = os.environ.get("ORETRACE_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        private_folder(DATA_DIR)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


def database_from_url(url: str | None) -> dict[str, Any]:
    """Django DATABASES['default'] from a URL (postgres://, postgresql://, sqlite:///path)."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "oretrace.sqlite3"),
            "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parsed.path) or ":memory:"}
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
# Stored supplier files: readable by the account running oretrace only (see file_modes.py).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STATIC_URL = "static/"
STATIC_ROOT = str(DATA_DIR / "static")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

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
