"""Reading recordings: order, torn last lines, versions, the typed entry."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from stubforge.model import recording
from stubforge.model.recording import (
    CURRENT_SCHEMA,
    RecordingEntry,
    RecordingFormatError,
    iter_raw_entries,
    read_recordings,
)


def entry(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "_schema": 1,
        "_id": f"e{n}",
        "startedDateTime": "2026-11-22T14:30:00.000+00:00",
        "time": 12.5,
        "request": {"method": "GET", "url": f"https://api.example/v1/items/{n}", "headers": []},
        "response": {
            "status": 200,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"size": 2, "mimeType": "application/json", "text": "{}"},
        },
        "timings": {"send": 0, "wait": 10, "receive": 2.5},
        **extra,
    }


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines))
    return path


def test_directory_is_read_in_file_name_order(tmp_path: Path) -> None:
    write(tmp_path / "0002-20261122T150000Z.jsonl", [json.dumps(entry(3)) + "\n"])
    write(
        tmp_path / "0001-20261122T140000Z.jsonl",
        [json.dumps(entry(1)) + "\n", json.dumps(entry(2)) + "\n"],
    )
    (tmp_path / "notes.txt").write_text("ignored")
    assert [e.id for e in read_recordings(tmp_path)] == ["e1", "e2", "e3"]


def test_torn_last_line_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    f = write(tmp_path / "0001-x.jsonl", [json.dumps(entry(1)) + "\n", json.dumps(entry(2))[:40]])
    with caplog.at_level(logging.WARNING, logger="stubforge.model.recording"):
        got = list(read_recordings(f))
    assert [e.id for e in got] == ["e1"]
    assert "torn last line" in caplog.text and "0001-x.jsonl:2" in caplog.text


def test_corrupt_line_in_the_middle_is_an_error(tmp_path: Path) -> None:
    f = write(tmp_path / "0001-x.jsonl", ["{not json\n", json.dumps(entry(2)) + "\n"])
    with pytest.raises(RecordingFormatError, match=r"0001-x.jsonl:1"):
        list(read_recordings(f))


def test_newer_schema_is_refused_and_har_entries_are_version_1(tmp_path: Path) -> None:
    plain = entry(1)
    del plain["_schema"]
    f = write(tmp_path / "a.jsonl", [json.dumps(plain) + "\n"])
    (e,) = read_recordings(f)
    assert e.schema_version == CURRENT_SCHEMA
    g = write(tmp_path / "b.jsonl", [json.dumps(entry(1, _schema=CURRENT_SCHEMA + 1)) + "\n"])
    with pytest.raises(RecordingFormatError, match="newer than this stubforge"):
        list(read_recordings(g))


def test_upgrade_hook_runs_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recording, "CURRENT_SCHEMA", 2)
    monkeypatch.setitem(recording.UPGRADES, 1, lambda raw: {**raw, "_upgraded": True})
    f = write(tmp_path / "a.jsonl", [json.dumps(entry(1)) + "\n"])
    (raw,) = iter_raw_entries(f)
    assert raw["_schema"] == 2 and raw["_upgraded"] is True


def test_typed_entry_round_trips_with_extensions() -> None:
    raw = entry(
        1,
        _error="server closed connection",
        _fault="empty_reply",
        _chunks=[[0.5, 10], [50.1, 10]],
        _redactions=["bearer"],
    )
    raw["response"]["content"] = {
        "size": 3,
        "text": "AAEC",
        "encoding": "base64",
        "_contentEncoding": "gzip",
    }
    e = RecordingEntry.model_validate(raw)
    assert e.failed and e.fault == "empty_reply"
    assert e.chunks == [(0.5, 10), (50.1, 10)]
    assert e.response.content.body_bytes() == b"\x00\x01\x02"
    assert e.response.content.content_encoding == "gzip"
    assert e.response.header("content-type") == "application/json"
    out = e.to_json()
    assert out["_fault"] == "empty_reply" and out["_redactions"] == ["bearer"]
    assert out["response"]["content"]["_contentEncoding"] == "gzip"
    assert RecordingEntry.model_validate(out) == e


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(read_recordings(tmp_path / "nope"))
