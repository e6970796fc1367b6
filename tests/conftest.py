"""Shared fixtures: where the real corpus lives (skipped cleanly when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus_cmrt() -> Path:
    folder = CORPUS / "cmrt"
    if not folder.is_dir():
        pytest.skip(f"real template corpus not found at {folder}")
    return folder
