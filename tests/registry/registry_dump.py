"""Print what a registry holds, in a form two runs can be compared by (JSON on stdout).

Run as ``python -m tests.registry.registry_dump`` with ``ORETRACE_DATA_DIR`` (and
``ORETRACE_DATABASE_URL``) set to the database to read. Primary keys, times and the path a
file happened to be ingested from are left out; declarations are keyed by their file's
sha256. The ``supplier_created`` finding lands on whichever revision created the supplier
first, so it is counted, not placed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


def dump() -> dict[str, Any]:
    from django.conf import settings

    from oretrace.registry.models import (
        Declaration,
        DeclarationSmelter,
        Finding,
        RejectedFile,
        StoredFile,
        Supplier,
    )

    declarations: dict[str, Any] = {}
    for d in Declaration.objects.select_related(
        "supplier", "stored_file", "supersedes__stored_file"
    ):
        declarations[d.stored_file.sha256] = {
            "period": d.period.year,
            "status": d.status,
            "error_code": d.error_code,
            "supplier": [d.supplier.normalised_name, d.supplier.unique_id] if d.supplier else None,
            "company_name": d.company_name,
            "effective_date": str(d.effective_date),
            "scope_key": d.scope_key,
            "revision_number": d.revision_number,
            "is_current": d.is_current,
            "supersedes": d.supersedes.stored_file.sha256 if d.supersedes else None,
            "findings": sorted(
                [f.code, f.severity, f.cell] for f in d.findings.exclude(code="supplier_created")
            ),
            "products": sorted([p.row, p.number, p.name] for p in d.products.all()),
            "smelters": [
                [
                    s.row,
                    s.metal,
                    s.reported_id,
                    s.name,
                    s.country,
                    s.method,
                    s.decision,
                    s.smelter.smelter_id if s.smelter else None,
                ]
                for s in DeclarationSmelter.objects.filter(declaration=d)
                .select_related("smelter")
                .order_by("row")
            ],
        }
    storage = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return {
        "declarations": declarations,
        "declarations_total": Declaration.objects.count(),
        "suppliers": sorted(
            [s.normalised_name, s.unique_id, s.unverified] for s in Supplier.objects.all()
        ),
        "suppliers_created_findings": Finding.objects.filter(code="supplier_created").count(),
        "stored_files": sorted(
            [s.sha256, s.size, s.content.name] for s in StoredFile.objects.all()
        ),
        "storage": sorted(str(p.relative_to(storage)) for p in storage.rglob("*") if p.is_file())
        if storage.exists()
        else [],
        "rejected": sorted([Path(r.path).name, r.code] for r in RejectedFile.objects.all()),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oretrace.settings")
    import django

    django.setup()
    sys.stdout.write(json.dumps(dump(), sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
