"""The formula evaluator behind the template rules, on cells given in a dict."""

from __future__ import annotations

import pytest

from oretrace.cmrt.excel_eval import Context, Evaluator, ExcelError, Unsupported, Value, excel_value
from oretrace.cmrt.excel_formula import FormulaError, parse


class Cells:
    def __init__(self, values: dict[tuple[str, str], object], names: dict[str, str] | None = None):
        from oretrace.cmrt.workbook import split_ref

        self.values = {(s, *split_ref(r)): excel_value(v) for (s, r), v in values.items()}
        self.names = names or {}

    def value(self, sheet: str, row: int, col: int) -> Value:
        return self.values.get((sheet, row, col))

    def height(self, sheet: str) -> int:
        return max((r for s, r, _ in self.values if s == sheet), default=0)

    def name(self, name: str, sheet: str) -> str | None:
        return self.names.get(name)


def run(
    formula: str,
    cells: dict[tuple[str, str], object] | None = None,
    at: str = "A1",
    names: dict[str, str] | None = None,
    drow: int = 0,
) -> Value:
    from oretrace.cmrt.workbook import split_ref

    row, col = split_ref(at)
    ev = Evaluator(Cells(cells or {}, names))
    return ev.scalar(parse(formula), Context("S", row, col, drow, 0))


def test_blank_equals_empty_text_and_zero_but_is_not_text() -> None:
    assert run('A2=""') is True
    assert run("A2=0") is True
    assert run("ISBLANK(A2)") is True
    assert run("ISBLANK(A2)", {("S", "A2"): "x"}) is False


def test_text_compares_without_case_and_numbers_sort_before_text() -> None:
    assert run('A2="yes"', {("S", "A2"): "Yes"}) is True
    assert run('"a"<"B"') is True
    assert run('5<"0"') is True
    assert run('TRUE>"z"') is True


def test_if_and_or_not_with_omitted_branches() -> None:
    assert run('IF(A2="",TRUE)') is True
    assert run('IF(A2="x",TRUE)') is False
    assert run('AND(OR(A2="Yes",A2=""),A3="")', {("S", "A2"): "Yes"}) is True
    assert run("NOT(1=2)") is True


def test_errors_propagate_and_are_caught() -> None:
    assert run("1/0") == ExcelError("#DIV/0!")
    assert run("IF(1/0,TRUE)") == ExcelError("#DIV/0!")
    assert run("ISERROR(1/0)") is True
    assert run('IFERROR(FIND("!",A2),0)', {("S", "A2"): "abc"}) == 0
    assert run('FIND("!",A2)', {("S", "A2"): "ab!c"}) == 3.0
    assert run("COUNTIF(#REF!,1)") == ExcelError("#REF!")


def test_countif_criteria_and_wildcards() -> None:
    cells = {("S", f"A{i}"): v for i, v in enumerate(["Tin", "tin", "Gold", "", 5, 7], start=1)}
    assert run('COUNTIF(A1:A6,"tin")', cells) == 2
    assert run('COUNTIF(A1:A6,"G*")', cells) == 1
    assert run('COUNTIF(A1:A6,">5")', cells) == 1
    assert run('COUNTIF(A1:A6,"<>")', cells) == 5


def test_match_index_offset_look_up_a_table() -> None:
    cells = {("T", "A1"): "Tin", ("T", "A2"): "Gold", ("T", "B1"): "CID1", ("T", "B2"): "CID2"}
    assert run('MATCH("gold",T!$A:$A,0)', cells) == 2
    assert run('INDEX(T!$B:$B,MATCH("Gold",T!$A:$A,0))', cells) == "CID2"
    assert run("OFFSET(T!$B$1,1,0)", cells) == "CID2"
    assert run('MATCH("Lead",T!$A:$A,0)', cells) == ExcelError("#N/A")


def test_relative_references_move_with_the_cell() -> None:
    cells = {("S", "B5"): "", ("S", "B6"): "Tin"}
    # a rule written for B5, applied one row down
    assert run('IF(B5="",TRUE)', cells, at="B6", drow=1) is False
    assert run('IF(B5="",TRUE)', cells, at="B5") is True


def test_names_are_relative_to_a1_of_the_using_cell() -> None:
    cells = {("S", "B7"): "Gold"}
    names = {"Here": "$B1"}
    assert run("Here", cells, at="C7", names=names) == "Gold"


def test_range_operator_and_sumproduct_count_filled_cells() -> None:
    cells = {("S", "A1"): "x", ("S", "A2"): "y", ("S", "A3"): ""}
    assert run('SUMPRODUCT(--(A1:A3<>""))', cells) == 2
    assert run("COUNTA(A1:INDEX(A1:A3,2))", cells) == 2


def test_unknown_functions_and_syntax_are_refused() -> None:
    with pytest.raises(Unsupported):
        run("VLOOKUP(1,A1:B2,2,FALSE)")
    with pytest.raises(FormulaError):
        parse("A1 +* 2")


def test_match_zero_over_countif_of_cells_lists_values_without_repeats() -> None:
    """EMRT 2.x's helper cells AA13:AA21: the next chosen mineral not yet listed above."""
    chosen = {("S", f"Z{12 + i}"): m for i, m in enumerate(["Cobalt", "Mica", "Nickel"])}
    formula = 'IFNA(INDEX($Z$12:$Z$21,MATCH(0,COUNTIF($AA$12:$AA12,$Z$12:$Z$21),0)),"")'
    assert run(formula, {**chosen, ("S", "AA12"): "Cobalt"}, at="AA13") == "Mica"
    listed = {("S", "AA12"): "Cobalt", ("S", "AA13"): "Mica", ("S", "AA14"): "Nickel"}
    formula = formula.replace("$AA$12:$AA12", "$AA$12:$AA14")
    assert run(formula, {**chosen, **listed}, at="AA15") in ("", None)
    with pytest.raises(Unsupported):
        run("MATCH(0,COUNTIF(A1:A2,B1:B3))")
