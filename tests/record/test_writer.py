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


def test_a_failed_write_is_loud_and_leaves_no_torn_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    real_write = os.write
    calls = {"n": 0}

    def half_then_full(fd: int, data: bytes | memoryview) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    with RecordingWriter(tmp_path) as w:
        w.write({"n": 1})
        monkeypatch.setattr(os, "write", half_then_full)
        with pytest.raises(WriterError, match="No space left on device"):
            w.write({"n": 2, "pad": "x" * 100})
        monkeypatch.setattr(os, "write", real_write)
        w.write({"n": 3})
        assert w.count == 2
    (only,) = tmp_path.glob("*.jsonl")
    assert [json.loads(line)["n"] for line in only.read_text().splitlines()] == [1, 3]


def test_a_torn_entry_inside_a_file_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from stubforge.model.recording import read_recordings

    def entry(n: int) -> str:
        return json.dumps(
            {
                "_schema": 1,
                "startedDateTime": "2026-01-01T00:00:00Z",
                "request": {"method": "GET", "url": f"https://x.io/{n}"},
                "response": {"status": 200},
            }
        )

    torn = entry(2)[:40]
    (tmp_path / "0001-x.jsonl").write_text(
        f"{entry(1)}\n{torn}\n{torn}{entry(3)}\n{entry(4)}\n{torn}"
    )
    with caplog.at_level("WARNING"):
        urls = [e.request.url for e in read_recordings(tmp_path)]
    assert urls == ["https://x.io/1", "https://x.io/3", "https://x.io/4"]
    assert sum("torn" in r.getMessage() for r in caplog.records) == 3
