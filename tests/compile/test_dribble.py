"""Slow bodies: streamed recordings (``_chunks``) become ``dribble`` on the route."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory
from stubforge.load.loader import load_directory

from .factory import Tape


def _compile(tape: Tape, tmp_path: Path) -> dict[str, Any]:
    tape.write(tmp_path / "recordings")
    output = compile_directory(tmp_path / "recordings", Hints())
    write_output(tmp_path / "stubs", output)
    loaded = load_directory(tmp_path / "stubs")
    assert loaded.ok, [str(e) for e in loaded.errors]
    (text,) = output.files.values()
    doc: dict[str, Any] = yaml.safe_load(text)
    return doc


def _stream(offsets_ms: Sequence[float]) -> list[tuple[float, int]]:
    return [(o, 100) for o in offsets_ms]


def test_a_streamed_route_dribbles_with_median_chunks_and_duration(tmp_path: Path) -> None:
    tape = Tape()
    for offsets in ([0, 500, 1000], [0, 400, 800, 1200], [0, 300, 600, 900, 1500]):
        tape.add("GET", "/v1/feed", text="x" * 300, chunks=_stream(offsets))
    (route,) = _compile(tape, tmp_path)["routes"]
    assert route["dribble"] == {"chunks": 4, "duration": "1.2s"}


def test_the_comment_states_the_provenance(tmp_path: Path) -> None:
    tape = Tape()
    for _ in range(3):
        tape.add("GET", "/v1/feed", text="x", chunks=_stream([0, 250, 500]))
    tape.write(tmp_path / "recordings")
    (text,) = compile_directory(tmp_path / "recordings", Hints()).files.values()
    assert "# slow body: 3 of 3 responses streamed; median 3 chunks over 500ms" in text


def test_fast_or_rare_streams_are_not_replayed_slowly(tmp_path: Path) -> None:
    tape = Tape()
    for i in range(4):
        tape.add("GET", "/v1/fast", json_body={"ok": True}, chunks=_stream([0, 5]))
        slow = _stream([0, 1000, 2000]) if i == 0 else None
        tape.add("GET", "/v1/mostly-buffered", json_body={"ok": True}, chunks=slow)
    routes = _compile(tape, tmp_path)["routes"]
    assert [r["id"] for r in routes] == ["get-v1-fast", "get-v1-mostly-buffered"]
    assert all("dribble" not in r for r in routes)


def test_errors_and_faults_do_not_count_as_samples(tmp_path: Path) -> None:
    tape = Tape()
    tape.add("GET", "/v1/feed", text="x", chunks=_stream([0, 300, 600]))
    tape.add("GET", "/v1/feed", text="x", chunks=_stream([0, 300, 600]))
    tape.add("GET", "/v1/feed", 503, json_body={"error": "down"})
    tape.add("GET", "/v1/feed", fault="connection_reset")
    (route,) = _compile(tape, tmp_path)["routes"]
    assert route["dribble"] == {"chunks": 3, "duration": "600ms"}
