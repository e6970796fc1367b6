"""Official blank RMI templates kept in ``ORETRACE_TEMPLATE_DIR`` for roll-ups and the portal.

:func:`import_template` reads a file's bytes the way supplier files are read (never trusting
its name or extension), names the family and revision it finds, refuses anything that is not
a blank RMI template, and keeps it byte for byte as ``RMI_<FAMILY>_<revision><suffix>``. A
different file of the same revision replaces the kept one, which is moved aside, never
deleted. Where the kept templates are used: the roll-up fills the newest CMRT when no
template is given (:func:`newest_official`), and the portal offers the newest of the asked
family (:mod:`oretrace.registry.services.blank_template`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from oretrace.cmrt.container import load_workbook, open_bytes
from oretrace.cmrt.errors import WorkbookError
from oretrace.cmrt.identify import identify
from oretrace.cmrt.limits import DEFAULT_LIMITS
from oretrace.cmrt.reader import read_declaration
from oretrace.cmrt.revisions import Family, Revision
from oretrace.registry.file_modes import PRIVATE_FILE, private_folder
from oretrace.registry.services import audit
from oretrace.registry.services.blank_template import official_template

_SUFFIXES = {".xlsx", ".xlsm", ".xls"}


class TemplateRefused(ValueError):
    """The file is not a blank RMI template (with the reason, for the person importing)."""


@dataclass(frozen=True, slots=True)
class KeptTemplate:
    family: str
    revision: str
    name: str
    sha256: str
    size: int
    #: "new", "same" (these bytes were already kept) or "replaced" (another file moved aside)
    outcome: str
    replaced_by_name: str = ""


def template_dir() -> Path:
    return Path(settings.ORETRACE_TEMPLATE_DIR)


def import_template(data: bytes, original_name: str, actor: str) -> KeptTemplate:
    """Keep ``data`` as the official template of the family and revision it holds."""
    suffix = Path(original_name).suffix.lower()
    try:
        opened = open_bytes(data, None, DEFAULT_LIMITS)
        book = load_workbook(opened, DEFAULT_LIMITS)
        info = identify(book)
        declaration = read_declaration(book, info)
    except WorkbookError as exc:
        raise TemplateRefused(f"{original_name}: {exc}") from exc
    filled = declaration.company_value("company_name")
    if filled:
        raise TemplateRefused(
            f"{original_name}: the company name is filled in ({filled!r}); this is a supplier's "
            "answer, not RMI's blank template"
        )
    if suffix not in _SUFFIXES:
        suffix = ".xls" if data[:4] == b"\xd0\xcf\x11\xe0" else ".xlsx"
    family, revision = info.family.value, info.revision.text
    name = f"RMI_{family}_{revision}{suffix}"
    sha = hashlib.sha256(data).hexdigest()
    folder = private_folder(template_dir())
    target = folder / name
    outcome, aside = "new", ""
    if target.exists():
        if hashlib.sha256(target.read_bytes()).hexdigest() == sha:
            return KeptTemplate(family, revision, name, sha, len(data), "same")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        aside = f"{target.stem}.replaced-{stamp}{suffix}.old"
        outcome = "replaced"
    with transaction.atomic():
        _write_atomically(folder, target, data, aside)
        audit.record(
            actor,
            "templates.imported",
            None,
            family=family,
            revision=revision,
            exact_revision=info.exact,
            name=name,
            original_name=original_name,
            sha256=sha,
            size=len(data),
            replaced=aside,
        )
    return KeptTemplate(family, revision, name, sha, len(data), outcome, aside)


def kept_templates() -> list[KeptTemplate]:
    """Every official template kept, by family and revision."""
    folder = template_dir()
    if not folder.is_dir():
        return []
    kept = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in _SUFFIXES or not path.name.startswith("RMI_"):
            continue
        family, _, revision = path.stem.removeprefix("RMI_").partition("_")
        data = path.read_bytes()
        kept.append(
            KeptTemplate(
                family, revision, path.name, hashlib.sha256(data).hexdigest(), len(data), "kept"
            )
        )
    return kept


def newest_official(family: Family, minimum: Revision | None = None) -> bytes | None:
    """The bytes of the newest kept template of ``family`` (at or above ``minimum``)."""
    path = official_template(family, minimum)
    return path.read_bytes() if path is not None else None


def _write_atomically(folder: Path, target: Path, data: bytes, aside: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, PRIVATE_FILE)
        if aside:
            os.replace(target, folder / aside)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
