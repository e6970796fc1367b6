"""Registry tests run on the database Django is configured for (SQLite, or PostgreSQL when
ORETRACE_DATABASE_URL is set) and keep stored files in a temporary folder."""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from oretrace.cmrt.revisions import Family
from oretrace.cmrt.writer import Draft, write_draft
from oretrace.demo import cmrt_draft


@pytest.fixture(autouse=True)
def _file_storage(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORETRACE_REFERENCE_DIR", str(tmp_path / "reference"))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }


def write_supplier(
    folder: Path,
    company: str,
    effective: dt.date,
    *,
    name: str | None = None,
    revision: str = "6.4",
    metals: tuple[str, ...] = ("Tin",),
) -> Path:
    draft: Draft = cmrt_draft(company, revision, metals)
    draft.company["effective_date"] = effective
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{company.split()[0].lower()}-{effective:%Y%m%d}.xlsx")
    write_draft(draft, path)
    return path


def demo_profile() -> dict[str, Any]:
    """The demo's organisation profile: every filer fact a final report needs."""
    text = resources.files("oretrace").joinpath("data", "demo-profile.toml").read_text("utf-8")
    return tomllib.loads(text)


__all__ = ["Family", "demo_profile", "write_supplier"]
