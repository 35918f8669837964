"""Projected fidelity: the recordings replayed offline against their compiled stubs."""

from __future__ import annotations

from stubforge.compile.exchange import Exchange, from_entry
from stubforge.compile.hints import Hints
from stubforge.compile.pipeline import compile_exchange_list
from stubforge.compile.report import as_json
from stubforge.evaluate.fidelity import normalise, project
from stubforge.model.recording import RecordingEntry
from tests.compile.factory import Tape
from tests.compile.test_resources import crud_tape


def _exchanges(tape: Tape) -> list[Exchange]:
    return [from_entry(RecordingEntry.model_validate(e), i) for i, e in enumerate(tape.entries)]


def _project(tape: Tape) -> tuple[float | None, float | None]:
    exchanges = _exchanges(tape)
    output = compile_exchange_list(exchanges, Hints(), {})
    fid = project(exchanges, output, lambda kept: compile_exchange_list(kept, Hints(), {}))
    output.report.fidelity = fid
    assert as_json(output.report)["fidelity"]["overall"]["identical"] == fid.overall.identical
    assert "projected fidelity" in output.report.text()
    return fid.overall.share, fid.held_out.share


def test_a_stateful_crud_recording_replays_identically() -> None:
    overall, held_out = _project(crud_tape())
    assert overall == 1.0
    assert held_out is not None


def test_answers_nothing_explains_are_counted_wrong() -> None:
    t = Tape()
    for text in ("a", "b", "a", "b", "c", "a"):
        t.add("GET", "/v1/ping", json_body={"pong": text})
    overall, _ = _project(t)
    assert overall is not None and overall < 1.0


def test_volatile_values_do_not_count_as_differences() -> None:
    one = {"id": "9f1c7a52-3d8e-4b4f-9c55-2c2f0f5b8e11", "at": "2024-05-01T12:00:00Z", "n": 1}
    two = {"id": "0b9e0c8a-1111-4b4f-9c55-2c2f0f5b8e11", "at": "2024-06-01T10:00:00Z", "n": 1}
    assert normalise(one) == normalise(two)
    assert normalise({"n": 1}) != normalise({"n": 2})
