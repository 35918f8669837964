"""Crash-safe JSON Lines writer for recordings.

One file per session (one recorder start or one import), named
``NNNN-YYYYMMDDTHHMMSSZ.jsonl`` so that plain name order is recording order;
``NNNN`` continues after the highest number already in the directory. A file
that grows past ``max_bytes`` is continued in the next number.

Every entry is serialised to one line and written with a single ``write(2)``
on an ``O_APPEND`` descriptor (no user-space buffer), so once :meth:`write`
returns, the line is in the kernel and survives ``kill -9`` of the process.
``fsync=True`` additionally survives a power loss, at the cost of a disk flush
per exchange. A process killed *during* the write leaves at most one torn
final line, which readers skip with a warning.

A write that fails (a full disk, a file size limit, an I/O error) is undone: the file
is cut back to the end of the last complete line, so nothing torn stays in the middle
of it, and :class:`WriterError` says what happened. The recorder then answers that
exchange with a 502 (see :mod:`stubforge.record.addon`); the next exchange tries again.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

_NAME_RE = re.compile(r"^(\d{4,})-.*\.jsonl$")


class WriterError(OSError):
    """The output directory cannot be used; the message is meant for the user."""


def next_session_number(out_dir: Path) -> int:
    """One more than the highest ``NNNN-`` prefix in ``out_dir`` (1 for an empty directory)."""
    highest = 0
    for f in out_dir.iterdir():
        m = _NAME_RE.match(f.name)
        if m:
            highest = max(highest, int(m.group(1)))
    return highest + 1


class RecordingWriter:
    """Appends entries to the session file of ``out_dir``; thread-safe."""

    def __init__(
        self,
        out_dir: Path,
        *,
        fsync: bool = False,
        max_bytes: int = 256 * 1024 * 1024,
    ) -> None:
        self.out_dir = out_dir
        self.fsync = fsync
        self.max_bytes = max_bytes
        self.count = 0
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._size = 0
        self.path: Path | None = None
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriterError(f"cannot create output directory {out_dir}: {exc.strerror}") from exc
        if not os.access(out_dir, os.W_OK | os.X_OK):
            raise WriterError(f"output directory {out_dir} is not writable")
        self._open()

    def _open(self) -> None:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        number = next_session_number(self.out_dir)
        path = self.out_dir / f"{number:04d}-{stamp}.jsonl"
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL, 0o640)
        except OSError as exc:
            raise WriterError(f"cannot create {path}: {exc.strerror}") from exc
        self.path = path
        self._size = 0

    def write(self, entry: dict[str, Any]) -> None:
        """Append ``entry`` as one line; returns once the line is in the kernel (or on disk)."""
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        data = line.encode("utf-8")
        with self._lock:
            if self._fd is None:
                raise WriterError("recording writer is closed")
            if self._size and self._size + len(data) > self.max_bytes:
                os.close(self._fd)
                self._open()
            assert self._fd is not None
            try:
                view = memoryview(data)
                while view:
                    n = os.write(self._fd, view)
                    view = view[n:]
                if self.fsync:
                    os.fsync(self._fd)
            except OSError as exc:
                self._undo()
                raise WriterError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
            self._size += len(data)
            self.count += 1

    def _undo(self) -> None:
        """Cut the file back to its last complete line after a failed write."""
        assert self._fd is not None
        with contextlib.suppress(OSError):  # nothing more can be done; readers skip it
            os.ftruncate(self._fd, self._size)

    def close(self) -> None:
        """Close the current file (an empty session file is removed)."""
        with self._lock:
            if self._fd is None:
                return
            os.close(self._fd)
            self._fd = None
            if self.path is not None and self._size == 0:
                self.path.unlink(missing_ok=True)

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
