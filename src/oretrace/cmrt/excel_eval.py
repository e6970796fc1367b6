"""Evaluate parsed template formulas the way Excel does, over cells a caller supplies.

Values are ``None`` (a blank cell), ``str``, ``float``, ``bool``, :class:`ExcelError` or, for
references, :class:`Span`. Comparisons follow Excel: text compares case-insensitively, numbers
sort before text before booleans, a blank takes the other side's empty value, an error in an
operand is the result. A function outside :data:`FUNCTIONS` raises :class:`Unsupported`.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from oretrace.cmrt.excel_formula import (
    MAX_ROW,
    Area,
    Binary,
    Call,
    ErrorLiteral,
    FormulaError,
    Literal,
    Name,
    Node,
    Ref,
    Unary,
    column_number,
    parse,
)


class Unsupported(Exception):
    """The formula needs a function or construct the evaluator does not implement."""


@dataclass(frozen=True, slots=True)
class ExcelError:
    code: str


@dataclass(frozen=True, slots=True)
class Span:
    """A reference to cells: one sheet, rows and columns inclusive."""

    sheet: str
    row: int
    col: int
    last_row: int
    last_col: int

    @property
    def single(self) -> bool:
        return self.row == self.last_row and self.col == self.last_col


Value: TypeAlias = None | str | float | bool | ExcelError | Span

NA = ExcelError("#N/A")
REF = ExcelError("#REF!")
VALUE = ExcelError("#VALUE!")
DIV0 = ExcelError("#DIV/0!")
_EPOCH = dt.datetime(1899, 12, 30)


class CellSource(Protocol):
    """What the evaluator reads: a cell's value, a sheet's used height, a defined name."""

    def value(self, sheet: str, row: int, col: int) -> Value: ...

    def height(self, sheet: str) -> int: ...

    def name(self, name: str, sheet: str) -> str | None: ...


def excel_value(raw: object) -> Value:
    """A cell value as read by oretrace (empty string = blank) as an Excel value."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool | str | float):
        return raw
    if isinstance(raw, int):
        return float(raw)
    if isinstance(raw, dt.datetime):
        return (raw - _EPOCH).total_seconds() / 86400
    if isinstance(raw, dt.date):
        return float((raw - _EPOCH.date()).days)
    if isinstance(raw, dt.time):
        return (raw.hour * 3600 + raw.minute * 60 + raw.second) / 86400
    if isinstance(raw, dt.timedelta):
        return raw.total_seconds() / 86400
    return str(raw)


@dataclass(slots=True)
class Context:
    """Where a formula is evaluated: its sheet, its cell, and how far it moved from its anchor."""

    sheet: str
    row: int
    col: int
    drow: int = 0
    dcol: int = 0


class Evaluator:
    def __init__(self, source: CellSource) -> None:
        self.source = source
        self._names: dict[tuple[str, str], Node] = {}
        self._indexes: dict[Span, dict[tuple[int, str | float | bool], int]] = {}
        self._counts: dict[tuple[Span, str | float | bool | None], float] = {}

    # -- entry points ------------------------------------------------------------------------

    def evaluate(self, node: Node, ctx: Context) -> Value:
        """The value of ``node``; a single-cell reference is read, an area stays a span."""
        return self._eval(node, ctx)

    def scalar(self, node: Node, ctx: Context) -> Value:
        return self._scalar(self._eval(node, ctx), ctx)

    # -- references --------------------------------------------------------------------------

    def _span(self, ref: Ref, ctx: Context) -> tuple[int, int]:
        row = ref.row if ref.row_abs else ref.row + ctx.drow
        col = ref.col if ref.col_abs else ref.col + ctx.dcol
        return row, col

    def _eval_ref(self, node: Ref | Area, ctx: Context) -> Value:
        if isinstance(node, Ref):
            row, col = self._span(node, ctx)
            if row < 1 or col < 1:
                return REF
            return Span(node.sheet or ctx.sheet, row, col, row, col)
        row, col = self._span(node.first, ctx)
        last_row, last_col = self._span(node.last, ctx)
        if node.first.row == 1 and node.last.row == MAX_ROW:
            row, last_row = 1, MAX_ROW
        if row < 1 or col < 1:
            return REF
        return Span(node.first.sheet or ctx.sheet, row, col, last_row, last_col)

    def _scalar(self, value: Value, ctx: Context) -> Value:
        if not isinstance(value, Span):
            return value
        if value.single:
            return self.source.value(value.sheet, value.row, value.col)
        # implicit intersection with the evaluating cell's row or column
        if value.col == value.last_col and value.row <= ctx.row <= value.last_row:
            return self.source.value(value.sheet, ctx.row, value.col)
        if value.row == value.last_row and value.col <= ctx.col <= value.last_col:
            return self.source.value(value.sheet, value.row, ctx.col)
        return VALUE

    def cells(self, span: Span) -> Iterator[Value]:
        last_row = span.last_row
        if last_row == MAX_ROW:  # a whole column: up to the sheet's last used row
            last_row = self.source.height(span.sheet)
        fast = getattr(self.source, "span_values", None)
        if fast is not None:
            found = fast(Span(span.sheet, span.row, span.col, last_row, span.last_col))
            if found is not None:
                yield from found
                return
        for row in range(span.row, last_row + 1):
            for col in range(span.col, span.last_col + 1):
                yield self.source.value(span.sheet, row, col)

    def position(self, span: Span, wanted: str | float | bool) -> int | None:
        """MATCH(wanted, span, 0) without wildcards: the first equal cell, 1-based."""
        key = (span, _match_key(wanted))
        if span not in self._indexes:
            index: dict[tuple[int, str | float | bool], int] = {}
            for number, value in enumerate(self.cells(span), start=1):
                if value is not None and not isinstance(value, ExcelError | Span):
                    index.setdefault(_match_key(value), number)
            self._indexes[span] = index
        return self._indexes[span].get(key[1])

    def _name(self, name: str, ctx: Context) -> Node:
        key = (name.casefold(), ctx.sheet)
        if key not in self._names:
            text = self.source.name(name, ctx.sheet)
            if text is None:
                self._names[key] = ErrorLiteral("#NAME?")
            else:
                try:
                    self._names[key] = parse(text)
                except FormulaError as exc:
                    raise Unsupported(f"defined name {name}: {exc}") from exc
        return self._names[key]

    # -- the tree ----------------------------------------------------------------------------

    def _eval(self, node: Node, ctx: Context) -> Value:
        if isinstance(node, Literal):
            return node.value
        if isinstance(node, ErrorLiteral):
            return ExcelError(node.code)
        if isinstance(node, Ref | Area):
            return self._eval_ref(node, ctx)
        if isinstance(node, Name):
            # a name's relative references are written for A1 and move with the using cell
            at = Context(ctx.sheet, ctx.row, ctx.col, ctx.row - 1, ctx.col - 1)
            return self._eval(self._name(node.name, ctx), at)
        if isinstance(node, Unary):
            return self._unary(node, ctx)
        if isinstance(node, Binary):
            return self._binary(node, ctx)
        return self._call(node, ctx)

    def _unary(self, node: Unary, ctx: Context) -> Value:
        value = self._scalar(self._eval(node.operand, ctx), ctx)
        if isinstance(value, ExcelError):
            return value
        number = to_number(value)
        if isinstance(number, ExcelError):
            return number
        if node.op == "-":
            return -number
        if node.op == "%":
            return number / 100
        return number

    def _range(self, node: Binary, ctx: Context) -> Value:
        """``A1:INDEX(…)``: the smallest span holding both references."""
        left, right = self._eval(node.left, ctx), self._eval(node.right, ctx)
        if isinstance(left, ExcelError):
            return left
        if isinstance(right, ExcelError):
            return right
        if not isinstance(left, Span) or not isinstance(right, Span) or left.sheet != right.sheet:
            return VALUE
        return Span(
            left.sheet,
            min(left.row, right.row),
            min(left.col, right.col),
            max(left.last_row, right.last_row),
            max(left.last_col, right.last_col),
        )

    def _binary(self, node: Binary, ctx: Context) -> Value:
        if node.op == ":":
            return self._range(node, ctx)
        left = self._scalar(self._eval(node.left, ctx), ctx)
        right = self._scalar(self._eval(node.right, ctx), ctx)
        if isinstance(left, ExcelError):
            return left
        if isinstance(right, ExcelError):
            return right
        op = node.op
        if op == "&":
            return to_text(left) + to_text(right)
        if op in ("=", "<>", "<", ">", "<=", ">="):
            order = compare(left, right)
            return {
                "=": order == 0,
                "<>": order != 0,
                "<": order < 0,
                ">": order > 0,
                "<=": order <= 0,
                ">=": order >= 0,
            }[op]
        a, b = to_number(left), to_number(right)
        if isinstance(a, ExcelError):
            return a
        if isinstance(b, ExcelError):
            return b
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return DIV0 if b == 0 else a / b
        return float(a**b)

    def _call(self, node: Call, ctx: Context) -> Value:
        handler = FUNCTIONS.get(node.function)
        if handler is None:
            raise Unsupported(f"function {node.function}")
        return handler(self, node.args, ctx)


# -- coercion and comparison -----------------------------------------------------------------


def to_number(value: Value) -> float | ExcelError:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, ExcelError):
        return value
    if isinstance(value, Span):
        return VALUE
    text = value.strip()
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        return VALUE


def to_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value == int(value) else repr(value)
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, Span):
        return ""
    return value


def to_bool(value: Value) -> bool | ExcelError:
    if isinstance(value, ExcelError):
        return value
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value != 0
    if isinstance(value, str):
        if value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        return VALUE
    return VALUE


def _rank(value: Value) -> int:
    if isinstance(value, float):
        return 0
    if isinstance(value, str):
        return 1
    return 2


def compare(left: Value, right: Value) -> int:
    """-1, 0 or 1 as Excel orders two scalars (blank takes the other side's type)."""
    if left is None and right is None:
        return 0
    if left is None:
        left = _empty_like(right)
    if right is None:
        right = _empty_like(left)
    rank_l, rank_r = _rank(left), _rank(right)
    if rank_l != rank_r:
        return -1 if rank_l < rank_r else 1
    if isinstance(left, str) and isinstance(right, str):
        x, y = left.casefold(), right.casefold()
        return (x > y) - (x < y)
    a, b = to_number(left), to_number(right)
    if isinstance(a, ExcelError) or isinstance(b, ExcelError):
        return 0
    return (a > b) - (a < b)


def _empty_like(value: Value) -> Value:
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return 0.0
    return ""


# -- functions -------------------------------------------------------------------------------

Handler: TypeAlias = Callable[[Evaluator, tuple[Node, ...], Context], Value]


def _args(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> list[Value]:
    return [ev._scalar(ev._eval(a, ctx), ctx) for a in args]


def _fn_if(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    condition = to_bool(ev._scalar(ev._eval(args[0], ctx), ctx))
    if isinstance(condition, ExcelError):
        return condition
    if condition:
        return ev._eval(args[1], ctx) if len(args) > 1 else True
    return ev._eval(args[2], ctx) if len(args) > 2 else False


def _logical(
    combine: Callable[[list[bool]], bool],
) -> Handler:
    def handler(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
        flags: list[bool] = []
        for arg in args:
            value = ev._eval(arg, ctx)
            values = list(ev.cells(value)) if isinstance(value, Span) else [value]
            for item in values:
                if item is None or (isinstance(item, str) and isinstance(value, Span)):
                    continue
                flag = to_bool(item)
                if isinstance(flag, ExcelError):
                    return flag
                flags.append(flag)
        return combine(flags) if flags else VALUE

    return handler


def _fn_not(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    flag = to_bool(_args(ev, args, ctx)[0])
    return flag if isinstance(flag, ExcelError) else not flag


def _fn_isblank(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    return _args(ev, args, ctx)[0] is None


def _is(test: Callable[[Value], bool]) -> Handler:
    def handler(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
        return test(_args(ev, args, ctx)[0])

    return handler


def _fn_iferror(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    value = ev._scalar(ev._eval(args[0], ctx), ctx)
    return _args(ev, args[1:2], ctx)[0] if isinstance(value, ExcelError) else value


def _fn_ifna(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    value = ev._scalar(ev._eval(args[0], ctx), ctx)
    return _args(ev, args[1:2], ctx)[0] if value == NA else value


def _text_fn(fn: Callable[[list[Value]], Value]) -> Handler:
    def handler(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
        values = _args(ev, args, ctx)
        for value in values:
            if isinstance(value, ExcelError):
                return value
        return fn(values)

    return handler


def _find(case_sensitive: bool) -> Handler:
    def fn(values: list[Value]) -> Value:
        needle, haystack = to_text(values[0]), to_text(values[1])
        start = int(to_number(values[2])) if len(values) > 2 else 1  # type: ignore[arg-type]
        if not case_sensitive:
            needle, haystack = needle.casefold(), haystack.casefold()
        at = haystack.find(needle, start - 1)
        return VALUE if at < 0 else float(at + 1)

    return _text_fn(fn)


def _criterion(criteria: Value) -> Callable[[Value], bool]:
    """COUNTIF's test: ``"<>"``, ``">5"``, ``"=x"``, wildcards ``*``/``?``, or a value."""
    if isinstance(criteria, str):
        match = re.match(r"^(<>|<=|>=|=|<|>)?(.*)$", criteria, re.S)
        assert match is not None
        op, operand_text = match.group(1), match.group(2)
        operand: Value = operand_text
        number = to_number(operand_text) if operand_text else VALUE
        if not isinstance(number, ExcelError):
            operand = number
        if op in (None, "=") and isinstance(operand, str):
            if operand == "":
                return lambda v: v is None or v == ""
            pattern = fnmatch.translate(operand.casefold()).replace("\\Z", "\\Z")
            regex = re.compile(pattern, re.S)
            positive = lambda v: isinstance(v, str) and bool(regex.match(v.casefold()))  # noqa: E731
            return positive
        if op == "<>":
            if operand == "":
                return lambda v: v is not None and v != ""
            return lambda v: v is None or compare(v, operand) != 0
        if op is None:
            op = "="
        tests: dict[str, Callable[[int], bool]] = {
            "=": lambda o: o == 0,
            "<": lambda o: o < 0,
            ">": lambda o: o > 0,
            "<=": lambda o: o <= 0,
            ">=": lambda o: o >= 0,
        }
        test = tests[op]
        return lambda v: v is not None and _rank(v) == _rank(operand) and test(compare(v, operand))
    return lambda v: v is not None and _rank(v) == _rank(criteria) and compare(v, criteria) == 0


def _fn_countif(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    span = ev._eval(args[0], ctx)
    if isinstance(span, ExcelError):
        return span
    if not isinstance(span, Span):
        return VALUE
    criteria = ev._scalar(ev._eval(args[1], ctx), ctx)
    if isinstance(criteria, ExcelError | Span):
        return criteria if isinstance(criteria, ExcelError) else VALUE
    key = (span, criteria)
    if key not in ev._counts:
        test = _criterion(criteria)
        ev._counts[key] = float(
            sum(1 for v in ev.cells(span) if not isinstance(v, ExcelError) and test(v))
        )
    return ev._counts[key]


def _fn_countblank(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    span = ev._eval(args[0], ctx)
    if not isinstance(span, Span):
        return VALUE
    size = (span.last_row - span.row + 1) * (span.last_col - span.col + 1)
    filled = sum(1 for v in ev.cells(span) if v is not None and v != "")
    return float(size - filled)


def _elementwise(ev: Evaluator, node: Node, ctx: Context) -> list[Value]:
    """``node`` evaluated cell by cell over the spans it names (SUMPRODUCT's array mode)."""
    if isinstance(node, Unary):
        return [
            v if isinstance(v, ExcelError) else _negate(v, node.op)
            for v in _elementwise(ev, node.operand, ctx)
        ]
    if isinstance(node, Binary) and node.op != ":":
        left, right = _elementwise(ev, node.left, ctx), _elementwise(ev, node.right, ctx)
        if len(left) == 1:
            left = left * len(right)
        if len(right) == 1:
            right = right * len(left)
        out: list[Value] = []
        for a, b in zip(left, right, strict=False):
            out.append(ev._binary(Binary(node.op, Literal(_lit(a)), Literal(_lit(b))), ctx))
        return out
    value = ev._eval(node, ctx)
    if isinstance(value, Span):
        size = (value.last_row - value.row + 1) * (value.last_col - value.col + 1)
        cells = list(ev.cells(value))
        return cells + [None] * (size - len(cells))
    return [value]


def _lit(value: Value) -> str | float | bool:
    if value is None:
        return ""
    if isinstance(value, ExcelError | Span):
        raise Unsupported("error inside an array expression")
    return value


def _negate(value: Value, op: str) -> Value:
    number = to_number(value)
    if isinstance(number, ExcelError):
        return number
    return -number if op == "-" else (number / 100 if op == "%" else number)


def _fn_sumproduct(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    arrays = [_elementwise(ev, arg, ctx) for arg in args]
    if len({len(a) for a in arrays}) > 1:
        return VALUE
    total = 0.0
    for items in zip(*arrays, strict=True):
        product = 1.0
        for item in items:
            if isinstance(item, ExcelError):
                return item
            product *= item if isinstance(item, float) and not isinstance(item, bool) else 0.0
        total += product
    return total


def _fn_counta(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    total = 0
    for arg in args:
        value = ev._eval(arg, ctx)
        items = ev.cells(value) if isinstance(value, Span) else iter([value])
        total += sum(1 for v in items if v is not None)
    return float(total)


def _countif_each(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> list[Value] | None:
    """``COUNTIF(range, cells)`` as an array formula: one count per criteria cell. EMRT 2.x
    lists the chosen minerals without repeats by ``MATCH(0, COUNTIF(seen, all), 0)``.
    None when the criteria is one value (the scalar ``COUNTIF``)."""
    span, criteria = ev._eval(args[0], ctx), ev._eval(args[1], ctx)
    if not isinstance(span, Span) or not isinstance(criteria, Span):
        return None
    if (criteria.row, criteria.col) == (criteria.last_row, criteria.last_col):
        return None
    values = [v for v in ev.cells(span) if not isinstance(v, ExcelError)]
    counts: list[Value] = []
    for wanted in ev.cells(criteria):
        if isinstance(wanted, ExcelError):
            counts.append(wanted)
            continue
        test = _criterion("" if wanted is None else wanted)
        counts.append(float(sum(1 for v in values if test(v))))
    return counts


def _fn_match(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    wanted = ev._scalar(ev._eval(args[0], ctx), ctx)
    if isinstance(wanted, ExcelError):
        return wanted
    looked_in = args[1]
    if isinstance(looked_in, Call) and looked_in.function == "COUNTIF" and len(looked_in.args) == 2:
        counts = _countif_each(ev, looked_in.args, ctx)
        if counts is not None:
            if len(args) < 3 or to_number(_args(ev, args[2:3], ctx)[0]) != 0:
                raise Unsupported("MATCH with approximate match")
            found = next((i for i, v in enumerate(counts, 1) if v == wanted), None)
            return NA if found is None else float(found)
    span = ev._eval(args[1], ctx)
    if not isinstance(span, Span):
        return NA
    mode = to_number(_args(ev, args[2:3], ctx)[0]) if len(args) > 2 else 1.0
    if mode != 0:
        raise Unsupported("MATCH with approximate match")
    if wanted is None or isinstance(wanted, Span):
        return NA
    if not (isinstance(wanted, str) and any(c in wanted for c in "*?~")):
        found = ev.position(span, wanted)
        return NA if found is None else float(found)
    test = _criterion(wanted)
    for index, value in enumerate(ev.cells(span), start=1):
        if isinstance(value, ExcelError):
            continue
        if test is not None:
            if test(value):
                return float(index)
        elif value is not None and compare(value, wanted) == 0 and _rank(value) == _rank(wanted):
            return float(index)
    return NA


def _match_key(value: str | float | bool) -> tuple[int, str | float | bool]:
    if isinstance(value, str):
        return (1, value.casefold())
    if isinstance(value, bool):
        return (2, value)
    return (0, value)


def _fn_index(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    span = ev._eval(args[0], ctx)
    if isinstance(span, ExcelError):
        return span
    if not isinstance(span, Span):
        return VALUE
    numbers = [to_number(v) for v in _args(ev, args[1:], ctx)]
    for number in numbers:
        if isinstance(number, ExcelError):
            return number
    row = int(numbers[0]) if numbers else 1  # type: ignore[arg-type]
    col = int(numbers[1]) if len(numbers) > 1 else 1  # type: ignore[arg-type]
    if span.col == span.last_col and len(numbers) == 1:
        col = 1
    elif span.row == span.last_row and len(numbers) == 1:
        row, col = 1, row
    if row < 1 or col < 1:
        return REF
    return Span(
        span.sheet, span.row + row - 1, span.col + col - 1, span.row + row - 1, span.col + col - 1
    )


def _fn_offset(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    base = ev._eval(args[0], ctx)
    if isinstance(base, ExcelError):
        return base
    if not isinstance(base, Span):
        return VALUE
    values = _args(ev, args[1:], ctx)
    numbers: list[float | None] = []
    for value in values:
        if value is None or value == "":
            numbers.append(None)
            continue
        number = to_number(value)
        if isinstance(number, ExcelError):
            return number
        numbers.append(number)
    rows = int(numbers[0] or 0) if numbers else 0
    cols = int(numbers[1] or 0) if len(numbers) > 1 else 0
    height = int(numbers[2]) if len(numbers) > 2 and numbers[2] else base.last_row - base.row + 1
    width = int(numbers[3]) if len(numbers) > 3 and numbers[3] else base.last_col - base.col + 1
    row, col = base.row + rows, base.col + cols
    if row < 1 or col < 1 or height < 1 or width < 1:
        return REF
    return Span(base.sheet, row, col, row + height - 1, col + width - 1)


def _fn_indirect(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    text = _args(ev, args[:1], ctx)[0]
    if isinstance(text, ExcelError):
        return text
    try:
        node = parse(to_text(text))
    except FormulaError:
        return REF
    if not isinstance(node, Ref | Area):
        return REF
    return ev._eval_ref(node, Context(ctx.sheet, ctx.row, ctx.col))


def _fn_row_col(which: str) -> Handler:
    def handler(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
        if not args:
            return float(ctx.row if which == "row" else ctx.col)
        span = ev._eval(args[0], ctx)
        if not isinstance(span, Span):
            return VALUE
        return float(span.row if which == "row" else span.col)

    return handler


def _fn_address(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    values = _args(ev, args, ctx)
    row, col = to_number(values[0]), to_number(values[1])
    if isinstance(row, ExcelError) or isinstance(col, ExcelError):
        return VALUE
    kind = int(to_number(values[2])) if len(values) > 2 and values[2] is not None else 1  # type: ignore[arg-type]
    letters = ""
    index = int(col)
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    col_mark = "$" if kind in (1, 3) else ""
    row_mark = "$" if kind in (1, 2) else ""
    return f"{col_mark}{letters}{row_mark}{int(row)}"


def _fn_sum(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    total = 0.0
    for arg in args:
        value = ev._eval(arg, ctx)
        items = list(ev.cells(value)) if isinstance(value, Span) else [value]
        for item in items:
            if isinstance(item, ExcelError):
                return item
            if isinstance(item, float):
                total += item
            elif not isinstance(value, Span) and item is not None:
                number = to_number(item)
                if isinstance(number, ExcelError):
                    return number
                total += number
    return total


def _fn_len(values: list[Value]) -> Value:
    return float(len(to_text(values[0])))


def _fn_trim(values: list[Value]) -> Value:
    return " ".join(to_text(values[0]).split(" ")).strip() if values[0] is not None else ""


def _fn_exact(values: list[Value]) -> Value:
    return to_text(values[0]) == to_text(values[1])


def _fn_left(values: list[Value]) -> Value:
    count = int(to_number(values[1])) if len(values) > 1 else 1  # type: ignore[arg-type]
    return to_text(values[0])[:count]


def _fn_right(values: list[Value]) -> Value:
    count = int(to_number(values[1])) if len(values) > 1 else 1  # type: ignore[arg-type]
    return to_text(values[0])[-count:] if count else ""


def _fn_mid(values: list[Value]) -> Value:
    start, count = int(to_number(values[1])), int(to_number(values[2]))  # type: ignore[arg-type]
    return to_text(values[0])[start - 1 : start - 1 + count]


def _fn_value(values: list[Value]) -> Value:
    return to_number(values[0])


def _fn_date(values: list[Value]) -> Value:
    numbers = [to_number(v) for v in values]
    for number in numbers:
        if isinstance(number, ExcelError):
            return number
    year, month, day = (int(n) for n in numbers)  # type: ignore[arg-type]
    try:
        date = dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1) + dt.timedelta(day - 1)
    except (ValueError, OverflowError):
        return ExcelError("#NUM!")
    return float((date - _EPOCH.date()).days)


def _fn_today(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    return float((dt.date.today() - _EPOCH.date()).days)


def _fn_na(ev: Evaluator, args: tuple[Node, ...], ctx: Context) -> Value:
    return NA


def _fn_case(upper: bool) -> Callable[[list[Value]], Value]:
    return lambda values: to_text(values[0]).upper() if upper else to_text(values[0]).lower()


FUNCTIONS: dict[str, Handler] = {
    "IF": _fn_if,
    "AND": _logical(all),
    "OR": _logical(any),
    "NOT": _fn_not,
    "ISBLANK": _fn_isblank,
    "ISERROR": _is(lambda v: isinstance(v, ExcelError)),
    "ISERR": _is(lambda v: isinstance(v, ExcelError) and v != NA),
    "ISNA": _is(lambda v: v == NA),
    "ISNUMBER": _is(lambda v: isinstance(v, float) and not isinstance(v, bool)),
    "ISTEXT": _is(lambda v: isinstance(v, str)),
    "IFERROR": _fn_iferror,
    "IFNA": _fn_ifna,
    "LEN": _text_fn(_fn_len),
    "FIND": _find(case_sensitive=True),
    "SEARCH": _find(case_sensitive=False),
    "TRIM": _text_fn(_fn_trim),
    "EXACT": _text_fn(_fn_exact),
    "LEFT": _text_fn(_fn_left),
    "RIGHT": _text_fn(_fn_right),
    "MID": _text_fn(_fn_mid),
    "UPPER": _text_fn(_fn_case(True)),
    "LOWER": _text_fn(_fn_case(False)),
    "VALUE": _text_fn(_fn_value),
    "DATE": _text_fn(_fn_date),
    "TODAY": _fn_today,
    "NA": _fn_na,
    "COUNTIF": _fn_countif,
    "COUNTA": _fn_counta,
    "COUNTBLANK": _fn_countblank,
    "SUMPRODUCT": _fn_sumproduct,
    "MATCH": _fn_match,
    "INDEX": _fn_index,
    "OFFSET": _fn_offset,
    "INDIRECT": _fn_indirect,
    "ROW": _fn_row_col("row"),
    "COLUMN": _fn_row_col("col"),
    "ADDRESS": _fn_address,
    "SUM": _fn_sum,
}

__all__ = [
    "FUNCTIONS",
    "CellSource",
    "Context",
    "Evaluator",
    "ExcelError",
    "Span",
    "Unsupported",
    "Value",
    "column_number",
    "compare",
    "excel_value",
]
