"""Shared fixtures: where the real corpus lives (skipped cleanly when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI explores the same examples every run (a red CI is then always reproducible); locally
# each run draws new ones. No per-example deadline: the machines are small and shared.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus_cmrt() -> Path:
    folder = CORPUS / "cmrt"
    if not folder.is_dir():
        pytest.skip(f"real template corpus not found at {folder}")
    return folder


# A real SMTP server for e-mail tests (tests/smtp_server.py): ``smtp_server`` fixture.
from tests.smtp_server import smtp_server  # noqa: E402, F401


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile stale translation catalogues (``make messages`` does it for ``make test``), so
    pages and e-mails speak Japanese and Chinese when pytest is run directly, too."""
    import shutil
    import subprocess

    if shutil.which("msgfmt") is None:
        return
    for po in (REPO / "src" / "oretrace" / "locale").glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)
