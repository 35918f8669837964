"""Event streams in stub files: what loads, and errors with file:line and field path."""

from __future__ import annotations

from pathlib import Path

from stubforge.load.loader import load_directory
from stubforge.model.response import ResponseSpec


def _errors(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "api.yaml").write_text(text)
    return [str(e).replace(str(tmp_path) + "/", "") for e in load_directory(tmp_path).errors]


def test_a_stream_with_timing_and_a_cut_loads(tmp_path: Path) -> None:
    errors = _errors(
        tmp_path,
        """\
version: 1
routes:
  - request: {path: /events}
    response:
      events:
        - {event: delta, data: {text: hi}, id: "1"}
        - {data: "[DONE]", retry: 1000}
      event_timing: {first: 300ms, gap: {p50: 20ms, p99: 80ms}}
      cut: {after: 1, fault: stall, hold: 2s}
""",
    )
    assert errors == []


def test_stream_errors_name_file_line_and_field(tmp_path: Path) -> None:
    errors = _errors(
        tmp_path,
        """\
version: 1
routes:
  - request: {path: /a}
    response:
      events:
        - {}
        - {id: "two\\nlines", retry: -1}
      event_timing: {gap: 20}
      cut: {after: 5, fault: explode}
  - request: {path: /b}
    response:
      body: text
      events: [{data: x}]
  - request: {path: /c}
    response: {cut: {after: 1, fault: close}}
  - request: {path: /d}
    response:
      events: [{data: x}]
      cut: {after: 1, fault: malformed}
""",
    )
    text = "\n".join(errors)
    assert "api.yaml:6:" in text and "routes[0].response.events[0]: " in text
    assert "an event needs at least one of" in text
    assert "routes[0].response.events[1].id: id must be one line" in text
    assert "routes[0].response.events[1].retry" in text
    assert "routes[0].response.event_timing.gap" in text and "needs a unit" in text
    assert "routes[0].response.cut.fault: must be 'close', 'reset', 'stall' or 'malformed'" in text
    assert "routes[1].response: give at most one body source" in text
    assert "routes[2].response: cut needs events" in text
    assert "routes[3].response: cut.after must be <= 0" in text


def test_hold_belongs_to_stall_only() -> None:
    data = {"events": [{"data": "x"}], "cut": {"after": 0, "fault": "close", "hold": "1s"}}
    try:
        ResponseSpec.model_validate(data)
    except ValueError as exc:
        assert "hold only applies to fault: stall" in str(exc)
    else:
        raise AssertionError("hold with close was accepted")
