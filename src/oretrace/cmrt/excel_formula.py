"""Parse the Excel formulas a template's own rules use into a small expression tree.

Covers what data validations, conditional formats and their helper cells are written in:
numbers, strings, booleans, error literals, A1 references (relative or ``$`` absolute, with an
optional sheet), areas and whole columns, defined names, function calls, the comparison,
concatenation, arithmetic and percent operators. Anything else raises :class:`FormulaError`,
so a rule the evaluator cannot read is listed as unsupported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeAlias


class FormulaError(ValueError):
    """The formula uses syntax this parser does not know."""


@dataclass(frozen=True, slots=True)
class Literal:
    value: str | float | bool


@dataclass(frozen=True, slots=True)
class ErrorLiteral:
    code: str  # "#REF!", "#N/A", …


@dataclass(frozen=True, slots=True)
class Ref:
    """One cell. ``row``/``col`` are 1-based; absolute parts do not move with the rule."""

    sheet: str | None
    row: int
    col: int
    row_abs: bool
    col_abs: bool


@dataclass(frozen=True, slots=True)
class Area:
    """A rectangle between two cells; whole columns use rows 1…1,048,576."""

    first: Ref
    last: Ref


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Node
    right: Node


Node: TypeAlias = Literal | ErrorLiteral | Ref | Area | Name | Call | Unary | Binary

MAX_ROW = 1_048_576

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<error>\#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A))
  | (?P<sheetref>(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!
      (?:\$?[A-Za-z]{1,3}\$?\d+|\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\#REF!))
  | (?P<colrange>\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}(?![\w(]))
  | (?P<cell>\$?[A-Za-z]{1,3}\$?\d+(?![\w(.]))
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)
  | (?P<func>(?:_xlfn\.|_xlws\.)?[A-Za-z_][\w.]*(?=\())
  | (?P<bool>(?:TRUE|FALSE)(?![\w(]))
  | (?P<name>[A-Za-z_\\][\w.\\]*)
  | (?P<op><>|<=|>=|[-+*/^&=<>%:,()])
    """,
    re.VERBOSE,
)
_CELL = re.compile(r"^(\$?)([A-Za-z]{1,3})(\$?)(\d+)$")
_COL = re.compile(r"^(\$?)([A-Za-z]{1,3})$")


def column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def _cell(text: str, sheet: str | None) -> Ref:
    match = _CELL.match(text)
    if not match:
        raise FormulaError(f"not a cell: {text!r}")
    col_abs, letters, row_abs, row = match.groups()
    return Ref(sheet, int(row), column_number(letters), bool(row_abs), bool(col_abs))


def _columns(text: str, sheet: str | None) -> Area:
    left, right = text.split(":")
    first, last = _COL.match(left), _COL.match(right)
    if not first or not last:
        raise FormulaError(f"not a column range: {text!r}")
    return Area(
        Ref(sheet, 1, column_number(first.group(2)), True, bool(first.group(1))),
        Ref(sheet, MAX_ROW, column_number(last.group(2)), True, bool(last.group(1))),
    )


def _sheet_name(text: str) -> str:
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    return text


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str


def tokenize(formula: str) -> list[_Token]:
    text = formula[1:] if formula.startswith("=") else formula
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.lastgroup is None:
            raise FormulaError(f"cannot read {text[pos : pos + 20]!r} in {formula!r}")
        if match.lastgroup != "ws":
            tokens.append(_Token(match.lastgroup, match.group()))
        pos = match.end()
    return tokens


_BINARY = {
    ":": 6,
    "=": 1,
    "<>": 1,
    "<": 1,
    ">": 1,
    "<=": 1,
    ">=": 1,
    "&": 2,
    "+": 3,
    "-": 3,
    "*": 4,
    "/": 4,
    "^": 5,
}


class _Parser:
    def __init__(self, tokens: list[_Token], formula: str) -> None:
        self.tokens, self.pos, self.formula = tokens, 0, formula

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise FormulaError(f"unexpected end of {self.formula!r}")
        self.pos += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise FormulaError(f"expected {text!r}, found {token.text!r} in {self.formula!r}")

    def expression(self, min_level: int = 1) -> Node:
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token.kind != "op" or token.text not in _BINARY:
                return left
            level = _BINARY[token.text]
            if level < min_level:
                return left
            self.take()
            right = self.expression(level + 1 if token.text != "^" else level)
            left = Binary(token.text, left, right)

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text in "+-":
            self.take()
            return Unary(token.text, self.unary())
        node = self.primary()
        after = self.peek()
        if after is not None and after.text == "%":
            self.take()
            return Unary("%", node)
        return node

    def primary(self) -> Node:
        token = self.take()
        kind = token.kind
        if kind == "number":
            return Literal(float(token.text))
        if kind == "string":
            return Literal(token.text[1:-1].replace('""', '"'))
        if kind == "bool":
            return Literal(token.text == "TRUE")
        if kind == "error":
            return ErrorLiteral(token.text)
        if kind == "cell":
            return self.maybe_area(_cell(token.text, None))
        if kind == "colrange":
            return _columns(token.text, None)
        if kind == "sheetref":
            if token.text.endswith("#REF!"):
                return ErrorLiteral("#REF!")
            sheet_text, _, target = token.text.rpartition("!")
            sheet = _sheet_name(sheet_text)
            if ":" in target:
                return _columns(target, sheet)
            return self.maybe_area(_cell(target, sheet))
        if kind == "func":
            return self.call(token.text.upper().removeprefix("_XLFN.").removeprefix("_XLWS."))
        if kind == "name":
            return Name(token.text)
        if token.text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        raise FormulaError(f"unexpected {token.text!r} in {self.formula!r}")

    def maybe_area(self, first: Ref) -> Node:
        token = self.peek()
        after = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
        if token is None or token.text != ":" or after is None or after.kind != "cell":
            return first  # a ``:`` before a function call is the range operator
        self.take()
        self.take()
        return Area(first, _cell(after.text, first.sheet))

    def call(self, function: str) -> Call:
        self.expect("(")
        args: list[Node] = []
        if self.peek() is not None and self.peek().text == ")":  # type: ignore[union-attr]
            self.take()
            return Call(function, ())
        while True:
            token = self.peek()
            if token is not None and token.text in (",", ")"):
                args.append(Literal(""))  # an omitted argument, as in OFFSET(A1,1,,)
            else:
                args.append(self.expression())
            closing = self.take()
            if closing.text == ")":
                return Call(function, tuple(args))
            if closing.text != ",":
                raise FormulaError(f"expected ',' or ')' in {self.formula!r}")


def parse(formula: str) -> Node:
    """The expression tree of ``formula`` (with or without a leading ``=``)."""
    tokens = tokenize(formula)
    if not tokens:
        raise FormulaError("empty formula")
    parser = _Parser(tokens, formula)
    node = parser.expression()
    if parser.peek() is not None:
        raise FormulaError(f"unexpected {parser.peek().text!r} in {formula!r}")  # type: ignore[union-attr]
    return node


def references(node: Node) -> list[Ref | Area | Name]:
    """Every reference and name in ``node``, in order."""
    found: list[Ref | Area | Name] = []

    def walk(item: Node) -> None:
        if isinstance(item, Ref | Area | Name):
            found.append(item)
        elif isinstance(item, Call):
            for arg in item.args:
                walk(arg)
        elif isinstance(item, Unary):
            walk(item.operand)
        elif isinstance(item, Binary):
            walk(item.left)
            walk(item.right)

    walk(node)
    return found


def functions(node: Node) -> set[str]:
    """The names of the functions ``node`` calls."""
    found: set[str] = set()

    def walk(item: Node) -> None:
        if isinstance(item, Call):
            found.add(item.function)
            for arg in item.args:
                walk(arg)
        elif isinstance(item, Unary):
            walk(item.operand)
        elif isinstance(item, Binary):
            walk(item.left)
            walk(item.right)

    walk(node)
    return found
