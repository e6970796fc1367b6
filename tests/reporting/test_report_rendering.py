"""The report documents as a reader sees them: the DOCX rendered by LibreOffice, the HTML
printed by Chromium, both to PDF, and their pages checked.

Skips cleanly when LibreOffice Writer, Chromium or poppler's pdftotext are missing (CI
installs them: scripts/ensure-libreoffice.sh, Debian's chromium).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from oretrace.reporting.build import build_report
from tests.reporting.report_example import example_report_data

LETTER_WIDTH = 612.0  # points
MARGIN = 72.0  # one inch, as render_docx sets it
WRITER = Path("/usr/lib/libreoffice/program/libswlo.so")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rendered")
    build_report(example_report_data(), out, "cmr")
    return out


def _docx_to_pdf(source: Path, out: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or not WRITER.exists():
        pytest.skip("LibreOffice Writer is not installed (libreoffice-writer-nogui)")
    profile = out / "lo-profile"
    profile.mkdir(parents=True, exist_ok=True)
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        str(source),
    ]
    env = {**os.environ, "HOME": str(profile)}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return out / f"{source.stem}.pdf"


def _html_to_pdf(source: Path, out: Path) -> Path:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed")
    target = out / f"{source.stem}.pdf"
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        f"--user-data-dir={out / 'chromium-profile'}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={target}",
        source.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert target.exists(), done.stderr[-2000:]
    return target


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def _words(pdf: Path) -> list[tuple[float, float, str]]:
    """(xMin, xMax, word) of every word on every page."""
    html = subprocess.run(
        [_tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        (float(a), float(b), w)
        for a, b, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', html
        )
    ]


@pytest.mark.parametrize(("stem", "pages"), [("form-sd", (2, 6)), ("ex-1.01", (6, 20))])
def test_docx_pages_read_as_a_filing(
    built: Path, tmp_path: Path, stem: str, pages: tuple[int, int]
) -> None:
    pdf = _docx_to_pdf(built / f"{stem}.docx", tmp_path)
    text = _pages(pdf)
    low, high = pages
    assert low <= len(text) <= high, len(text)
    for number, page in enumerate(text, start=1):  # the footer's fields, as LibreOffice fills them
        assert f"Page {number} of {len(text)}" in page, number
    words = _words(pdf)
    assert words
    right = LETTER_WIDTH - MARGIN + 2
    wide = [w for x0, x1, w in words if x0 < MARGIN - 2 or x1 > right]
    assert not wide, f"text outside the text area: {wide[:10]}"
    joined = " ".join(" ".join(text).split())
    assert "incorporat ion" not in joined and "incorpora- tion" not in joined


def test_form_sd_cover_is_centred_like_the_form(built: Path, tmp_path: Path) -> None:
    pdf = _docx_to_pdf(built / "form-sd.docx", tmp_path)
    words = _words(pdf)
    (x0, x1) = next((a, b) for a, b, w in words if w == "SD")  # "FORM SD"
    middle = (x0 + x1) / 2
    assert abs(middle - LETTER_WIDTH / 2) < 60, middle  # centred, not left-aligned
    assert "(IRS Employer Identification No.)" in " ".join(" ".join(_pages(pdf)).split())


@pytest.mark.parametrize("name", ["form-sd.htm", "ex-1.01.htm", "report.html"])
def test_html_prints_within_the_page(built: Path, tmp_path: Path, name: str) -> None:
    pdf = _html_to_pdf(built / name, tmp_path)
    pages = _pages(pdf)
    assert 1 <= len(pages) <= 30
    words = _words(pdf)
    width = float(
        re.search(
            r'<page width="([\d.]+)"',
            subprocess.run(
                [_tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True
            ).stdout,
        ).group(1)  # type: ignore[union-attr]
    )
    assert not [w for _, x1, w in words if x1 > width], "text beyond the page's right edge"
    assert "Kasumi" in " ".join(pages)
