"""Official blank templates kept by `oretrace templates import`: read by their bytes, refused
when filled in or not a template, replaced without loss, used by the roll-up and the portal."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from oretrace.cli import main
from oretrace.cmrt.revisions import Family
from oretrace.cmrt.writer import Draft, draft_bytes
from oretrace.registry.models import AuditEntry
from oretrace.registry.services.official_templates import (
    TemplateRefused,
    import_template,
    kept_templates,
    newest_official,
)
from tests.registry.test_reports import _registry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _template_dir(settings: Any, tmp_path: Path) -> Path:
    settings.ORETRACE_TEMPLATE_DIR = tmp_path / "templates"
    return Path(settings.ORETRACE_TEMPLATE_DIR)


def _blank(revision: str = "6.5", family: Family = Family.CMRT, **company: str) -> bytes:
    return draft_bytes(Draft(family, revision, company=dict(company)))


def _restored(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item), zipfile.ZIP_STORED)
    return out.getvalue()


def test_a_blank_template_is_kept_under_its_family_and_revision(tmp_path: Path) -> None:
    data = _blank("6.5")
    kept = import_template(data, "downloaded (1).xlsx", "test")
    assert (kept.family, kept.revision, kept.name, kept.outcome) == (
        "CMRT",
        "6.5",
        "RMI_CMRT_6.5.xlsx",
        "new",
    )
    stored = tmp_path / "templates" / "RMI_CMRT_6.5.xlsx"
    assert stored.read_bytes() == data
    assert stored.stat().st_mode & 0o077 == 0, "kept templates are private"
    assert import_template(data, "again.xlsx", "test").outcome == "same"
    entries = AuditEntry.objects.filter(action="templates.imported")
    assert entries.count() == 1
    assert entries.get().data["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_different_file_of_the_same_revision_replaces_it_and_the_old_one_is_kept(
    tmp_path: Path,
) -> None:
    first = _blank("6.5")
    import_template(first, "a.xlsx", "test")
    second = _restored(first)  # the same workbook, stored uncompressed: other bytes
    assert second != first
    kept = import_template(second, "b.xlsx", "test")
    assert kept.outcome == "replaced" and kept.replaced_by_name
    folder = tmp_path / "templates"
    assert (folder / "RMI_CMRT_6.5.xlsx").read_bytes() == second
    assert (folder / kept.replaced_by_name).read_bytes() == first
    assert [k.name for k in kept_templates()] == ["RMI_CMRT_6.5.xlsx"]


def test_filled_in_files_and_non_templates_are_refused_and_nothing_is_kept(
    tmp_path: Path,
) -> None:
    with pytest.raises(TemplateRefused, match="company name is filled in"):
        import_template(_blank("6.5", company_name="Acme Metals"), "acme.xlsx", "test")
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
    with pytest.raises(TemplateRefused, match="photo.xlsx"):
        import_template(jpeg, "photo.xlsx", "test")
    assert kept_templates() == []
    assert not AuditEntry.objects.filter(action="templates.imported").exists()


def test_the_newest_revision_of_a_family_is_offered() -> None:
    import_template(_blank("6.4"), "old.xlsx", "test")
    newest = _blank("6.5")
    import_template(newest, "new.xlsx", "test")
    import_template(_blank("2.1", Family.EMRT), "emrt.xlsx", "test")
    assert newest_official(Family.CMRT) == newest
    assert newest_official(Family.CRT) is None
    assert {(k.family, k.revision) for k in kept_templates()} == {
        ("CMRT", "6.4"),
        ("CMRT", "6.5"),
        ("EMRT", "2.1"),
    }


def test_cli_import_and_list(tmp_path: Path) -> None:
    good, bad = tmp_path / "blank.xlsx", tmp_path / "filled.xlsx"
    good.write_bytes(_blank("6.5"))
    bad.write_bytes(_blank("6.5", company_name="Acme"))
    result = CliRunner().invoke(main, ["templates", "import", str(good), str(bad), "--json"])
    assert result.exit_code == 1, result.output
    rows = json.loads(result.output)
    assert rows[0]["kept_as"] == "RMI_CMRT_6.5.xlsx" and rows[0]["outcome"] == "new"
    assert "company name is filled in" in rows[1]["error"]
    listed = CliRunner().invoke(main, ["templates", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [k["name"] for k in json.loads(listed.output)] == ["RMI_CMRT_6.5.xlsx"]


def test_the_rollup_fills_the_kept_cmrt_when_no_template_is_given(
    tmp_path: Path, corpus_cmrt: Path
) -> None:
    official = corpus_cmrt / "cmr__RMI_CMRT_6.5.xlsx"
    if not official.exists():
        pytest.skip("the official CMRT 6.5 is not in the corpus")
    _registry(tmp_path)
    kept = import_template(official.read_bytes(), official.name, "test")
    assert kept.revision == "6.5"
    target = tmp_path / "ours.xlsx"
    result = CliRunner().invoke(main, ["rollup", "--period", "2025", "-o", str(target)])
    assert result.exit_code == 0, result.output
    issued = AuditEntry.objects.get(action="rollup.issued")
    assert issued.data["template_sha256"] == kept.sha256
