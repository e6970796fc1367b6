"""Run a template's own rules on a supplier's file: its data validations and the
conditional formats that colour a cell red or yellow or show a prompt.

The rules come from the revision's catalogue (``oretrace.cmrt.rule_catalog``); the cells
they read come from the supplier's workbook for input cells, and from the template's own
formulas (evaluated here) for the hidden helper cells, so a file saved by another tool
without recalculation is judged as Excel would judge it on opening.

For each cell, formats apply in priority order as Excel applies them: the first rule that
holds decides the cell's fill (a grey "not applicable" shade wins over a red one of lower
priority), ``stopIfTrue`` ends the list. On list sheets (Smelter List, Product List, Mine List)
only rows holding an input are judged: the template paints every empty row yellow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from oretrace.cmrt.excel_eval import (
    FUNCTIONS,
    CellSource,
    Context,
    Evaluator,
    ExcelError,
    Span,
    Unsupported,
    Value,
    excel_value,
    to_bool,
    to_number,
    to_text,
)
from oretrace.cmrt.excel_formula import (
    Binary,
    Call,
    FormulaError,
    Literal,
    Name,
    Node,
    Unary,
    parse,
    references,
)
from oretrace.cmrt.findings import Finding, finding
from oretrace.cmrt.rule_catalog import (
    Area,
    Catalogue,
    Format,
    Validation,
    name_formula,
    read_areas,
)
from oretrace.cmrt.workbook import Sheet, Workbook, cell_ref

_LIST_SHEETS = ("Smelter List", "Product List", "Mine List")
_STYLE_CODE = {
    "error": "template_flagged",
    "required": "template_required",
    "prompt": "template_prompt",
}


@dataclass(frozen=True, slots=True)
class Support:
    """Whether a rule can be evaluated, and why not when it cannot."""

    rule_id: str
    supported: bool
    reason: str = ""


def rule_support(catalogue: Catalogue) -> dict[str, Support]:
    """For every rule of the catalogue: evaluable, or the construct that is not."""
    cached = _SUPPORT.get(id(catalogue))
    if cached is not None and cached[0] is catalogue:
        return cached[1]
    result: dict[str, Support] = {}
    for rule in catalogue.rules:
        reason = _unsupported_reason(catalogue, rule)
        result[rule.id] = Support(rule.id, reason is None, reason or "")
    _SUPPORT[id(catalogue)] = (catalogue, result)
    return result


_SUPPORT: dict[int, tuple[Catalogue, dict[str, Support]]] = {}


def _unsupported_reason(catalogue: Catalogue, rule: Validation | Format) -> str | None:
    if isinstance(rule, Validation):
        if rule.type not in _VALIDATION_TYPES:
            return f"validation type {rule.type}"
        formulas = [f for f in (rule.formula1, rule.formula2) if f]
        if rule.type == "list" and rule.formula1 and rule.formula1.startswith('"'):
            formulas = []
    else:
        if rule.type != "expression":
            return f"conditional format type {rule.type}"
        formulas = list(rule.formulas)
    memo = _HELPER_REASONS.setdefault(id(catalogue), {})
    for formula in formulas:
        reason = _formula_reason(catalogue, rule.sheet, list(rule.areas), formula, False, memo)
        if reason:
            return reason
    return None


_HELPER_REASONS: dict[int, dict[tuple[str, int, int], str | None]] = {}


def _formula_reason(
    catalogue: Catalogue,
    sheet: str,
    areas: list[Area],
    formula: str,
    from_a1: bool,
    memo: dict[tuple[str, int, int], str | None],
) -> str | None:
    """Why ``formula`` (or a name or helper cell it reads) cannot be evaluated, if it can't."""
    try:
        node = _parse(formula)
    except FormulaError as exc:
        return f"formula not read: {exc}"
    for problem in _node_reasons(node):
        return problem
    for ref in references(node):
        if isinstance(ref, Name):
            text = name_formula(catalogue.names, ref.name, sheet)
            if text is not None:
                inner = _formula_reason(catalogue, sheet, areas, text, True, memo)
                if inner:
                    return f"name {ref.name}: {inner}"
    for target, area in read_areas(catalogue.names, sheet, areas, formula, from_a1):
        for helper in catalogue.helpers_in(target, area):
            key = (helper.sheet, helper.col, helper.first)
            if key not in memo:
                memo[key] = None  # a circular reference is Excel's problem, not ours
                if helper.formula:
                    span = [(helper.first, helper.col, helper.last, helper.col)]
                    found = _formula_reason(catalogue, target, span, helper.formula, False, memo)
                    memo[key] = (
                        f"helper cell {cell_ref(helper.first, helper.col)}: {found}"
                        if found
                        else None
                    )
            if memo[key]:
                return memo[key]
    return None


_VALIDATION_TYPES = ("none", "list", "date", "time", "whole", "decimal", "textLength", "custom")


def _node_reasons(node: Node) -> Iterator[str]:
    if isinstance(node, Call):
        if node.function not in FUNCTIONS:
            yield f"function {node.function}"
        if node.function == "MATCH" and not (len(node.args) > 2 and node.args[2] == Literal(0.0)):
            yield "MATCH with approximate match"
        for arg in node.args:
            yield from _node_reasons(arg)
    elif isinstance(node, Unary):
        yield from _node_reasons(node.operand)
    elif isinstance(node, Binary):
        yield from _node_reasons(node.left)
        yield from _node_reasons(node.right)


class MissingSheet(Unsupported):
    """A rule reads a sheet the supplier's file does not have (not a template file)."""


class _FileCells(CellSource):
    """The supplier's cells as the template's rules see them (see the module docstring)."""

    def __init__(self, book: Workbook, catalogue: Catalogue) -> None:
        self.book, self.catalogue = book, catalogue
        self.evaluator = Evaluator(self)
        self._memo: dict[tuple[str, int, int], Value] = {}
        self._busy: set[tuple[str, int, int]] = set()
        self._sheets: dict[str, Sheet | None] = {}
        self._spans: dict[Span, list[Value]] = {}

    def file_value(self, sheet: str, row: int, col: int) -> Value:
        if sheet not in self._sheets:
            self._sheets[sheet] = self.book.sheet(sheet)
        found = self._sheets[sheet]
        if found is None:
            raise MissingSheet(f"the file has no sheet {sheet!r}")
        return excel_value(found.at(row, col))

    def value(self, sheet: str, row: int, col: int) -> Value:
        key = (sheet, row, col)
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            return ExcelError("#REF!")  # a circular reference
        self._busy.add(key)
        try:
            value = self._compute(sheet, row, col)
        finally:
            self._busy.discard(key)
        self._memo[key] = value
        return value

    def _compute(self, sheet: str, row: int, col: int) -> Value:
        if self.catalogue.is_input(sheet, row, col):
            return self.file_value(sheet, row, col)
        helper = self.catalogue.helper(sheet, row, col)
        if helper is None:
            return self.file_value(sheet, row, col)
        if helper.formula:
            node = self.parsed(helper.formula)
            ctx = Context(sheet, row, col, drow=row - helper.first)
            return self.evaluator.scalar(node, ctx)
        own = self.file_value(sheet, row, col)
        if own is not None:
            return own
        template = helper.values[row - helper.first] if helper.values else None
        return (
            excel_value(template)
            if not isinstance(template, dict)
            else ExcelError(str(template.get("error", "#N/A")))
        )

    def parsed(self, formula: str) -> Node:
        return _parse(formula)

    def span_values(self, span: Span) -> list[Value] | None:
        """A look-up sheet's cells straight from the file (no input or helper cells there).

        Read once per span and file; a span in the first rows of a sheet not loaded yet
        (a template's language row) is read from the sheet's head only.
        """
        if span.sheet in self.catalogue.inputs:
            return None
        known = self._spans.get(span)
        if known is not None:
            return known
        found = self._sheets.get(span.sheet)
        if found is None:
            if span.sheet in self._sheets:
                raise MissingSheet(f"the file has no sheet {span.sheet!r}")
            found = self.book.sheet_head(span.sheet, span.last_row, span.last_col)
            if found is None:
                raise MissingSheet(f"the file has no sheet {span.sheet!r}")
        out: list[Value] = []
        for _, values in found.rows(span.row, span.last_row):
            out.extend(excel_value(v) for v in values[span.col - 1 : span.last_col])
        self._spans[span] = out
        return out

    def height(self, sheet: str) -> int:
        found = self.book.sheet(sheet)
        if found is None:
            raise MissingSheet(f"the file has no sheet {sheet!r}")
        return found.height

    def name(self, name: str, sheet: str) -> str | None:
        return name_formula(self.catalogue.names, name, sheet)


@dataclass(slots=True)
class RuleRun:
    """What running a catalogue on one file gave: findings, and rules it could not run."""

    findings: list[Finding] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # rule id → reason


def run_rules(book: Workbook, catalogue: Catalogue, taken: Iterable[str] = ()) -> RuleRun:
    """Findings for every rule of ``catalogue`` that fires on ``book``.

    ``taken`` lists cells (``'Sheet'!A1``) that already carry a finding from oretrace's
    own checks; a template rule firing there adds nothing new and is left out.
    """
    cells = _FileCells(book, catalogue)
    support = rule_support(catalogue)
    run = RuleRun()
    busy = set(taken)
    for rule_id, item in support.items():
        if not item.supported:
            run.skipped[rule_id] = item.reason
    formats = [f for f in catalogue.formats if support[f.id].supported]
    data_rows = {sheet: _data_rows(cells, catalogue, sheet) for sheet in _LIST_SHEETS}
    for found in _format_findings(cells, formats, data_rows, run):
        if found.cell not in busy:
            busy.add(found.cell or "")
            run.findings.append(found)
    for validation in catalogue.validations:
        if not support[validation.id].supported or validation.type == "none":
            continue
        try:
            for found in _validation_findings(cells, validation, data_rows):
                if found.cell not in busy:
                    busy.add(found.cell or "")
                    run.findings.append(found)
        except Unsupported as exc:
            run.skipped[validation.id] = str(exc)
    return run


def _data_rows(cells: _FileCells, catalogue: Catalogue, sheet: str) -> set[int]:
    """Rows of a list sheet where the supplier entered something in an input cell."""
    found = cells.book.sheet(sheet)
    areas = catalogue.inputs.get(sheet, ())
    if found is None or not areas:
        return set()
    # the input areas of a list sheet form one band of rows and columns: scan it once
    top = min(a[0] for a in areas)
    left, right = min(a[1] for a in areas), max(a[3] for a in areas)
    bottom = max(a[2] for a in areas)
    rows: set[int] = set()
    for row, values in found.rows_holding(top, bottom, left, right):
        if any(
            t <= row <= b and any(v != "" for v in values[lft - 1 : r]) for t, lft, b, r in areas
        ):
            rows.add(row)
    return rows


@lru_cache(maxsize=4096)
def _parse(formula: str) -> Node:
    return parse(formula)


def _rows(area: Area, sheet: str, data_rows: dict[str, set[int]]) -> list[int]:
    top, _, bottom, _ = area
    if sheet in data_rows:
        return sorted(r for r in data_rows[sheet] if top <= r <= bottom)
    return list(range(top, bottom + 1))


def _format_findings(
    cells: _FileCells, formats: list[Format], data_rows: dict[str, set[int]], run: RuleRun
) -> Iterator[Finding]:
    by_cell: dict[tuple[str, int, int], list[tuple[Format, Area]]] = {}
    for rule in formats:
        covered = cells.catalogue.covered.get(rule.sheet, set())
        for area in rule.areas:
            _, left, _, right = area
            for row in _rows(area, rule.sheet, data_rows):
                for col in range(left, right + 1):
                    if (row, col) in covered or not cells.catalogue.is_input(rule.sheet, row, col):
                        continue  # hidden under a merge, or a cell the supplier never sees
                    by_cell.setdefault((rule.sheet, row, col), []).append((rule, area))
    reported: set[tuple[str, Area, int]] = set()
    for (sheet, row, col), rules in sorted(by_cell.items()):
        rules.sort(key=lambda item: item[0].priority)
        fill_decided = False
        for rule, area in rules:
            if rule.id in run.skipped:
                continue
            anchor_top, anchor_left = rule.areas[0][0], rule.areas[0][1]
            ctx = Context(sheet, row, col, row - anchor_top, col - anchor_left)
            try:
                holds = _holds(cells, rule.formulas[0], ctx)
            except Unsupported as exc:
                run.skipped[rule.id] = str(exc)
                continue
            if not holds:
                continue
            if rule.style == "prompt" or not fill_decided:
                key = (rule.id, area, row)
                if rule.style in _STYLE_CODE and key not in reported:
                    reported.add(key)
                    yield _format_finding(rule, sheet, row, col)
                if rule.style != "prompt":
                    fill_decided = True
            if rule.stop:
                break


def _holds(cells: _FileCells, formula: str, ctx: Context) -> bool:
    value = cells.evaluator.scalar(cells.parsed(formula), ctx)
    if isinstance(value, ExcelError | Span) or value is None:
        return False
    flag = to_bool(value) if not isinstance(value, str) else False
    return flag is True


def _format_finding(rule: Format, sheet: str, row: int, col: int) -> Finding:
    where = f"'{sheet}'!{cell_ref(row, col)}"
    text = {
        "required": "The template marks this cell as required and it is empty or incomplete",
        "error": "The template shows this cell in red: the entry contradicts another answer "
        "or the smelter look-up",
        "prompt": "The template shows a prompt here asking for more detail",
    }[rule.style]
    return finding(
        _STYLE_CODE[rule.style],
        where,
        f"{text} (template rule {rule.id}: {rule.formulas[0]}).",
    )


def _validation_findings(
    cells: _FileCells, rule: Validation, data_rows: dict[str, set[int]]
) -> Iterator[Finding]:
    for area in rule.areas:
        anchor_top, anchor_left = rule.areas[0][0], rule.areas[0][1]
        _, left, _, right = area
        for row in _rows(area, rule.sheet, data_rows):
            for col in range(left, right + 1):
                if not cells.catalogue.is_input(rule.sheet, row, col) or (
                    (row, col) in cells.catalogue.covered.get(rule.sheet, set())
                ):
                    continue
                value = cells.file_value(rule.sheet, row, col)
                if value is None:
                    continue
                ctx = Context(rule.sheet, row, col, row - anchor_top, col - anchor_left)
                problem = _validation_problem(cells, rule, value, ctx)
                if problem is not None:
                    yield _validation_finding(rule, row, col, value, problem)


def _validation_problem(
    cells: _FileCells, rule: Validation, value: Value, ctx: Context
) -> str | None:
    """Why ``value`` breaks ``rule``; ``None`` when the template would accept it."""
    if rule.type == "list":
        allowed = _list_values(cells, rule, ctx)
        if allowed is None:
            return None  # the list itself is an error in Excel: every entry is refused there
        text = to_text(value)
        if any(text.casefold() == a.casefold() for a in allowed):
            return None
        number = to_number(value)  # Excel turns a typed "100%" into the number 1
        if not isinstance(number, ExcelError) and any(
            to_number(a) == number for a in allowed if a.strip()
        ):
            return None
        shown = ", ".join(repr(a) for a in allowed[:8]) or "no choice at all (question not asked)"
        return f"not one of the template's choices here: {shown}"
    if rule.type == "custom":
        result = cells.evaluator.scalar(cells.parsed(rule.formula1 or "TRUE"), ctx)
        return None if to_bool(result) is True else "the template's own condition does not hold"
    number = to_number(value) if not isinstance(value, str) else ExcelError("#VALUE!")
    if isinstance(number, ExcelError):
        return f"a {_KIND.get(rule.type, 'number')} is expected, not text"
    if rule.type == "whole" and number != int(number):
        return "a whole number is expected"
    if rule.type == "textLength":
        number = float(len(to_text(value)))
    bounds = [
        cells.evaluator.scalar(cells.parsed(f), ctx) for f in (rule.formula1, rule.formula2) if f
    ]
    return _bounds_problem(rule, number, bounds)


_KIND = {"date": "date", "time": "time", "whole": "whole number", "decimal": "number"}
_OPERATOR_TEXT = {
    "between": "between {0} and {1}",
    "notBetween": "not between {0} and {1}",
    "equal": "equal to {0}",
    "notEqual": "not equal to {0}",
    "greaterThan": "greater than {0}",
    "lessThan": "less than {0}",
    "greaterThanOrEqual": "greater than or equal to {0}",
    "lessThanOrEqual": "less than or equal to {0}",
}


def _bounds_problem(rule: Validation, number: float, bounds: list[Value]) -> str | None:
    limits = [to_number(b) for b in bounds]
    if any(isinstance(limit, ExcelError) for limit in limits):
        return None
    low = float(limits[0]) if limits else 0.0  # type: ignore[arg-type]
    high = float(limits[1]) if len(limits) > 1 else low  # type: ignore[arg-type]
    ok = {
        "between": low <= number <= high,
        "notBetween": not (low <= number <= high),
        "equal": number == low,
        "notEqual": number != low,
        "greaterThan": number > low,
        "lessThan": number < low,
        "greaterThanOrEqual": number >= low,
        "lessThanOrEqual": number <= low,
    }[rule.operator]
    if ok:
        return None
    shown = [_shown(rule.type, x) for x in (low, high)]
    return "must be " + _OPERATOR_TEXT[rule.operator].format(*shown)


def _shown(kind: str, number: float) -> str:
    if kind == "date":
        import datetime as dt

        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(number))).isoformat()
    return f"{number:g}"


def _list_values(cells: _FileCells, rule: Validation, ctx: Context) -> list[str] | None:
    source = rule.formula1 or ""
    if source.startswith('"'):
        return source.strip('"').split(",")
    result = cells.evaluator.evaluate(cells.parsed(source), ctx)
    if isinstance(result, ExcelError):
        return None
    if not isinstance(result, Span):
        return [to_text(result)] if result is not None else []
    return [to_text(v) for v in cells.evaluator.cells(result) if v is not None and v != ""]


def _validation_finding(
    rule: Validation, row: int, col: int, value: Value, problem: str
) -> Finding:
    code = "template_invalid" if rule.error_style == "stop" else "template_caution"
    own = ": ".join(part for part in (rule.error_title, rule.error) if part)
    label = f" ({rule.prompt_title})" if rule.prompt_title else ""
    message = f"{to_text(value)!r}{label} is {problem}."
    if own:
        message += f" The template says: {own}"
    return finding(code, f"'{rule.sheet}'!{cell_ref(row, col)}", message)


def allowed_values(
    book: Workbook, catalogue: Catalogue, sheet: str, row: int, col: int
) -> list[str] | None:
    """The choices the template's drop-down offers in a cell now (``None``: no list there)."""
    cells = _FileCells(book, catalogue)
    for rule in catalogue.validations:
        if rule.sheet != sheet or rule.type != "list":
            continue
        for top, left, bottom, right in rule.areas:
            if top <= row <= bottom and left <= col <= right:
                anchor_top, anchor_left = rule.areas[0][0], rule.areas[0][1]
                ctx = Context(sheet, row, col, row - anchor_top, col - anchor_left)
                return _list_values(cells, rule, ctx)
    return None
