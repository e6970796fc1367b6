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
