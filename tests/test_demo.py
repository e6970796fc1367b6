"""The demo's sample suppliers: each one shows the mistake it was written to show."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from oretrace.cmrt.batch import check_files, collect_files
from oretrace.demo import write_samples


def test_samples_show_their_mistakes(tmp_path: Path) -> None:
    write_samples(tmp_path)
    results = {Path(r.file).name: r for r in check_files(collect_files([tmp_path]), workers=1)}
    errors = {name: r.error.code.value for name, r in results.items() if r.error}
    assert errors == {
        "locked_unknown-password.xlsx": "encrypted",
        "scan-renamed.xls": "not_a_workbook",
    }

    def codes(name: str) -> set[str]:
        return {f.code for f in results[name].findings}

    assert codes("acme-metals_cmrt-6.5.xlsx") == set()
    assert codes("velvet_encrypted-default-password.xlsx") == set()
    assert {"invalid_email", "date_as_text"} <= codes("kaito_cmrt-6.4.xlsx")
    assert "scope_b_without_products" in codes("northwind_cmrt-6.4.xlsx")
    assert {"formula_overwritten", "smelter_duplicate"} <= codes("blue_cmrt-6.22.xlsx")
    assert {"smelter_id_placeholder", "column_shift", "answer_not_allowed"} <= codes(
        "sakura_cmrt-6.31.xlsx"
    )
    assert {"revision_outdated", "smelter_id_legacy"} <= codes("legacy_cmrt-3.01.xlsx")


def test_make_demo_runs_end_to_end(tmp_path: Path) -> None:
    """What `make demo` runs, in its own process and database, with a small group."""
    done = subprocess.run(
        [sys.executable, "-m", "oretrace.demo", str(tmp_path), "40"],
        capture_output=True,
        text=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if not k.startswith(("ORETRACE_", "DJANGO_"))},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "10 file(s): 8 read, 2 unreadable" in out
    assert "suppliers: 40 created" in out
    assert "period 2025:" in out and "new declarations" in out
    assert "response rate" in out and "RCOI" in out
    minerals = out.split("Extended minerals (EMRT, CRT, AMRT")[1].split("$ oretrace")[0]
    assert "Cobalt" in minerals and "2 declaring" in minerals  # the EMRT's and the CRT's
    assert "Aluminum" in minerals and "Silver" in minerals  # the AMRT's
    assert "Appendix 2 (conformant/known not conformant)" in out
    assert (tmp_path / "data" / "oretrace.sqlite3").exists()
    report = tmp_path / "report"
    for name in ("form-sd.htm", "ex-1.01.htm", "form-sd.docx", "exports.xlsx", "our-cmrt.xlsx"):
        assert (report / name).is_file(), name
    assert "our-cmrt.xlsx" in out and "Checker: 0 missing" in out
    assert f"ORETRACE_DATA_DIR={tmp_path / 'data'} .venv/bin/oretrace serve" in out
    for name in ("demo-admin", "demo-officer", "demo-reviewer", "demo-auditor"):
        assert f"added {name}:" in out and name in out.split("3. The web app")[1]
