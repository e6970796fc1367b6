"""How far oretrace covers a template's own rules: evaluated, display-only, unsupported, and
which of them a hand-written check of oretrace's goes beyond (docs/checker.md prints it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from oretrace.cmrt.layouts import Layout, layout_for
from oretrace.cmrt.revisions import Family, Revision, nearest_known
from oretrace.cmrt.rule_catalog import Catalogue, Format, Validation, cells_of
from oretrace.cmrt.template_rules import rule_support
from oretrace.cmrt.workbook import column_index, split_ref


@dataclass(frozen=True, slots=True)
class RuleStatus:
    """One rule: what it is, where, whether it is evaluated, and what else checks its cells."""

    id: str
    kind: str  # "validation" or "format"
    sheet: str
    where: str
    what: str
    evaluated: bool
    finding: bool  # a rule that holds gives a finding (not a grey "not applicable" shade)
    reason: str
    handwritten: bool


@dataclass(slots=True)
class Coverage:
    family: str
    revision: str
    rules: list[RuleStatus] = field(default_factory=list)

    @property
    def evaluated(self) -> int:
        return sum(r.evaluated for r in self.rules)

    @property
    def unsupported(self) -> list[RuleStatus]:
        return [r for r in self.rules if not r.evaluated]

    @property
    def with_findings(self) -> int:
        return sum(r.evaluated and r.finding for r in self.rules)

    @property
    def display_only(self) -> int:
        return sum(r.evaluated and not r.finding for r in self.rules)

    @property
    def handwritten(self) -> int:
        return sum(r.handwritten for r in self.rules)


def coverage(catalogue: Catalogue) -> Coverage:
    """The status of every rule of ``catalogue``: none is left unaccounted for."""
    support = rule_support(catalogue)
    checked = _handwritten_cells(catalogue)
    result = Coverage(catalogue.family, catalogue.revision)
    for rule in catalogue.rules:
        item = support[rule.id]
        cells = {(rule.sheet, r, c) for area in rule.areas for r, c in cells_of_limited(area)}
        result.rules.append(
            RuleStatus(
                id=rule.id,
                kind="validation" if isinstance(rule, Validation) else "format",
                sheet=rule.sheet,
                where=" ".join(_area(a) for a in rule.areas),
                what=_what(rule),
                evaluated=item.supported,
                finding=_gives_finding(rule),
                reason=item.reason,
                handwritten=bool(cells & checked) or any((s, c) in checked for s, _, c in cells),
            )
        )
    return result


def cells_of_limited(area: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    """The cells of an area; list sheets' long ranges are judged by their first rows."""
    top, left, bottom, right = area
    return cells_of((top, left, min(bottom, top + 2), right))


def _gives_finding(rule: Validation | Format) -> bool:
    if isinstance(rule, Validation):
        return rule.type != "none"
    return rule.style != "display"


def _what(rule: Validation | Format) -> str:
    if isinstance(rule, Validation):
        if rule.type == "none":
            return "input prompt only"
        source = rule.formula1 or ""
        return f"{rule.type} {rule.operator if rule.type != 'list' else ''} {source}".strip()
    return f"{rule.style}: {rule.formulas[0] if rule.formulas else ''}"


def _area(area: tuple[int, int, int, int]) -> str:
    from oretrace.cmrt.rule_catalog import area_text

    return area_text(area)


def _handwritten_cells(catalogue: Catalogue) -> set[tuple[str, int, int] | tuple[str, int]]:
    """Cells oretrace's own checks (Checker count, answers, company block, smelter and
    product columns) read; table columns are given as (sheet, column) for every row."""
    family = Family(catalogue.family)
    revision = Revision(catalogue.revision)
    known, _ = nearest_known(family, revision)
    layout: Layout = layout_for(family, revision, known)
    cells: set[tuple[str, int, int] | tuple[str, int]] = set()
    for ref in layout.company.values():
        row, col = split_ref(ref)
        cells.add(("Declaration", row, col))
    answer_col = column_index(layout.answer_col)
    for question in layout.questions:
        for row, _ in question.rows:
            cells.add(("Declaration", row, answer_col))
    for company_question in layout.company_questions:
        for row, _ in company_question.rows:
            cells.add(("Declaration", row, answer_col))
    for table in (layout.smelters, layout.products, layout.mines):
        if table is None:
            continue
        for letters in table.columns.values():
            cells.add((table.sheet, column_index(letters)))
    return cells


def coverage_table() -> str:
    """The Markdown table docs/checker.md shows: one row per shipped catalogue."""
    from oretrace.cmrt.rule_catalog import available, load_catalogue

    lines = [
        "| template | rules in the template | evaluated | give findings | only shade cells "
        "| unsupported | also checked by oretrace's own checks |",
        "|---|---|---|---|---|---|---|",
    ]
    for family, revision in sorted(available(), key=lambda k: (k[0], Revision(k[1]))):
        catalogue = load_catalogue(family, revision)
        assert catalogue is not None
        result = coverage(catalogue)
        lines.append(
            f"| {family} {revision} | {len(result.rules)} | {result.evaluated} | "
            f"{result.with_findings} | {result.display_only} | {len(result.unsupported)} | "
            f"{result.handwritten} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    sys.stdout.write(coverage_table() + "\n")
