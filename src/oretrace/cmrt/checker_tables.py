"""The Checker sheet of each template revision (3.01 onwards), as rule tables.

Transcribed from the templates' own Checker formulas (columns B, F, G, H; see
docs/checker.md). Keys name Checker rows the way the formulas refer to each other: ``q3.Tin``
is the Q3 answer row for tin, ``A`` company question A. Declaration rows of a metal question
are ``first_row + metal offset``. CMRT 2.00–2.02 (arithmetic Checker) live in
:mod:`oretrace.cmrt.checker_legacy`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from oretrace.cmrt.checker_rules import (
    ALWAYS,
    NEVER,
    AllOf,
    AnyOf,
    AnySmelter,
    Cell,
    CellIs,
    Condition,
    Described,
    Field,
    Gated,
    HasText,
    Is,
    IsBlank,
    IsListItem,
    Item,
    Match,
    Needed,
    Not,
    NotListedRows,
    OtherMinerals,
    ProductList,
    Ruleset,
    SmelterColumns,
    SmelterForMetal,
    Test,
)

YES, NO = ("Yes",), ("No",)
CMRT_METALS = ("Tantalum", "Tin", "Gold", "Tungsten")


def _at(col: str, row: int) -> str:
    return f"{col}{row}"


def company(refs: Sequence[tuple[str, str, Test]], scope_lists: tuple[str, str]) -> Iterator[Item]:
    """Rows 4–13: company name, scope, description (when scope is neither list item), …"""
    yield Field("name", "Company name", Cell("D8"))
    yield Field("scope", "Declaration scope", Cell("D9"))
    first, second = scope_lists
    other_scope = Not(
        AnyOf((IsListItem("scope", first), IsListItem("scope", second), IsBlank("scope")))
    )
    yield Field("description", "Description of scope", Cell("D10"), other_scope)
    for ref, label, test in refs:
        yield Field(ref, label, Cell(ref), ALWAYS, test)


def _q(n: int, lane: str) -> str:
    return f"q{n}.{lane}"


def _needed(*keys: str) -> Needed:
    return Needed(tuple(keys))


B, AT = Test.BLANK, Test.NO_AT
CONTACT_6X = (
    ("D15", "Contact name", B),
    ("D16", "Contact e-mail", AT),
    ("D17", "Contact phone", B),
    ("D18", "Authorizer", B),
    ("D20", "Authorizer e-mail", AT),
    ("D22", "Effective date", B),
)
CONTACT_301 = (
    ("D15", "Contact name", B),
    ("D16", "Contact e-mail", B),
    ("D17", "Contact phone", B),
    ("D18", "Authorizer", B),
    ("D20", "Authorizer e-mail", B),
    ("D21", "Authorizer phone", B),
    ("D22", "Effective date", B),
)


# ── CMRT 6.01–6.5 ───────────────────────────────────────────────────────────────────────


def _cmrt6_metal(i: int, metal: str) -> Iterator[Item]:
    q1, q2 = _q(1, metal), _q(2, metal)
    yield Field(q1, f"Q1 {metal}", Cell(_at("D", 26 + i)))
    yield Field(q2, f"Q2 {metal}", Gated(_at("D", 32 + i), Is(q1, YES)), Not(Is(q1, NO)))


def _cmrt6_detail(n: int, i: int, metal: str) -> Field:
    q1, q2 = _q(1, metal), _q(2, metal)
    ref = _at("D", 26 + 6 * (n - 1) + i)
    gate = AllOf((Is(q1, YES), Is(q2, YES)))
    return Field(
        _q(n, metal), f"Q{n} {metal}", Gated(ref, gate), Not(AnyOf((Is(q1, NO), Is(q2, NO))))
    )


def company_questions(
    rows: Sequence[int],
    need: Condition,
    url_after: Sequence[str] = ("B",),
    url_test: Test = Test.SHORT,
) -> Iterator[Field]:
    """Company questions A, B, … at ``rows``; a URL comment is required when B (etc.) = Yes."""
    for letter, row in zip("ABCDEFGHIJ", rows, strict=False):
        yield Field(
            letter,
            f"Question {letter}",
            Cell(_at("D", row)),
            need if letter == "A" else _needed("A"),
        )
        if letter in url_after:
            url_need = AllOf((_needed(letter), Is(letter, YES)))
            yield Field(
                f"url.{letter}",
                f"Question {letter} URL (comment)",
                Cell(_at("G", row)),
                url_need,
                url_test,
            )


def cmrt6(not_listed_last_row: int | None) -> Ruleset:
    items: list[Item] = [*company(CONTACT_6X, ("P9", "Q9"))]
    for i, metal in enumerate(CMRT_METALS):
        items += _cmrt6_metal(i, metal)
    for n in range(3, 9):
        items += (_cmrt6_detail(n, i, metal) for i, metal in enumerate(CMRT_METALS))
    any_q3 = _needed(*(_q(3, m) for m in CMRT_METALS))
    items += company_questions(range(75, 90, 2), any_q3)
    items.append(ProductList(IsListItem("scope", "Q9")))
    items += (
        SmelterForMetal(f"Smelter List – {m}", _needed(_q(3, m)), Match.PREFIX, metal=m)
        for m in CMRT_METALS
    )
    items.append(NotListedRows(not_listed_last_row))
    return Ruleset(f"CMRT 6.x (not-listed rows to {not_listed_last_row or 'end'})", tuple(items))


# ── CMRT 3.01 (also 3.02–5.x, whose layout is unknown) ──────────────────────────────────


def cmrt301() -> Ruleset:
    items: list[Item] = [*company(CONTACT_301, ("P9", "Q9"))]
    for n in (1, 2):
        items += (
            Field(_q(n, m), f"Q{n} {m}", Cell(_at("D", 26 + 6 * (n - 1) + i)))
            for i, m in enumerate(CMRT_METALS)
        )
    for n in range(3, 8):
        for i, m in enumerate(CMRT_METALS):
            need = Not(AllOf((Is(_q(1, m), NO), Is(_q(2, m), NO))))
            items.append(Field(_q(n, m), f"Q{n} {m}", Cell(_at("D", 26 + 6 * (n - 1) + i)), need))
    any_q3 = _needed(*(_q(3, m) for m in CMRT_METALS))
    items += company_questions(range(69, 88, 2), any_q3, url_test=Test.NO_WWW)
    items.append(ProductList(IsListItem("scope", "Q9")))
    items.append(AnySmelter(_needed("A")))
    return Ruleset("CMRT 3.01", tuple(items))


# ── CMRT 2.03, 2.03a ────────────────────────────────────────────────────────────────────


def cmrt203() -> Ruleset:
    contact = (
        ("D14", "Authorized representative", B),
        ("D16", "Representative e-mail", B),
        ("D18", "Date of completion", B),
    )
    items: list[Item] = [*company(contact, ("P9", "S9"))]
    items += (Field(_q(1, m), f"Q1 {m}", Cell(_at("D", 22 + i))) for i, m in enumerate(CMRT_METALS))
    for n in range(2, 7):
        items += (
            Field(
                _q(n, m), f"Q{n} {m}", Cell(_at("D", 22 + 6 * (n - 1) + i)), Not(Is(_q(1, m), NO))
            )
            for i, m in enumerate(CMRT_METALS)
        )
    some_metal = Not(AllOf(tuple(Is(_q(1, m), NO) for m in CMRT_METALS)))
    items += (
        Field(letter, f"Question {letter}", Cell(_at("D", row)), some_metal)
        for letter, row in zip("ABCDEFGHIJ", range(59, 78, 2), strict=True)
    )
    product_level = AllOf((Is("scope", ("D. Product Level",)), some_metal))
    items.append(ProductList(product_level, zero_counts_as_empty=True))
    items.append(AnySmelter(some_metal))
    return Ruleset("CMRT 2.03", tuple(items))


# ── EMRT 1.x and CRT 2.2: two (one) metals on a grid built for four ───────────────────
# The CMRT grid's unused metal rows are still in these Checkers (lanes "row 28", …) and
# are counted when empty: that is what the template does, so it is what we do.

EMRT1_LANES = ("Cobalt", "Mica", "row 28", "row 29")
NOT_APPLICABLE = ("No", "Unknown", "Not applicable for this declaration")


def _lane_field(n: int, i: int, lane: str, need: Condition, first_row: int = 26) -> Field:
    return Field(_q(n, lane), f"Q{n} {lane}", Cell(_at("D", first_row + 6 * (n - 1) + i)), need)


def emrt1(url_on_a: bool, not_listed: bool, last_row: int) -> Ruleset:
    items: list[Item] = [*company(CONTACT_6X, ("P9", "Q9"))]
    items += (_lane_field(1, i, lane, ALWAYS) for i, lane in enumerate(EMRT1_LANES))
    for i, metal in enumerate(EMRT1_LANES[:2]):
        items.append(_lane_field(2, i, metal, Not(Is(_q(1, metal), NOT_APPLICABLE))))
    for i, lane in enumerate(EMRT1_LANES):
        if i < 2:
            need: Condition = Not(
                AnyOf((Is(_q(1, lane), NOT_APPLICABLE), Is(_q(2, lane), NOT_APPLICABLE)))
            )
        else:
            need = Not(Is(_q(1, lane), NO))
        items.append(_lane_field(3, i, lane, need))
    for n in range(4, 8):
        for i, lane in enumerate(EMRT1_LANES):
            skip = n == 4 and lane == "Mica"  # Q4 is a cobalt-only question
            items.append(_lane_field(n, i, lane, NEVER if skip else _needed(_q(3, lane))))
    items += _emrt1_company(url_on_a)
    items.append(ProductList(IsListItem("scope", "Q9")))
    items += (
        SmelterForMetal(f"Smelter List – {m}", _needed(_q(3, m)), Match.PREFIX, metal=m)
        for m in EMRT1_LANES[:2]
    )
    if not_listed:
        items.append(NotListedRows(None))
    return Ruleset("EMRT 1.x", tuple(items), smelter_last_row=last_row)


def _emrt1_company(url_on_a: bool) -> Iterator[Field]:
    a_need = _needed(_q(3, "Cobalt"), _q(3, "Mica"))
    url_after = ("A", "B") if url_on_a else ("B",)
    yield from company_questions((69, 71), a_need, url_after)
    for metal, row in (("Cobalt", 74), ("Mica", 75)):
        need = AllOf((_needed(_q(3, metal)), _needed("A")))
        yield Field(f"C.{metal}", f"Question C {metal}", Cell(_at("D", row)), need)
    yield Field("D", "Question D", Cell("D77"), _needed("A"))
    ipc = ("No", "Yes, in conformance with IPC1755 (e.g. EMRT)")
    yield Field(
        "E",
        "Question E",
        Described("D79", "G79", ipc, "Yes, Using Other Format (Describe)"),
        _needed("A"),
    )
    yield Field("F", "Question F", Cell("D81"), _needed("A"))
    yield Field("G", "Question G", Cell("D83"), _needed("A"))


CRT_LANES = ("Cobalt", "row 27", "row 28", "row 29")


def crt22() -> Ruleset:
    items: list[Item] = [*company(CONTACT_6X, ("P9", "Q9"))]
    items += (_lane_field(1, i, lane, ALWAYS) for i, lane in enumerate(CRT_LANES))
    for i, lane in enumerate(CRT_LANES):
        skip = ("No", "Unknown") if lane == "Cobalt" else NO
        items.append(_lane_field(2, i, lane, Not(Is(_q(1, lane), skip))))
    for n in range(3, 7):
        items += (_lane_field(n, i, lane, _needed(_q(2, lane))) for i, lane in enumerate(CRT_LANES))
    items += _crt_company()
    items.append(ProductList(IsListItem("scope", "Q9")))
    # The template's own quirk (H57): counted only when Q1 Cobalt is empty yet Q1 or Q2 says
    # Yes and no cobalt row exists; the "Smelter not listed" row is outside SUM(H4:H57).
    quirk = AllOf((AnyOf((CellIs("D26", YES), CellIs("D32", YES))), IsBlank(_q(1, "Cobalt"))))
    items.append(SmelterForMetal("Smelter List – Cobalt", quirk, Match.METAL_ONLY, metal="Cobalt"))
    return Ruleset("CRT 2.2", tuple(items), smelter_last_row=2498)


def _crt_company() -> Iterator[Field]:
    a_need = _needed(*(_q(2, lane) for lane in CRT_LANES))
    yield from company_questions((63, 65, 67, 69, 71, 73), a_need)
    crt = ("No", "Yes, CRT")
    yield Field(
        "G",
        "Question G",
        Described("D75", "G75", crt, "Yes, Using Other Format (Describe)"),
        _needed("A"),
    )
    yield Field("H", "Question H", Cell("D77"), _needed("A"))
    yield Field("I", "Question I", Cell("D79"), _needed("A"))


# ── EMRT 2.x and AMRT: minerals chosen on the Declaration ──────────────────────────────
# Mineral names come from the template's own helper cells (Declaration AA12…, and the
# labels in column B that show them), read as cached values.

NOT_DECLARING = ("No", "Unknown", "Not declaring")


def emrt2(last_row: int) -> Ruleset:
    contact = (
        ("D19", "Contact name", B),
        ("D20", "Contact e-mail", AT),
        ("D21", "Contact phone", B),
        ("D22", "Authorizer", B),
        ("D24", "Authorizer e-mail", AT),
        ("D26", "Effective date", B),
    )
    items: list[Item] = [*company((), ("P9", "Q9"))]
    items.append(Field("minerals", "Minerals in scope", Cell("B30"), ALWAYS, Test.NO_TEXT, "D12"))
    items += (Field(ref, label, Cell(ref), ALWAYS, test) for ref, label, test in contact)
    lanes = [str(i + 1) for i in range(6)]  # the Checker covers the first six of ten rows
    for i, lane in enumerate(lanes):
        listed = HasText(_at("B", 30 + i))
        q1 = _q(1, lane)
        items.append(Field(q1, f"Q1 mineral {lane}", Cell(_at("D", 30 + i)), listed))
    for i, lane in enumerate(lanes):
        out = AnyOf((Not(HasText(_at("B", 30 + i))), Is(_q(1, lane), NOT_DECLARING)))
        items.append(Field(_q(2, lane), f"Q2 mineral {lane}", Cell(_at("D", 42 + i)), Not(out)))
    for i, lane in enumerate(lanes):
        out = AnyOf(
            (
                Not(HasText(_at("B", 30 + i))),
                Is(_q(1, lane), NOT_DECLARING),
                Is(_q(2, lane), ("No", "Unknown")),
            )
        )
        items.append(Field(_q(3, lane), f"Q3 mineral {lane}", Cell(_at("D", 54 + i)), Not(out)))
    for n in range(4, 8):
        items += (
            Field(
                _q(n, lane),
                f"Q{n} mineral {lane}",
                Cell(_at("D", 30 + 12 * (n - 1) + i)),
                _needed(_q(3, lane)),
            )
            for i, lane in enumerate(lanes)
        )
    items += company_questions((115, 117), _needed(*(_q(3, lane) for lane in lanes)))
    items += (
        Field(
            f"C.{lane}", f"Question C mineral {lane}", Cell(_at("D", 120 + i)), _needed(_q(3, lane))
        )
        for i, lane in enumerate(lanes)
    )
    items += (
        Field(letter, f"Question {letter}", Cell(_at("D", row)), _needed("A"))
        for letter, row in zip("DEFG", (131, 133, 135, 137), strict=True)
    )
    items.append(ProductList(IsListItem("scope", "Q9")))
    items += (
        SmelterForMetal(
            f"Smelter List – mineral {lane}",
            _needed(_q(3, lane)),
            Match.LOOKED_UP,
            metal_ref=_at("AA", 12 + i),
        )
        for i, lane in enumerate(lanes)
    )
    items.append(NotListedRows(None))
    return Ruleset("EMRT 2.x", tuple(items), smelter_last_row=last_row)


def amrt(revision: str) -> Ruleset:
    new = revision == "1.3"
    base = 3 if new else 0  # AMRT 1.3 moved everything below row 12 down by three rows
    contact = (
        (_at("D", 17 + base), "Contact name", B),
        (_at("D", 18 + base), "Contact e-mail", AT),
        (_at("D", 19 + base), "Contact phone", B),
        (_at("D", 20 + base), "Authorizer", B),
        (_at("D", 22 + base), "Authorizer e-mail", AT),
        (_at("D", 24 + base), "Effective date", B),
    )
    q1_row, name_row = 28 + base, 40 + base
    items: list[Item] = [*company((), ("P9", "Q9"))]
    items.append(
        Field("minerals", "Minerals in scope", Cell(_at("B", q1_row)), ALWAYS, Test.NO_TEXT, "D12")
    )
    if new:
        items.append(OtherMinerals())
    items += (Field(ref, label, Cell(ref), ALWAYS, test) for ref, label, test in contact)
    lanes = [str(i + 1) for i in range(10)]
    items += (
        Field(
            _q(1, lane),
            f"Q1 mineral {lane}",
            Cell(_at("D", q1_row + i)),
            HasText(_at("B", q1_row + i)),
        )
        for i, lane in enumerate(lanes)
    )
    # Q2 rows are on the Checker but outside its SUM, so they are not listed here.
    items.append(ProductList(IsListItem("scope", "Q9")))
    for i, lane in enumerate(lanes):
        name = _at("B", name_row + i)
        need = Not(AnyOf((Not(HasText(name)), Is(_q(1, lane), NOT_DECLARING))))
        items.append(
            SmelterForMetal(f"Smelter List – mineral {lane}", need, Match.COMPLETE, metal_ref=name)
        )
    if new:
        items.append(NotListedRows(2504))
        return Ruleset("AMRT 1.3", tuple(items), columns=SmelterColumns(complete=("C", "E")))
    columns = SmelterColumns(metal="A", lookup="", name="B", country="C", complete=("B", "C"))
    return Ruleset("AMRT 1.2", tuple(items), columns=columns)
