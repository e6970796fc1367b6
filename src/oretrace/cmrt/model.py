"""What a supplier declared, as read from one template: raw cell values beside clean ones."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from oretrace.cmrt.workbook import CellValue


@dataclass(frozen=True, slots=True)
class Field:
    """One input cell: where it is, what the file holds, and the normalised value."""

    sheet: str
    ref: str
    raw: CellValue
    value: str | None

    @property
    def address(self) -> str:
        return f"'{self.sheet}'!{self.ref}"


@dataclass(frozen=True, slots=True)
class Answer:
    """A per-mineral answer (Q1–Q8). ``value`` is the allowed answer it matched, if any."""

    question: str
    mineral: str
    answer: Field
    comment: Field
    value: str | None
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CompanyAnswer:
    question: str
    mineral: str | None
    answer: Field
    comment: Field
    value: str | None
    allowed: tuple[str, ...] = ()


#: RMI smelter IDs: CID + 6 digits, and the pre-2014 scheme (metal digit, ISO3, 3 digits).
CID = re.compile(r"^CID\d{6}$")
LEGACY_ID = re.compile(r"^[1-4][A-Z]{3}\d{3}$")
_NOT_A_NAME = ("smelter not listed", "smelter not yet identified", "unknown")


@dataclass(frozen=True, slots=True)
class TableRow:
    """A row of a list sheet (smelters, products, mines) that carries data."""

    sheet: str
    row: int
    fields: dict[str, Field]

    def get(self, name: str) -> str | None:
        cell = self.fields.get(name)
        return cell.value if cell is not None else None

    def cell(self, name: str) -> str | None:
        found = self.fields.get(name)
        return found.ref if found is not None else None


@dataclass(frozen=True, slots=True)
class SmelterRow(TableRow):
    @property
    def metal(self) -> str | None:
        return self.get("metal")

    @property
    def smelter_id(self) -> str | None:
        """The ID column (F), else the ID input (A) — whichever looks like an ID first."""
        given, typed = self.get("smelter_id"), self.get("id_input")
        for value in (given, typed):
            compact = (value or "").replace(" ", "").upper()
            if CID.match(compact) or LEGACY_ID.match(compact):
                return value
        return given or typed

    @property
    def not_listed(self) -> bool:
        return (self.get("lookup") or "").casefold() == "smelter not listed"

    @property
    def name(self) -> str | None:
        """The name the supplier gave: typed name, else standard name, else look-up choice."""
        for key in ("name", "lookup"):
            value = self.get(key)
            if value and value.casefold() not in _NOT_A_NAME:
                return value
        return None

    @property
    def country(self) -> str | None:
        value = self.get("country")
        return None if value is None or value.casefold() == "unknown" else value


@dataclass(slots=True)
class Declaration:
    """Everything read from one supplier template."""

    template: str
    revision: str
    layout: str
    company: dict[str, Field]
    answers: list[Answer] = field(default_factory=list)
    company_answers: list[CompanyAnswer] = field(default_factory=list)
    minerals: list[str] = field(default_factory=list)
    smelters: list[SmelterRow] = field(default_factory=list)
    products: list[TableRow] = field(default_factory=list)
    mines: list[TableRow] = field(default_factory=list)
    language: str | None = None
    #: Newer revisions: list sheet → name of a column no layout knows → its header text.
    extra_columns: dict[str, dict[str, str]] = field(default_factory=dict)

    def company_value(self, name: str) -> str | None:
        cell = self.company.get(name)
        return cell.value if cell is not None else None

    def answer(self, question: str, mineral: str) -> Answer | None:
        for item in self.answers:
            if item.question == question and item.mineral.casefold() == mineral.casefold():
                return item
        return None

    def answers_to(self, question: str) -> dict[str, str | None]:
        """Mineral → answer for one question (the allowed answer, else the cleaned text)."""
        return {
            a.mineral: a.value or a.answer.value for a in self.answers if a.question == question
        }
