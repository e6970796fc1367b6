"""Build a :class:`DeclarationSummary` from a declaration read by :mod:`oretrace.cmrt`.

The registry builds summaries from its tables; this is the same from a file checked in
memory (tests, the demo, one-off command-line assessments). Smelter rows are turned into
:class:`SmelterRef` by ``identify``; the default trusts a well-formed CID written in the
row (``CID`` + 6 digits) and nothing else: pass the result of
:mod:`oretrace.smelters` identification for anything better.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from oretrace.assessment.inputs import DeclarationSummary, SmelterRef
from oretrace.cmrt.findings import Finding, Severity
from oretrace.cmrt.model import Declaration, SmelterRow
from oretrace.cmrt.normalise import canonical_metal
from oretrace.cmrt.semantics import company_answers, metal_answers
from oretrace.smelters.countries import country_code

_CID = re.compile(r"^CID\d{6}$")


def smelter_ref(row: SmelterRow) -> SmelterRef:
    """A smelter row taken at its word: identified when it carries a well-formed CID."""
    smelter_id = (row.smelter_id or "").strip().upper() or None
    identified = smelter_id is not None and _CID.match(smelter_id) is not None
    return SmelterRef(
        metal=canonical_metal(row.metal) or "",
        smelter_id=smelter_id if identified else None,
        name=row.name,
        identified=identified,
        country_iso2=country_code(row.country) if row.country else None,
        row=row.row,
    )


def summarise(
    declaration: Declaration,
    findings: Iterable[Finding] = (),
    identify: Callable[[SmelterRow], SmelterRef] = smelter_ref,
) -> DeclarationSummary:
    """The summary of a read declaration; valid when no finding has error severity."""
    found = list(findings)
    return DeclarationSummary(
        template=declaration.template,
        revision=declaration.revision,
        readable=True,
        valid=not any(f.severity is Severity.ERROR for f in found),
        finding_codes=frozenset(f.code for f in found),
        metals=metal_answers(declaration),
        company=company_answers(declaration),
        smelters=tuple(identify(row) for row in declaration.smelters),
        scope=declaration.company_value("scope"),
        effective_date=_date(declaration.company_value("effective_date")),
    )


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
