"""Year over year: smelters added and removed, answers changed, revision changed."""

from __future__ import annotations

from oretrace.assessment.changes import (
    AnswerChange,
    compare_declarations,
    compare_suppliers,
    smelter_changes,
)
from oretrace.cmrt.semantics import CompanyAnswers, MetalAnswers, Reply, ResponseBand

from .builders import GOOD_COMPANY, N, U, Y, declaration, ref, silent, supplier, used


def test_smelters_match_by_id_then_by_name() -> None:
    old = [
        ref("CID000001"),
        ref("CID000002"),
        ref(None, name="Old  Smelter"),
        ref(None, name="Gone"),
    ]
    new = [
        ref("CID000001", name="renamed"),
        ref("CID000003"),
        ref("CID000003"),
        ref("CID000009", name="old smelter"),  # gained its ID
        ref(None, "Gold", name="Gone"),  # same name, other metal
    ]
    added, removed = smelter_changes(old, new)
    assert [(r.metal, r.smelter_id, r.name) for r in added] == [
        ("Tin", "CID000003", "Smelter CID000003"),
        ("Gold", None, "Gone"),
    ]
    assert [(r.smelter_id, r.name) for r in removed] == [
        ("CID000002", "Smelter CID000002"),
        (None, "Gone"),
    ]


def test_answers_compared_by_meaning_across_revisions() -> None:
    older = declaration(
        MetalAnswers("Tin", intentional=Y, remains=Y, covered_countries=U, recycled_only=N,
                     response=ResponseBand.OVER_75, all_smelters_identified=N, all_reported=Y),
        company=CompanyAnswers(has_policy=N, policy_public=N, files_disclosure=Y),
        revision="3.01",
    )  # fmt: skip
    newer = declaration(used(covered=N, cahra=U), company=GOOD_COMPANY, revision="6.4")
    changes = compare_declarations("S1", "Acme", older, newer)
    assert changes.revision == ("CMRT 3.01", "CMRT 6.4")
    assert set(changes.answers_changed) == {
        AnswerChange("covered_countries", "Tin", "unknown", "no"),
        AnswerChange("response", "Tin", "greater than 75%", "100%"),
        AnswerChange("all_smelters_identified", "Tin", "no", "yes"),
        AnswerChange("has_policy", None, "no", "yes"),
        AnswerChange("policy_public", None, "no", "yes"),
        AnswerChange("files_disclosure", None, "yes", "no"),
    }  # cahra was not asked in 3.01, company C-G were not asked above: no change reported
    assert changes.changed


def test_unchanged_declaration() -> None:
    same = declaration(used(), smelters=[ref("CID000001")])
    changes = compare_declarations("S1", "Acme", same, same)
    assert not changes.changed
    assert changes.revision is None


def test_compare_suppliers_over_two_periods() -> None:
    previous = [
        supplier("S1", declaration(used(), smelters=[ref("CID000001")])),
        silent("S2"),
        supplier("S4", declaration(used())),
    ]
    current = [
        supplier("S1", declaration(used(), smelters=[ref("CID000002")])),
        supplier("S2", declaration(used(), smelters=[ref("CID000001")])),
        supplier("S3", declaration(used())),
    ]
    found = {c.supplier_id: c for c in compare_suppliers(previous, current)}
    assert list(found) == ["S1", "S2", "S3", "S4"]
    assert [r.smelter_id for r in found["S1"].smelters_added] == ["CID000002"]
    assert [r.smelter_id for r in found["S1"].smelters_removed] == ["CID000001"]
    assert found["S2"].responded == (False, True)
    assert found["S2"].revision == (None, "CMRT 6.4")
    assert found["S2"].answers_changed == ()
    assert found["S3"].responded == (False, True)
    assert found["S4"].responded == (True, False)
    assert found["S4"].name == "Supplier S4"
    assert all(c.changed for c in found.values())


def test_company_reply_not_asked_is_skipped() -> None:
    old = declaration(used(), company=CompanyAnswers(has_policy=Reply.NOT_ASKED))
    new = declaration(used(), company=CompanyAnswers(has_policy=Y))
    assert compare_declarations("S", "S", old, new).answers_changed == ()
