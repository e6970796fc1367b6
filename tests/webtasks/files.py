"""Supplier workbooks for the web-task tests, written by the project's own CMRT writer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from oretrace.cmrt.writer import write_draft
from oretrace.demo import cmrt_draft

#: A smelter name identification cannot settle alone (a plant's nickname, no ID).
NICKNAME = "Fundicion Minsur Pisco plant"


def odd_row(name: str = NICKNAME) -> dict[str, object]:
    return {"metal": "Tin", "lookup": "Smelter not listed", "name": name, "country": "PERU"}


def supplier_file(folder: Path, company: str, nickname: str | None = None) -> Path:
    draft = cmrt_draft(company, "6.4", ("Tin",))
    draft.company["effective_date"] = dt.date(2025, 4, 1)
    if nickname:
        draft.smelters = [*draft.smelters, odd_row(nickname)]  # type: ignore[list-item]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{company.split()[0].lower()}.xlsx"
    write_draft(draft, path)
    return path
