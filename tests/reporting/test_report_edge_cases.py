"""Empty and hostile snapshots: nothing crashes, EDGAR's rules hold, placeholders show."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import docx
import lxml.html
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oretrace.reporting.build import build_report
from oretrace.reporting.cmr import conflict_minerals_report
from oretrace.reporting.data import (
    METALS_3TG,
    CorrectiveAction,
    MetalConclusion,
    Organisation,
    ReportData,
    ScopeEntry,
    SmelterLine,
    SmelterRowLine,
    SupplierLine,
)
from oretrace.reporting.figures import appendix_order
from oretrace.reporting.form_sd import form_sd
from oretrace.reporting.html import edgar_html, edgar_violations

REPO = Path(__file__).resolve().parents[2]
EMPTY = ReportData(period=2025, as_of=dt.date(2026, 5, 1))
NO_SMELTERS = ReportData(
    period=2025,
    as_of=dt.date(2026, 5, 1),
    suppliers_surveyed=2,
    suppliers=(SupplierLine("1", "Only Supplier", False, "no response"),),
)


@pytest.mark.parametrize("mode", ["rcoi", "cmr"])
@pytest.mark.parametrize("data", [EMPTY, NO_SMELTERS], ids=["empty", "no-smelters"])
def test_empty_snapshots_build(data: ReportData, mode: str, tmp_path: Path) -> None:
    written = build_report(data, tmp_path, mode)
    assert len(written) == (14 if mode == "cmr" else 12)
    for path in tmp_path.glob("*.htm"):
        assert edgar_violations(path.read_bytes()) == []
    text = lxml.html.fromstring((tmp_path / "form-sd.htm").read_bytes()).text_content()
    assert "[To be completed: Organisation.website]" in text
    assert f"surveyed {data.suppliers_surveyed} supplier" in text
    assert "a response rate of 0.0%" in text
    sheets = openpyxl.load_workbook(tmp_path / "exports.xlsx")
    rows = [sheets[n].max_row for n in sheets.sheetnames]
    assert rows == [14, 1, 1, len(data.suppliers) + 1, 1, 1]


def test_empty_exhibit_names_every_setting_to_fill(tmp_path: Path) -> None:
    build_report(EMPTY, tmp_path, "cmr")
    text = lxml.html.fromstring((tmp_path / "ex-1.01.htm").read_bytes()).text_content()
    for field in (
        "company_overview", "products_overview", "policy_summary", "team",
        "supplier_engagement", "grievance_mechanism", "memberships", "record_keeping",
        "independent_audit", "risk_mitigation",
    ):  # fmt: skip
        assert f"[To be completed: Organisation.{field}]" in text


@pytest.mark.parametrize(
    "html",
    [
        b"<html><body><script>alert(1)</script></body></html>",
        b'<html><body><img src="chart.png"></body></html>',
        b'<html><body><a href="https://example.com">x</a></body></html>',
        b"<html><body><table><tr><td><table></table></td></tr></table></body></html>",
        b'<html><body><p onclick="x()">x</p></body></html>',
        b'<html><body><p style="background: url(http://x/y.png)">x</p></body></html>',
        b"<html><body><svg></svg></body></html>",
        "<html><body><p>caf\u00e9</p></body></html>".encode(),
    ],
)
def test_edgar_check_finds_what_edgar_refuses(html: bytes) -> None:
    assert edgar_violations(html) != []


def test_edgar_check_accepts_a_plain_document() -> None:
    html = b'<html><body><p style="text-align: center">x</p><a href="#top">t</a></body></html>'
    assert edgar_violations(html) == []


_words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
) | st.sampled_from(["<script>", "Fe & Co", "https://x.example", "S\u00e3o Paulo", "\u682a\u5f0f"])
_smelters = st.builds(
    SmelterLine,
    smelter_id=_words,
    name=_words,
    metal=st.sampled_from(METALS_3TG),
    country=_words,
    status=st.sampled_from(["Conformant", "Active", "", "Non-Conformant"]),
    conformant=st.booleans(),
)
_rows = st.builds(
    SmelterRowLine,
    supplier=_words,
    file=_words,
    row=st.integers(1, 500),
    metal=st.sampled_from(METALS_3TG),
    reported_id=_words,
    reported_name=_words,
    reported_country=_words,
    decision=st.sampled_from(["auto", "confirmed", "review", "none", ""]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=_words,
    smelters=st.lists(_smelters, max_size=8),
    rows=st.lists(_rows, max_size=8),
    scope=st.lists(st.builds(ScopeEntry, _words, _words, _words), max_size=4),
    surveyed=st.integers(0, 50),
    responded=st.integers(0, 50),
    mode=st.sampled_from(["rcoi", "cmr"]),
)
def test_any_snapshot_renders_to_valid_edgar_html(
    name: str,
    smelters: list[SmelterLine],
    rows: list[SmelterRowLine],
    scope: list[ScopeEntry],
    surveyed: int,
    responded: int,
    mode: str,
) -> None:
    data = ReportData(
        period=2025,
        as_of=dt.date(2026, 5, 1),
        organisation=Organisation(legal_name=name, short_name=name, website=name),
        scope=tuple(scope),
        suppliers_surveyed=surveyed,
        suppliers_responded=min(responded, surveyed),
        smelters=tuple(smelters),
        smelter_rows=tuple(rows),
        corrective_actions=(CorrectiveAction(name, name, name, "error", name, name, name),),
    )
    documents = [form_sd(data, mode)] + ([conflict_minerals_report(data)] if mode == "cmr" else [])
    for document in documents:
        html = edgar_html(document)
        assert edgar_violations(html) == []
        assert b"<script" not in html
    if mode == "cmr":
        tables = conflict_minerals_report(data).tables()
        listed = [row[3] for table in tables[-2:] for row in table.rows]
        assert listed == [s.smelter_id for s in appendix_order(data.smelters) if s.conformant] + [
            s.smelter_id for s in appendix_order(data.smelters) if not s.conformant
        ]


def test_control_characters_from_supplier_files_do_not_break_docx_or_edgar(
    tmp_path: Path,
) -> None:
    smelter = SmelterLine("CID000001", "Bad\x0bName\x00Ltd", "Tin", "Peru\x07", "Active")
    data = ReportData(
        period=2025,
        as_of=dt.date(2026, 5, 1),
        organisation=Organisation(legal_name="Acme\x0c Inc."),
        smelters=(smelter,),
    )
    build_report(data, tmp_path, "cmr")
    assert edgar_violations((tmp_path / "ex-1.01.htm").read_bytes()) == []
    table = docx.Document(str(tmp_path / "ex-1.01.docx")).tables[-1]
    assert [c.text for c in table.rows[1].cells][:3] == ["Tin", "Peru ", "Bad Name Ltd"]


def _hashes(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def test_another_process_with_another_hash_seed_builds_the_same_bytes(tmp_path: Path) -> None:
    from tests.reporting.report_example import example_report_data

    data = example_report_data()
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(data.to_json(), encoding="utf-8")
    build_report(data, tmp_path / "here", "cmr")
    script = (
        "import sys, pathlib\n"
        "from oretrace.reporting.data import ReportData\n"
        "from oretrace.reporting.build import build_report\n"
        "data = ReportData.from_json(pathlib.Path(sys.argv[1]).read_text(encoding='utf-8'))\n"
        "build_report(data, pathlib.Path(sys.argv[2]), 'cmr')\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "TZ": "Pacific/Kiritimati"}
    subprocess.run(
        [sys.executable, "-c", script, str(snapshot), str(tmp_path / "there")],
        check=True,
        env=env,
        cwd=REPO,
    )
    assert _hashes(tmp_path / "here") == _hashes(tmp_path / "there")


@pytest.mark.parametrize(
    ("conclusions", "expected", "absent"),
    [
        (
            ("not_from_covered_countries", "recycled_or_scrap_only", "no_3tg_necessary"),
            "has no reason to believe",
            "could not determine",
        ),
        (
            ("not_from_covered_countries", "undeterminable", "undeterminable"),
            "could not determine the country of origin of all of the tantalum and tin.",
            "has no reason to believe",
        ),
        (
            ("may_be_from_covered_countries", "not_from_covered_countries", "undeterminable"),
            "some of the gold necessary to its products may have originated in the Covered "
            "Countries and may not be from recycled or scrap sources and could not determine the "
            "country of origin of all of the tin.",
            "has no reason to believe",
        ),
    ],
)
def test_the_determination_follows_the_conclusions(
    conclusions: tuple[str, str, str], expected: str, absent: str
) -> None:
    rcoi = tuple(
        MetalConclusion(metal, conclusion)
        for metal, conclusion in zip(("Gold", "Tantalum", "Tin"), conclusions, strict=True)
    )
    data = ReportData(period=2025, as_of=dt.date(2026, 5, 1), rcoi=rcoi)
    favourable = "has no reason" in expected
    for mode in ("rcoi", "cmr"):
        text = " ".join(form_sd(data, mode).text().split())
        assert expected in text and absent not in text
        assert ("Item 1.01(a) and (b) only" in text) is (mode == "rcoi" and not favourable)


def test_empty_charts_have_no_negative_axis() -> None:
    from oretrace.reporting.charts import _draw
    from oretrace.reporting.figures import charts

    for chart in charts(ReportData(period=2019, as_of=dt.date(2020, 5, 1))):
        axes = _draw(chart).axes[0]
        low, high = axes.get_xlim() if chart.horizontal else axes.get_ylim()
        assert low == 0 and high > 0, chart.name


def test_the_dashboards_svg_is_the_reports_svg() -> None:
    """The web dashboard draws only the SVG (``render_svg``): byte for byte the report's."""
    from oretrace.reporting.charts import render, render_svg
    from oretrace.reporting.figures import ChartData, Series

    chart = ChartData("risk", "Suppliers by risk", "risk", "suppliers", ("high", "low"),
                      (Series("suppliers", (12, 30)),))  # fmt: skip
    assert render_svg(chart) == render(chart).svg
    assert render_svg(chart).startswith(b"<?xml")
