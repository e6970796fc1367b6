"""Where each template revision keeps its inputs: cell maps as data, one entry per layout family.

Addresses come from opening the real templates (see docs/cmrt-format.md). Nothing here
locates data by label text; labels are translated and move, addresses do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from oretrace.cmrt import answers as A
from oretrace.cmrt.revisions import Family, Revision
from oretrace.cmrt.workbook import column_index, column_letters

METALS_3TG = ("Tantalum", "Tin", "Gold", "Tungsten")
EMRT1_MINERALS = ("Cobalt", "Mica")
EMRT2_MINERALS = ("Cobalt", "Copper", "Graphite", "Lithium", "Mica", "Nickel")

#: Smelter-row fields in the order the JSON contract and the model use them.
SMELTER_FIELDS = (
    "id_input",
    "metal",
    "lookup",
    "name",
    "country",
    "smelter_id",
    "id_source",
    "street",
    "city",
    "state",
    "location",
    "contact_name",
    "contact_email",
    "next_steps",
    "mine_name",
    "mine_country",
    "recycled",
    "comments",
)


@dataclass(frozen=True, slots=True)
class Question:
    """One per-mineral question: its key, header row, answer rows and allowed answers.

    ``rows`` pairs each answer row with its mineral; a mineral of ``None`` means the
    mineral's name is read from the row's label in column B (AMRT, where the responder
    chooses the minerals).
    """

    key: str
    header_row: int
    rows: tuple[tuple[int, str | None], ...]
    allowed: tuple[str, ...]
    percentage: bool = False


@dataclass(frozen=True, slots=True)
class CompanyQuestion:
    key: str
    rows: tuple[tuple[int, str | None], ...]  # one row, or one per mineral (EMRT C)
    allowed: tuple[str, ...]
    #: Asked per mineral, each row's mineral read from its label in column B (EMRT 2.x C).
    labelled: bool = False


@dataclass(frozen=True, slots=True)
class TableLayout:
    """A list sheet: where its header and data rows are and which column holds what."""

    sheet: str
    header_row: int
    first_row: int
    last_row: int
    columns: dict[str, str]
    formula_columns: tuple[str, ...] = ()  # filled by the template's formulas, not by hand


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    family: Family
    inferred: bool
    company: dict[str, str]
    questions: tuple[Question, ...]
    company_questions: tuple[CompanyQuestion, ...]
    smelters: TableLayout
    products: TableLayout | None
    scopes: tuple[str, ...] = ()
    date_parts: tuple[str, str, str] | None = None  # CMRT 1.00: day, month, year cells
    mineral_slots: tuple[str, ...] = ()  # EMRT 2.x / AMRT: minerals chosen by the responder
    mines: TableLayout | None = None
    answer_col: str = "D"
    comment_col: str = "G"
    #: Hidden Declaration cells holding the scope drop-down's list (the Checker compares to them).
    scope_source: tuple[str, ...] = ("P9", "Q9", "R9")
    minimum_smelter_rows: dict[str, int] = field(default_factory=dict)


def _block(
    key: str, header: int, minerals: tuple[str, ...], allowed: tuple[str, ...], pct: bool = False
) -> Question:
    rows = tuple((header + i + 1, m) for i, m in enumerate(minerals))
    return Question(key, header, rows, allowed, pct)


def _labelled(key: str, header: int, first: int, last: int, allowed: tuple[str, ...]) -> Question:
    rows = tuple((r, None) for r in range(first, last + 1))
    return Question(key, header, rows, allowed, percentage=key == "Q2")


def _company(
    keys: str, first_row: int, lists: dict[str, tuple[str, ...]]
) -> tuple[CompanyQuestion, ...]:
    return tuple(
        CompanyQuestion(k, ((first_row + 2 * i, None),), lists.get(k, A.YES_NO))
        for i, k in enumerate(keys)
    )


# --- company blocks -------------------------------------------------------------------

_COMPANY_1_00 = {
    "company_name": "D7",
    "unique_id": "D8",
    "address": "D9",
    "authorizer": "D10",
    "authorizer_title": "D11",
    "authorizer_email": "D12",
    "authorizer_phone": "D13",
    "contact_name": "D14",
    "contact_email": "D15",
    "contact_phone": "D16",
}
_COMPANY_2_X = {
    "company_name": "D8",
    "scope": "D9",
    "scope_description": "D10",
    "unique_id": "D12",
    "address": "D13",
    "authorizer": "D14",
    "authorizer_title": "D15",
    "authorizer_email": "D16",
    "authorizer_phone": "D17",
    "effective_date": "D18",
}
_COMPANY_STANDARD = {
    "company_name": "D8",
    "scope": "D9",
    "scope_description": "D10",
    "unique_id": "D12",
    "unique_id_authority": "D13",
    "address": "D14",
    "contact_name": "D15",
    "contact_email": "D16",
    "contact_phone": "D17",
    "authorizer": "D18",
    "authorizer_title": "D19",
    "authorizer_email": "D20",
    "authorizer_phone": "D21",
    "effective_date": "D22",
}


def _shifted_company(first_uid_row: int) -> dict[str, str]:
    """EMRT 2.x / AMRT: the block from 'unique ID' down moves below the mineral selectors."""
    keys = (
        "unique_id",
        "unique_id_authority",
        "address",
        "contact_name",
        "contact_email",
        "contact_phone",
        "authorizer",
        "authorizer_title",
        "authorizer_email",
        "authorizer_phone",
        "effective_date",
    )
    block = {"company_name": "D8", "scope": "D9", "scope_description": "D10"}
    block.update({k: f"D{first_uid_row + i}" for i, k in enumerate(keys)})
    return block


# --- smelter and product tables -------------------------------------------------------

_SMELTERS_1_00 = TableLayout(
    "Smelter and Mine List",
    4,
    5,
    300,
    {
        "metal": "B",
        "name": "D",
        "location": "F",
        "contact_name": "H",
        "contact_email": "J",
        "next_steps": "N",
        "mine_name": "P",
        "mine_country": "R",
        "comments": "X",
    },
)
_SMELTERS_2_00 = TableLayout(
    "Smelter List",
    4,
    5,
    1001,
    {
        "id_input": "A",  # hidden helper: the legacy ID the template looked up
        "metal": "B",
        "lookup": "C",
        "name": "D",
        "country": "E",
        "street": "F",
        "city": "G",
        "state": "H",
        "contact_name": "I",
        "contact_email": "J",
        "next_steps": "K",
        "mine_name": "L",
        "mine_country": "M",
        "comments": "N",
    },
)
_SMELTERS_2_02 = TableLayout(
    "Smelter List",
    4,
    5,
    2504,
    {
        "id_input": "A",  # hidden helper: the legacy ID the template looked up
        "metal": "B",
        "lookup": "C",
        "name": "D",
        "country": "E",
        "smelter_id": "F",
        "street": "G",
        "city": "H",
        "state": "I",
        "contact_name": "J",
        "contact_email": "K",
        "next_steps": "L",
        "mine_name": "M",
        "mine_country": "N",
        "comments": "O",
    },
    formula_columns=("D", "E", "F"),
)
_SMELTERS_3_01_COLUMNS = {
    "metal": "B",
    "lookup": "C",
    "name": "D",
    "country": "E",
    "smelter_id": "F",
    "id_source": "G",
    "street": "H",
    "city": "I",
    "state": "J",
    "contact_name": "K",
    "contact_email": "L",
    "next_steps": "M",
    "mine_name": "N",
    "mine_country": "O",
    "recycled": "P",
    "comments": "Q",
}
_SMELTERS_3_01 = TableLayout(
    "Smelter List", 4, 5, 2504, _SMELTERS_3_01_COLUMNS, formula_columns=("F", "G")
)
_SMELTERS_6_X = TableLayout(
    "Smelter List",
    4,
    5,
    2504,
    {"id_input": "A", **_SMELTERS_3_01_COLUMNS},
    formula_columns=("F", "G"),
)
_SMELTERS_AMRT_1_2 = TableLayout(
    "Smelter List",
    4,
    5,
    2504,
    {
        "metal": "A",
        "name": "B",
        "country": "C",
        "smelter_id": "D",
        "id_source": "E",
        "street": "F",
        "city": "G",
        "state": "H",
        "contact_name": "I",
        "contact_email": "J",
        "next_steps": "K",
        "mine_name": "L",
        "mine_country": "M",
        "recycled": "N",
        "comments": "O",
    },
)
_MINES = TableLayout(
    "Mine List",
    4,
    5,
    2504,
    {
        "metal": "A",
        "smelter_name": "B",
        "mine_name": "C",
        "mine_id": "D",
        "id_source": "E",
        "country": "F",
        "street": "G",
        "city": "H",
        "state": "I",
        "contact_name": "J",
        "contact_email": "K",
        "next_steps": "L",
        "comments": "M",
    },
)


def _products(last_row: int, requester: bool = False) -> TableLayout:
    columns = {"number": "B", "name": "C", "comments": "D"}
    if requester:
        columns = {
            "number": "B",
            "name": "C",
            "requester_number": "D",
            "requester_name": "E",
            "comments": "F",
        }
    return TableLayout("Product List", 5, 6, last_row, columns)


# --- CMRT -----------------------------------------------------------------------------

_CMRT_1_00 = Layout(
    name="CMRT 1.00",
    family=Family.CMRT,
    inferred=False,
    company=_COMPANY_1_00,
    date_parts=("E17", "H17", "J17"),
    questions=(
        _block("Q1", 19, METALS_3TG, A.YES_NO),
        _block("Q2", 25, METALS_3TG, A.YES_NO_UNCERTAIN),
        _block("Q3", 31, METALS_3TG, A.YES_NO_UNCERTAIN),
        _block("Q4", 37, METALS_3TG, A.YES_NO),
        _block("Q5", 43, METALS_3TG, A.YES_NO_UNKNOWN),
    ),
    company_questions=_company("ABCDEFGHIJK", 51, {"I": A.VERIFY_2X}),
    smelters=_SMELTERS_1_00,
    products=None,
)

_CMRT_2_QUESTIONS = (
    _block("Q1", 21, METALS_3TG, A.YES_NO),
    _block("Q2", 27, METALS_3TG, A.YES_NO_UNCERTAIN),
    _block("Q3", 33, METALS_3TG, A.YES_NO_UNCERTAIN),
    _block("Q4", 39, METALS_3TG, A.RECEIVED_2X),
    _block("Q5", 45, METALS_3TG, A.ALL_SMELTERS_2X),
    _block("Q6", 51, METALS_3TG, A.YES_NO_UNKNOWN),
)
_CMRT_2_COMPANY = _company(
    "ABCDEFGHIJ",
    59,
    {
        "C": A.CONTRACT_2X,
        "D": A.PLANNED_2X,
        "H": A.VERIFY_2X,
    },
)


def _cmrt_2(name: str, smelters: TableLayout, scope_source: tuple[str, ...]) -> Layout:
    return Layout(
        scope_source=scope_source,
        name=name,
        family=Family.CMRT,
        inferred=False,
        company=_COMPANY_2_X,
        scopes=A.SCOPES_2X,
        questions=_CMRT_2_QUESTIONS,
        company_questions=_CMRT_2_COMPANY,
        smelters=smelters,
        products=_products(300),
    )


_CMRT_3_QUESTIONS = (
    _block("Q1", 25, METALS_3TG, A.YES_NO),
    _block("Q2", 31, METALS_3TG, A.YES_NO),
    _block("Q3", 37, METALS_3TG, A.YES_NO_UNKNOWN),
    _block("Q4", 43, METALS_3TG, A.YES_NO_UNKNOWN),
    _block("Q5", 49, METALS_3TG, A.RECEIVED_3X, pct=True),
    _block("Q6", 55, METALS_3TG, A.YES_NO),
    _block("Q7", 61, METALS_3TG, A.YES_NO_UNKNOWN),
)


def _cmrt_3(name: str, inferred: bool, smelters: TableLayout) -> Layout:
    return Layout(
        name=name,
        family=Family.CMRT,
        inferred=inferred,
        company=_COMPANY_STANDARD,
        scopes=A.SCOPES,
        questions=_CMRT_3_QUESTIONS,
        company_questions=_company("ABCDEFGHIJ", 69, {}),
        smelters=smelters,
        products=_products(300),
    )


_CMRT_6_QUESTIONS = (
    _block("Q1", 25, METALS_3TG, A.YES_NO),
    _block("Q2", 31, METALS_3TG, A.YES_NO),
    _block("Q3", 37, METALS_3TG, A.YES_NO_UNKNOWN),
    _block("Q4", 43, METALS_3TG, A.YES_NO_UNKNOWN),
    _block("Q5", 49, METALS_3TG, A.YES_NO_UNKNOWN),
    _block("Q6", 55, METALS_3TG, A.PERCENT_6X, pct=True),
    _block("Q7", 61, METALS_3TG, A.YES_NO),
    _block("Q8", 67, METALS_3TG, A.YES_NO),
)


def _cmrt_6(name: str, product_rows: int) -> Layout:
    return Layout(
        name=name,
        family=Family.CMRT,
        inferred=False,
        company=_COMPANY_STANDARD,
        scopes=A.SCOPES,
        questions=_CMRT_6_QUESTIONS,
        company_questions=_company("ABCDEFGH", 75, {"E": A.SURVEY_6X, "H": A.DISCLOSURE_6X}),
        smelters=_SMELTERS_6_X,
        products=_products(product_rows),
    )


# --- EMRT, CRT, AMRT ------------------------------------------------------------------


def _emrt_1() -> Layout:
    both, cobalt = EMRT1_MINERALS, ("Cobalt",)
    return Layout(
        name="EMRT 1.x",
        family=Family.EMRT,
        inferred=False,
        company=_COMPANY_STANDARD,
        scopes=A.SCOPES,
        questions=(
            _block("Q1", 25, both, A.EMRT1_Q1),
            _block("Q2", 31, both, A.YES_NO),
            _block("Q3", 37, both, A.EMRT_ORIGIN),
            _block("Q4", 43, cobalt, A.YES_NO_UNKNOWN),
            _block("Q5", 49, both, A.PERCENT_6X, pct=True),
            _block("Q6", 55, both, A.YES_NO),
            _block("Q7", 61, both, A.YES_NO),
        ),
        company_questions=(
            *_company("AB", 69, {}),
            CompanyQuestion("C", ((74, "Cobalt"), (75, "Mica")), A.EMRT_C),
            *_company("DEFG", 77, {"E": A.EMRT_SURVEY}),
        ),
        smelters=_SMELTERS_6_X,
        products=_products(1000),
    )


def _emrt_2(requester: bool) -> Layout:
    six = EMRT2_MINERALS
    headers = (29, 41, 53, 65, 77, 89, 101)
    lists = (
        A.EMRT2_Q1,
        A.YES_NO,
        A.EMRT_ORIGIN,
        A.YES_NO_UNKNOWN,
        A.PERCENT_EMRT2,
        A.YES_NO,
        A.YES_NO,
    )
    # The template lists the minerals chosen in D12:G13 sorted, without gaps (helper cells
    # AA12:AA21), and labels each question's rows with them: a row's mineral is its label.
    questions = tuple(
        Question(f"Q{i + 1}", h, tuple((h + 1 + n, None) for n in range(len(six))), lst, i == 4)
        for i, (h, lst) in enumerate(zip(headers, lists, strict=True))
    )
    return Layout(
        name="EMRT 2.x",
        family=Family.EMRT,
        inferred=False,
        company=_shifted_company(16),
        scopes=A.SCOPES,
        questions=questions,
        mineral_slots=("D12", "E12", "G12", "D13", "E13", "G13"),
        company_questions=(
            *_company("AB", 115, {}),
            CompanyQuestion("C", tuple((120 + i, None) for i in range(len(six))), A.EMRT_C, True),
            *_company("DEFG", 131, {"E": A.EMRT_SURVEY}),
        ),
        smelters=_SMELTERS_6_X,
        products=_products(1000, requester),
        mines=_MINES,
    )


_CRT = Layout(
    name="CRT 2.x",
    family=Family.CRT,
    inferred=False,
    company=_COMPANY_STANDARD,
    scopes=A.SCOPES,
    questions=(
        _block("Q1", 25, ("Cobalt",), A.YES_NO),
        _block("Q2", 31, ("Cobalt",), A.CRT_ORIGIN),
        _block("Q3", 37, ("Cobalt",), A.YES_NO_UNKNOWN),
        _block("Q4", 43, ("Cobalt",), A.PERCENT_6X, pct=True),
        _block("Q5", 49, ("Cobalt",), A.YES_NO),
        _block("Q6", 55, ("Cobalt",), A.YES_NO),
    ),
    company_questions=_company("ABCDEFGHI", 63, {"G": A.CRT_SURVEY}),
    smelters=_SMELTERS_6_X,
    products=_products(1000),
)

_AMRT_SLOTS = ("D12", "E12", "G12", "H12", "I12", "D13", "E13", "G13", "H13", "I13")


def _amrt(name: str, shift: int, smelters: TableLayout, requester: bool) -> Layout:
    q1, q2 = 27 + shift, 39 + shift
    return Layout(
        name=name,
        family=Family.AMRT,
        inferred=False,
        company=_shifted_company(14 + shift),
        scopes=A.SCOPES,
        questions=(
            _labelled("Q1", q1, q1 + 1, q1 + 10, A.AMRT_Q1),
            _labelled("Q2", q2, q2 + 1, q2 + 10, A.PERCENT_AMRT),
        ),
        mineral_slots=_AMRT_SLOTS,
        company_questions=(),
        smelters=smelters,
        products=_products(2005, requester),
        mines=_MINES,
    )


_SCOPES_IN_ROWS = ("B126", "B127", "B128", "B129")  # 2.00–2.02
_SCOPES_IN_COLUMNS = ("P9", "Q9", "R9", "S9")  # 2.03, 2.03a

#: Known revision → layout. Unknown revisions use the nearest known one below.
LAYOUTS: dict[tuple[Family, str], Layout] = {
    (Family.CMRT, "1.00"): _CMRT_1_00,
    (Family.CMRT, "2.00"): _cmrt_2("CMRT 2.00–2.01", _SMELTERS_2_00, _SCOPES_IN_ROWS),
    (Family.CMRT, "2.01"): _cmrt_2("CMRT 2.00–2.01", _SMELTERS_2_00, _SCOPES_IN_ROWS),
    (Family.CMRT, "2.02"): _cmrt_2("CMRT 2.02–2.03a", _SMELTERS_2_02, _SCOPES_IN_ROWS),
    (Family.CMRT, "2.03"): _cmrt_2("CMRT 2.02–2.03a", _SMELTERS_2_02, _SCOPES_IN_COLUMNS),
    (Family.CMRT, "2.03a"): _cmrt_2("CMRT 2.02–2.03a", _SMELTERS_2_02, _SCOPES_IN_COLUMNS),
    (Family.CMRT, "3.01"): _cmrt_3("CMRT 3.x", False, _SMELTERS_3_01),
    (Family.CMRT, "6.01"): _cmrt_6("CMRT 6.01–6.1", 1000),
    (Family.CMRT, "6.1"): _cmrt_6("CMRT 6.01–6.1", 1000),
    (Family.CMRT, "6.22"): _cmrt_6("CMRT 6.22–6.5", 2005),
    (Family.CMRT, "6.31"): _cmrt_6("CMRT 6.22–6.5", 2005),
    (Family.CMRT, "6.4"): _cmrt_6("CMRT 6.22–6.5", 2005),
    (Family.CMRT, "6.5"): _cmrt_6("CMRT 6.22–6.5", 2005),
    (Family.EMRT, "1.1"): _emrt_1(),
    (Family.EMRT, "1.11"): _emrt_1(),
    (Family.EMRT, "1.2"): _emrt_1(),
    (Family.EMRT, "1.3"): _emrt_1(),
    (Family.EMRT, "2.0"): _emrt_2(requester=False),
    (Family.EMRT, "2.1"): _emrt_2(requester=True),
    (Family.CRT, "2.2"): _CRT,
    (Family.AMRT, "1.2"): _amrt("AMRT 1.2", 0, _SMELTERS_AMRT_1_2, requester=False),
    (Family.AMRT, "1.3"): _amrt("AMRT 1.3", 3, _SMELTERS_6_X, requester=True),
}

#: CMRT 4.x–5.x: no file seen. 3.01's Declaration grid with the 4.1+ ID input column.
_CMRT_4_5 = _cmrt_3("CMRT 4.x–5.x (inferred from 3.01/6.x)", True, _SMELTERS_6_X)


def newer_columns(
    table: TableLayout, headers: dict[int, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The columns of ``table`` in a file of a revision newer than any known, and the extra ones.

    ``headers``: the file's header row (column number → text). RMI's Product List has two
    shapes: B number, C name, D comments; and, since EMRT 2.1 and AMRT 1.3 (CMRT 6.6 follows),
    the requester's product number and name in D and E with comments in F. A Product List of
    the first shape whose header row reaches two columns further is read in the second. Any
    other headed column right after the known ones is kept as ``extra_<letters>``; the second
    result maps those names to their header text. Header text is only shown, never matched:
    templates are translated.
    """
    columns = dict(table.columns)
    last = max(column_index(letters) for letters in columns.values())
    two_more = max(headers, default=0) >= last + 2
    if table.sheet == "Product List" and "requester_number" not in columns and two_more:
        columns = dict(_products(table.last_row, requester=True).columns)
        last = max(column_index(letters) for letters in columns.values())
    extra: dict[str, str] = {}
    while last + 1 in headers:  # contiguous: hidden helper columns sit further right
        last += 1
        extra[f"extra_{column_letters(last)}"] = headers[last]
    columns.update({name: name.removeprefix("extra_") for name in extra})
    return columns, extra


def layout_for(family: Family, revision: Revision, layout_revision: Revision) -> Layout:
    """The cell map for a file of ``revision`` (``layout_revision`` is the nearest known)."""
    if family is Family.CMRT and 4 <= revision.major <= 5:
        return _CMRT_4_5
    return LAYOUTS[(family, layout_revision.text)]
