"""The quick constructor of frozen dataclasses builds exactly what ``__init__`` builds."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from oretrace.smelters.frozen import maker
from oretrace.smelters.matching import Candidate
from oretrace.smelters.results import Decision, Identification, Method, SmelterQuery


def test_made_candidate_equals_and_hashes_like_one_from_init() -> None:
    made = maker(Candidate)("CID000001", "Asahi", "Japan", "asahi pretec", 97.5)
    built = Candidate("CID000001", "Asahi", "Japan", "asahi pretec", 97.5)
    assert made == built and hash(made) == hash(built) and type(made) is Candidate
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.score = 1.0  # type: ignore[misc]


def test_made_identification_keeps_every_field_in_order() -> None:
    values = (
        SmelterQuery("Gold", "Asahi"), "CID000001", "Asahi", "Gold", "Japan", Method.FUZZY,
        97.5, Decision.AUTO, "reason", (), (),
    )  # fmt: skip
    assert maker(Identification)(*values) == Identification(*values)


def test_classes_that_need_their_init_are_refused() -> None:
    @dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            assert self.value > 0

    with pytest.raises(TypeError, match="needs its __init__"):
        maker(Checked)
    with pytest.raises(TypeError):
        maker(Candidate)("too", "few")
