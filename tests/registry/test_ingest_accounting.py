"""Every file given to ingest is accounted for: a new declaration, already known, or a
recorded error; a file that cannot be read is never stored nor counted as known."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from oretrace.registry.models import Declaration, RejectedFile, StoredFile
from oretrace.registry.services.files import read_stored
from oretrace.registry.services.ingest import IngestSummary, ingest
from tests.registry.conftest import write_supplier

pytestmark = pytest.mark.django_db


def _accounted(summary: IngestSummary) -> bool:
    data = summary.as_json()
    return data["files"] == data["new"] + data["already_known"] + data["errors"]


def test_unreadable_entries_are_recorded_never_stored(tmp_path: Path, settings: Any) -> None:
    folder = tmp_path / "in"
    good = write_supplier(folder, "Good Metals", dt.date(2025, 4, 1))
    secret = tmp_path / "secret.xlsx"
    secret.write_bytes(b"PK\x03\x04 not for storage")
    (folder / "secret-link.xlsx").symlink_to(secret)
    (folder / "later.xlsx").symlink_to(folder / "later-target.bin")
    os.mkfifo(folder / "pipe.xlsx")
    big = folder / "big.xlsx"
    big.write_bytes(os.urandom(good.stat().st_size + 10))
    settings.ORETRACE_MAX_FILE_BYTES = good.stat().st_size + 5

    first = ingest([folder], 2025, "test")
    assert _accounted(first)
    assert (first.files, first.new, first.already_known, first.errors) == (5, 1, 0, 4)
    assert first.error_codes == {"outside_folder": 1, "unreadable_file": 2, "too_large": 1}
    rejected = {Path(r.path).name: r.code for r in RejectedFile.objects.all()}
    assert rejected == {
        "secret-link.xlsx": "outside_folder",
        "later.xlsx": "unreadable_file",
        "pipe.xlsx": "unreadable_file",
        "big.xlsx": "too_large",
    }
    stored = [read_stored(s) for s in StoredFile.objects.all()]
    assert stored == [good.read_bytes()]  # no secret, no 0-byte file, no too-large copy
    files_in_storage = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert len(files_in_storage) == 1

    again = ingest([folder], 2025, "test")
    assert _accounted(again)
    assert (again.new, again.already_known, again.errors) == (0, 1, 4)  # errors stay errors
    assert RejectedFile.objects.get(path__endswith="later.xlsx").attempts == 2

    shutil.copy(
        write_supplier(tmp_path / "fixed", "Later Metals", dt.date(2025, 5, 1)),
        folder / "later-target.bin",
    )
    fixed = ingest([folder], 2025, "test")
    assert _accounted(fixed)
    assert (fixed.new, fixed.already_known, fixed.errors) == (1, 1, 3)
    later = RejectedFile.objects.get(path__endswith="later.xlsx")
    assert later.resolved_by is not None and later.resolved_by.company_name == "Later Metals"
    assert Declaration.objects.count() == 2


def test_json_summary_keeps_its_keys_and_adds_the_accounting(tmp_path: Path) -> None:
    write_supplier(tmp_path / "in", "Good Metals", dt.date(2025, 4, 1))
    (tmp_path / "in" / "gone.xlsx").symlink_to(tmp_path / "in" / "nothing")
    data = ingest([tmp_path / "in"], 2025, "test").as_json()
    for key in (
        "period",
        "files",
        "new",
        "already_known",
        "unreadable",
        "with_findings",
        "suppliers_created",
        "superseded",
        "smelter_rows",
        "identification",
        "seconds",
    ):
        assert key in data
    assert (data["files"], data["new"], data["errors"]) == (2, 1, 1)
    assert data["error_codes"] == {"unreadable_file": 1}
