"""Correlations: ids a response issued become path parameters when sent back."""

from __future__ import annotations

from stubforge.compile.exchange import Exchange, from_entry
from stubforge.compile.grouping import group_exchanges
from stubforge.compile.hints import Hints
from stubforge.model.recording import RecordingEntry
from tests.compile.factory import Tape


def _templates(tape: Tape) -> set[str]:
    exchanges: list[Exchange] = [
        from_entry(RecordingEntry.model_validate(e), i) for i, e in enumerate(tape.entries)
    ]
    return {g.template for g in group_exchanges(exchanges, Hints()).groups}


def test_an_issued_id_sent_back_in_a_path_is_a_parameter() -> None:
    t = Tape()
    for name in ("kqzbxwvmnd", "pjrtyuwqzs"):
        t.add("POST", "/restapis", 201, request_json={"name": "x"}, json_body={"id": name})
        t.add("GET", f"/restapis/{name}", json_body={"id": name})
    assert "/restapis/{restapi_id}" in _templates(t)


def test_a_word_equal_to_some_response_value_stays_literal() -> None:
    t = Tape()
    t.add("GET", "/catalog", json_body={"kind": "shelves", "section": "shelves"})
    t.add("GET", "/catalog/shelves", json_body=[])
    t.add("GET", "/catalog/tables", json_body=[])
    assert _templates(t) == {"/catalog", "/catalog/shelves", "/catalog/tables"}
    t2 = Tape()  # sent before it was issued: no evidence of a correlation
    t2.add("GET", "/restapis/kqzbxwvmnd", json_body={"name": "x"})
    t2.add("POST", "/restapis", 201, request_json={}, json_body={"id": "kqzbxwvmnd"})
    assert "/restapis/kqzbxwvmnd" in _templates(t2)
