"""The crash-safe writer: session files in order, rotation, one line per entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stubforge.record.writer import RecordingWriter, WriterError


def test_sessions_are_numbered_in_order(tmp_path: Path) -> None:
    names = []
    for i in range(3):
        with RecordingWriter(tmp_path) as w:
            w.write({"n": i})
            assert w.path is not None
            names.append(w.path.name)
    assert [n[:5] for n in names] == ["0001-", "0002-", "0003-"]
    assert sorted(p.name for p in tmp_path.glob("*.jsonl")) == names


def test_each_entry_is_one_line_and_empty_sessions_vanish(tmp_path: Path) -> None:
    with RecordingWriter(tmp_path) as w:
        w.write({"text": "line\nbreak", "unicode": "é"})
        w.write({"n": 2})
    (only,) = tmp_path.glob("*.jsonl")
    lines = only.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 3
    assert json.loads(lines[0])["text"] == "line\nbreak"
    with RecordingWriter(tmp_path):
        pass
    assert len(list(tmp_path.glob("*.jsonl"))) == 1


def test_rotation_by_size_continues_numbering(tmp_path: Path) -> None:
    with RecordingWriter(tmp_path, max_bytes=200, fsync=True) as w:
        for i in range(10):
            w.write({"i": i, "pad": "x" * 50})
        assert w.count == 10
    files = sorted(tmp_path.glob("*.jsonl"))
    assert len(files) >= 3
    seen = [json.loads(line)["i"] for f in files for line in f.read_text().splitlines()]
    assert seen == list(range(10))


def test_unwritable_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(WriterError, match="cannot create output directory"):
        RecordingWriter(blocker / "sub")
