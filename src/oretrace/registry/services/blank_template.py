"""The blank template a supplier downloads from its request: the official one when kept.

Official blank templates live in ``ORETRACE_TEMPLATE_DIR`` (a folder inside the data folder,
never served), named as RMI names them (``RMI_CMRT_6.5.xlsx``, ``EMRT 2.1.xlsx``: the family
and the revision in the name). For a request, the newest official revision of the campaign's
family at or above its minimum revision is offered, byte for byte. Without one, oretrace
writes a blank workbook of its own layout at the family's latest revision (the same cell
addresses, so it reads back exactly; without RMI's text, drop-downs and checks) and names it
so nobody takes it for RMI's file.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from oretrace.cmrt.revisions import LATEST, Family, Revision, parse_revision
from oretrace.cmrt.writer import Draft, draft_bytes
from oretrace.registry.models import Campaign, SupplierRequest

_NAMED = re.compile(r"(?<![A-Za-z])(CMRT|EMRT|CRT|AMRT)[ _-]*v?(\d+\.\d+[a-z]?)", re.IGNORECASE)
_SUFFIXES = {".xlsx", ".xlsm", ".xls"}


def blank_template_for(request: SupplierRequest) -> tuple[str, bytes]:
    """``(filename, bytes)`` of the blank template for ``request``'s campaign."""
    campaign = Campaign.objects.get(pk=request.campaign_id)
    family = _family(campaign.template_family)
    minimum = parse_revision(campaign.minimum_revision) if campaign.minimum_revision else None
    official = official_template(family, minimum)
    if official is not None:
        return official.name, official.read_bytes()
    revision = LATEST[family]
    data = draft_bytes(Draft(family, revision.text))
    return f"{family.value}_{revision.text}_blank_oretrace-layout.xlsx", data


def official_template(family: Family, minimum: Revision | None = None) -> Path | None:
    """The newest official blank template of ``family`` kept, at or above ``minimum``."""
    folder = Path(settings.ORETRACE_TEMPLATE_DIR)
    if not folder.is_dir():
        return None
    found: list[tuple[tuple[int, int, str], str, Path]] = []
    for path in folder.iterdir():
        if path.suffix.lower() not in _SUFFIXES or not path.is_file():
            continue
        match = _NAMED.search(path.stem)
        if match is None or match[1].upper() != family.value:
            continue
        revision = parse_revision(match[2])
        if revision is None or (minimum is not None and revision < minimum):
            continue
        found.append((revision.key, path.name, path))
    return max(found)[2] if found else None


def _family(text: str) -> Family:
    try:
        return Family(text.upper())
    except ValueError:
        return Family.CMRT
