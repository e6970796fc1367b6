"""A snapshot's fingerprint is computed once and is the sha256 of snapshot.json's bytes."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import io
import pickle

from oretrace.reporting import data as snapshot_module
from oretrace.reporting.data import ReportData
from tests.reporting.report_example import example_report_data


def _fresh(data: ReportData) -> str:
    return hashlib.sha256(data.to_json().encode()).hexdigest()


def test_write_json_writes_the_canonical_text_and_returns_its_fingerprint() -> None:
    data = example_report_data()
    stream = io.BytesIO()
    assert data.write_json(stream) == _fresh(data)
    assert stream.getvalue() == data.to_json().encode("utf-8")
    assert data.fingerprint() == _fresh(data)


def test_a_changed_copy_has_its_own_fingerprint_and_a_dead_one_is_forgotten() -> None:
    data = example_report_data()
    first = data.fingerprint()
    draft = dataclasses.replace(data, draft=True)
    assert draft.fingerprint() == _fresh(draft) != first
    assert data.fingerprint() == first
    again = pickle.loads(pickle.dumps(draft))  # a copy is a new snapshot, same fingerprint
    assert again.fingerprint() == draft.fingerprint()
    count = len(snapshot_module._fingerprints)
    del draft, again
    gc.collect()
    assert len(snapshot_module._fingerprints) == count - 2
