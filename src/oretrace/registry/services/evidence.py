"""The auditor's evidence package: one period (optionally one supplier) in a zip file.

The package holds the originals as received, every declaration as read (JSON, with its
findings, smelter rows, identification decisions, review history and corrections), the
report sets issued for the period when they can be found or rebuilt byte-identically, the
audit entries of that scope, a ``SHA256SUMS`` file that ``sha256sum -c`` checks, and a
README. It is reproducible: the same registry gives the same bytes (sorted members, fixed
timestamps, no clock reading).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from django.db.models import Q

from oretrace.registry.models import (
    AuditChainHead,
    AuditEntry,
    Correction,
    Declaration,
    ReportingPeriod,
    ReviewDecision,
    StoredFile,
    Supplier,
)
from oretrace.registry.services.files import read_stored

#: Every member gets this time, so the same content gives the same zip bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SUMS = "SHA256SUMS"
README = "README.txt"
_PERIOD_ACTIONS = ("ingest.finished", "report.issued", "rollup.issued")


class EvidenceError(ValueError):
    """The package cannot be made (unknown period or supplier)."""


@dataclass(slots=True)
class EvidencePackage:
    """Members (path in the zip → bytes) and what could not be included, with why."""

    year: int
    supplier: Supplier | None
    members: dict[str, bytes] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    declarations: int = 0
    originals: int = 0
    audit_entries: int = 0
    reports: int = 0

    def add(self, name: str, data: bytes) -> None:
        self.members[name] = data

    def add_json(self, name: str, value: Any) -> None:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1, default=str)
        self.add(name, (text + "\n").encode("utf-8"))

    def zip_bytes(self) -> bytes:
        """The package as a zip: members sorted, README first, SHA256SUMS last."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in _ordered(self.members):
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, self.members[name])
        return buffer.getvalue()


def _ordered(names: Iterable[str]) -> list[str]:
    rest = sorted(n for n in names if n not in (README, SUMS))
    return [README, *rest, SUMS]


def build_evidence(
    year: int, supplier_id: int | None = None, report_dirs: Sequence[Path] = ()
) -> EvidencePackage:
    """Collect the evidence of period ``year`` (of one supplier when ``supplier_id`` is set).

    ``report_dirs`` are folders to look in for issued report documents (matched by the
    sha256 the audit log holds), besides the folder the audit entry names, if any.
    """
    period = ReportingPeriod.objects.filter(year=year).first()
    if period is None:
        raise EvidenceError(f"no reporting period {year} in the registry")
    supplier = None
    if supplier_id is not None:
        supplier = Supplier.objects.filter(pk=supplier_id).first()
        if supplier is None:
            raise EvidenceError(f"no supplier with id {supplier_id}")
    package = EvidencePackage(year, supplier)
    declarations = Declaration.objects.filter(period=period)
    if supplier is not None:
        declarations = declarations.filter(supplier=supplier)
    declarations = declarations.select_related("stored_file", "supplier").order_by("id")
    ids: list[int] = []
    row_ids: list[int] = []
    identification_rows: list[list[Any]] = []
    for declaration in declarations:
        ids.append(declaration.pk)
        document = _declaration_json(declaration)
        row_ids += [row["id"] for row in document["smelters"]]
        identification_rows += _identification_rows(declaration, document)
        package.add_json(f"declarations/{declaration.pk}.json", document)
    package.declarations = len(ids)
    _add_originals(package, StoredFile.objects.filter(declarations__pk__in=ids).distinct())
    package.add("identifications.csv", _csv(identification_rows))
    entries = _audit_entries(year, supplier, ids, row_ids)
    package.audit_entries = len(entries)
    package.add("audit/entries.jsonl", _jsonl(entries))
    head = AuditChainHead.objects.filter(pk=1).first()
    package.add_json(
        "audit/chain-head.json",
        {"seq": head.seq if head else 0, "hash": head.hash if head else None},
    )
    _add_reports(package, year, report_dirs)
    package.add(README, _readme(package).encode("utf-8"))
    package.add(SUMS, _sums(package.members).encode("utf-8"))
    return package


def write_evidence(
    target: Path, year: int, supplier_id: int | None = None, report_dirs: Sequence[Path] = ()
) -> EvidencePackage:
    package = build_evidence(year, supplier_id, report_dirs)
    target.write_bytes(package.zip_bytes())
    return package


# --- declarations ---------------------------------------------------------------------------


def original_member(stored: StoredFile) -> str:
    suffix = PurePath(stored.original_name).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,7}", suffix) else ""
    return f"originals/{stored.sha256}{suffix}"


def _declaration_json(declaration: Declaration) -> dict[str, Any]:
    stored = declaration.stored_file
    supplier = declaration.supplier
    reviews: dict[int, list[dict[str, Any]]] = {}
    for review in (
        ReviewDecision.objects.filter(row__declaration=declaration)
        .select_related("chosen", "previous_smelter")
        .order_by("decided_at", "id")
    ):
        reviews.setdefault(review.row_id, []).append(
            {
                "decided_at": review.decided_at.isoformat(),
                "actor": review.actor,
                "accepted": review.accepted,
                "chosen": review.chosen.smelter_id if review.chosen else None,
                "previous_decision": review.previous_decision,
                "previous_smelter": (
                    review.previous_smelter.smelter_id if review.previous_smelter else None
                ),
                "note": review.note,
                "reason": review.reason,
            }
        )
    return {
        "id": declaration.pk,
        "period": declaration.period.year,
        "supplier": (
            {"id": supplier.pk, "name": supplier.name, "unique_id": supplier.unique_id}
            if supplier
            else None
        ),
        "original": {
            "file": original_member(stored),
            "sha256": stored.sha256,
            "size": stored.size,
            "original_name": stored.original_name,
            "stored_at": stored.stored_at.isoformat(),
        },
        "source_path": declaration.source_path,
        "ingested_at": declaration.ingested_at.isoformat(),
        "scope": declaration.scope,
        "scope_text": declaration.scope_text,
        "scope_key": declaration.scope_key,
        "revision_number": declaration.revision_number,
        "supersedes": declaration.supersedes_id,
        "is_current": declaration.is_current,
        "status": declaration.status,
        "template": declaration.template,
        "version": declaration.version,
        "company_name": declaration.company_name,
        "effective_date": (
            declaration.effective_date.isoformat() if declaration.effective_date else None
        ),
        "checker_missing": declaration.checker_missing,
        "error_code": declaration.error_code,
        "error_message": declaration.error_message,
        "answers": declaration.answers,
        "company_answers": declaration.company_answers,
        "content": declaration.content,
        "findings": [
            {"code": f.code, "severity": f.severity, "cell": f.cell, "message": f.message}
            for f in declaration.findings.order_by("id")
        ],
        "products": [
            {"row": p.row, "number": p.number, "name": p.name}
            for p in declaration.products.order_by("row", "id")
        ],
        "smelters": [
            {
                "id": s.pk,
                "row": s.row,
                "metal": s.metal,
                "reported_id": s.reported_id,
                "name": s.name,
                "country": s.country,
                "smelter_id": s.smelter.smelter_id if s.smelter else None,
                "smelter_name": s.smelter.standard_name if s.smelter else None,
                "method": s.method,
                "score": s.score,
                "decision": s.decision,
                "reason": s.reason,
                "candidates": s.candidates,
                "conflicts": s.conflicts,
                "reviews": reviews.get(s.pk, []),
            }
            for s in declaration.smelters.select_related("smelter").order_by("row", "id")
        ],
        "corrections": [
            {
                "at": c.at.isoformat(),
                "actor": c.actor,
                "status": c.status,
                "previous_status": c.previous_status,
                "reason": c.reason,
            }
            for c in Correction.objects.filter(declaration=declaration).order_by("at", "id")
        ],
    }


_IDENTIFICATION_HEADER = [
    "declaration",
    "supplier",
    "row",
    "metal",
    "reported_id",
    "name",
    "country",
    "smelter_id",
    "method",
    "score",
    "decision",
    "reason",
    "reviewed_by",
    "review_reasons",
]


def _identification_rows(declaration: Declaration, document: dict[str, Any]) -> list[list[Any]]:
    supplier = document["supplier"]["name"] if document["supplier"] else ""
    return [
        [
            declaration.pk,
            supplier,
            s["row"],
            s["metal"],
            s["reported_id"],
            s["name"],
            s["country"],
            s["smelter_id"] or "",
            s["method"],
            "" if s["score"] is None else s["score"],
            s["decision"],
            s["reason"],
            "; ".join(r["actor"] for r in s["reviews"]),
            "; ".join(r["reason"] or r["note"] for r in s["reviews"] if r["reason"] or r["note"]),
        ]
        for s in document["smelters"]
    ]


def _csv(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_IDENTIFICATION_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _add_originals(package: EvidencePackage, stored_files: Iterable[StoredFile]) -> None:
    for stored in sorted(stored_files, key=lambda s: s.sha256):
        try:
            data = read_stored(stored)
        except (OSError, ValueError) as exc:
            package.missing.append(
                f"original {stored.sha256} ({stored.original_name}): cannot be read: {exc}"
            )
            continue
        package.add(original_member(stored), data)
        package.originals += 1


# --- audit ----------------------------------------------------------------------------------


def _audit_entries(
    year: int, supplier: Supplier | None, ids: list[int], row_ids: list[int]
) -> list[AuditEntry]:
    scope = Q(object_type="registry.declaration", object_id__in=[str(i) for i in ids]) | Q(
        object_type="registry.declarationsmelter", object_id__in=[str(i) for i in row_ids]
    )
    held = Q(action__startswith="hold.")
    if supplier is not None:
        scope |= Q(object_type="registry.supplier", object_id=str(supplier.pk))
        scope |= held & Q(data__target="supplier", data__target_id=supplier.pk)
    scope |= Q(action__in=_PERIOD_ACTIONS, data__period=year)
    scope |= held & Q(data__target="period", data__target_id=year)
    scope |= held & Q(data__target="declaration", data__target_id__in=ids)
    return list(AuditEntry.objects.filter(scope).order_by("seq"))


def _jsonl(entries: list[AuditEntry]) -> bytes:
    lines = [
        json.dumps(
            {**e.content(), "prev_hash": e.prev_hash, "hash": e.hash},
            ensure_ascii=False,
            sort_keys=True,
        )
        for e in entries
    ]
    return "".join(line + "\n" for line in lines).encode("utf-8")


# --- reports --------------------------------------------------------------------------------


def _add_reports(package: EvidencePackage, year: int, report_dirs: Sequence[Path]) -> None:
    issued = AuditEntry.objects.filter(
        action__in=("report.issued", "rollup.issued"), data__period=year
    ).order_by("seq")
    for entry in issued:
        wanted: dict[str, str] = dict(entry.data.get("files") or {})
        folder = f"reports/{entry.seq}-{entry.action.split('.')[0]}"
        found = _find_documents(wanted, _search_dirs(entry.data, report_dirs))
        if entry.action == "report.issued" and set(found) != set(wanted):
            found.update(_rebuilt_documents(entry.data, wanted, found))
        for name in sorted(found):
            package.add(f"{folder}/{name}", found[name])
        for name in sorted(set(wanted) - set(found)):
            package.missing.append(
                f"{entry.action} #{entry.seq} ({entry.at:%Y-%m-%d}): {name} "
                f"(sha256 {wanted[name]}) was not found and could not be rebuilt identically"
            )
        package.reports += 1


def _search_dirs(data: dict[str, Any], extra: Sequence[Path]) -> list[Path]:
    named = [Path(str(data[k])) for k in ("out", "output") if data.get(k)]
    return [p if p.is_dir() else p.parent for p in named] + list(extra)


def _find_documents(wanted: dict[str, str], folders: list[Path]) -> dict[str, bytes]:
    """Files named as audited (the audit keeps base names) anywhere under ``folders`` whose
    sha256 is the audited one."""
    found: dict[str, bytes] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            name = path.name
            if name not in wanted or name in found or not path.is_file():
                continue
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() == wanted[name]:
                found[name] = data
    return found


def _rebuilt_documents(
    data: dict[str, Any], wanted: dict[str, str], found: dict[str, bytes]
) -> dict[str, bytes]:
    """Freeze the period again as of the audited date; when the snapshot's fingerprint is the
    audited one, the documents built from it are the issued ones (builds are reproducible):
    keep those whose sha256 matches."""
    import datetime as dt

    from oretrace.registry.services.snapshot import report_snapshot
    from oretrace.reporting.report_set import write_report_set

    try:
        snapshot = report_snapshot(int(data["period"]), dt.date.fromisoformat(data["as_of"]))
    except (KeyError, ValueError):
        return {}
    if snapshot.fingerprint() != data.get("snapshot_sha256"):
        return {}
    rebuilt: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as folder:
        for path in write_report_set(snapshot, Path(folder), str(data.get("mode") or "cmr")):
            content = path.read_bytes()
            if (
                path.name in wanted
                and path.name not in found
                and hashlib.sha256(content).hexdigest() == wanted[path.name]
            ):
                rebuilt[path.name] = content
    return rebuilt


# --- manifest and README --------------------------------------------------------------------


def _sums(members: dict[str, bytes]) -> str:
    return "".join(
        f"{hashlib.sha256(members[name]).hexdigest()}  {name}\n"
        for name in _ordered(members)
        if name != SUMS
    )


def _readme(package: EvidencePackage) -> str:
    who = (
        f"supplier {package.supplier.pk} ({package.supplier.name})"
        if package.supplier
        else "all suppliers"
    )
    missing = "".join(f"  - {m}\n" for m in package.missing) or "  nothing\n"
    return f"""oretrace evidence package — reporting period {package.year}, {who}

Check it: unzip, then run `sha256sum -c SHA256SUMS` in the unzipped folder. Every file
below is listed there with its SHA-256 (this README included).

Contents
  originals/<sha256>.<ext>   {package.originals} supplier file(s) byte for byte as received;
                             the name is the file's SHA-256.
  declarations/<id>.json     {package.declarations} declaration(s) as read: every field with
                             its cell, answers, findings, product rows, smelter rows with
                             their identification (method, score, decision, reason,
                             candidates) and review history (who, when, why), corrections,
                             and the original's name, sha256 and path in this package.
  identifications.csv        one line per smelter row: identification, reviewers, reasons.
  audit/entries.jsonl        {package.audit_entries} audit entries of this scope (the
                             declarations, their smelter rows, the supplier, the period's
                             ingest runs, reports and legal holds), in seq order. Each
                             entry's hash is SHA-256 over canonical JSON (sorted keys,
                             separators "," and ":", UTF-8) of its fields other than
                             "hash" (prev_hash included): it can be recomputed from the
                             line alone.
  audit/chain-head.json      the newest seq and hash of the whole audit chain when this
                             package was made; `oretrace audit verify` on the registry
                             prints the same head if nothing was appended since.
  reports/<seq>-<kind>/      {package.reports} report set(s) / roll-up(s) issued for the
                             period (audit entry <seq>), where the files were found or
                             rebuilt from the registry with the audited snapshot fingerprint;
                             each file's sha256 equals the one in that audit entry.

Not included (stated, not silently dropped)
{missing}
The package is reproducible: members are sorted and carry a fixed time, so the same
registry gives the same zip.
"""
