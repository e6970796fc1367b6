"""Dump what an ingest stored, in a form two registries can be compared by (``diff``).

    ORETRACE_DATA_DIR=DIR .venv/bin/python benchmarks/ingest_dump.py > after.jsonl

One JSON line per declaration, sorted by file name: its stored file (sha256, size), its
supplier (name, normalised name, unique ID, unverified), every field of the declaration
but database keys and times, its revision links (as file names), and its findings,
products and smelter rows (every column but keys). Two ingests of the same files — one
before a change to the ingest path, one after — must give the same dump: the check that
a speed-up changed nothing that is stored (docs/adr/0023-ingest-at-reading-speed.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import PurePath
from typing import Any


def dump() -> list[dict[str, Any]]:
    from oretrace.registry.models import Declaration

    names = {
        d.pk: PurePath(d.source_path).name
        for d in Declaration.objects.only("pk", "source_path").iterator()
    }
    rows: list[dict[str, Any]] = []
    query = Declaration.objects.select_related("stored_file", "supplier", "period")
    for item in query.prefetch_related("findings", "products", "smelters").iterator(500):
        supplier = item.supplier
        rows.append(
            {
                "file": names[item.pk],
                "period": item.period.year,
                "sha256": item.stored_file.sha256,
                "size": item.stored_file.size,
                "original_name": item.stored_file.original_name,
                "supplier": None
                if supplier is None
                else [
                    supplier.name,
                    supplier.normalised_name,
                    supplier.unique_id,
                    supplier.unverified,
                ],
                "declaration": {
                    f.attname: _plain(getattr(item, f.attname))
                    for f in item._meta.concrete_fields
                    if f.attname
                    not in {
                        "id",
                        "period_id",
                        "supplier_id",
                        "stored_file_id",
                        "supersedes_id",
                        "ingested_at",
                        "source_path",
                    }
                },
                "supersedes": names.get(item.supersedes_id or 0),
                "findings": sorted(
                    (f.code, f.severity, f.cell, f.message) for f in item.findings.all()
                ),
                "products": sorted((p.row, p.number, p.name) for p in item.products.all()),
                "smelters": sorted(
                    json.dumps(_columns(s), sort_keys=True, default=str)
                    for s in item.smelters.all()
                ),
            }
        )
    rows.sort(key=lambda r: r["file"])
    return rows


def _columns(row: Any) -> dict[str, Any]:
    return {
        f.attname: _plain(getattr(row, f.attname))
        for f in row._meta.concrete_fields
        if f.attname not in {"id", "declaration_id"}
    }


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | dict | list | None) else str(value)


def main() -> int:
    from oretrace.cli.database import open_registry

    open_registry(migrate=False)
    for row in dump():
        sys.stdout.write(json.dumps(row, sort_keys=True, ensure_ascii=False, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
