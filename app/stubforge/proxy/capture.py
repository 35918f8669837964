"""``--on-miss record``: proxied exchanges written to the recordings directory through the
recorder's redaction (:class:`~stubforge.redact.redactor.Redactor`) and crash-safe writer
(:class:`~stubforge.record.writer.RecordingWriter`) -- the same code ``stubforge record``
uses, so a recording made either way is redacted the same and reads the same.

Redacting is CPU work, so it runs on one worker thread (file order is completion order),
after the client has its answer. When the worker falls behind by more than
``max_pending`` exchanges, the next proxied request waits for it (memory stays bounded).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from stubforge.proxy.entry import Exchange, exchange_entry
from stubforge.record.writer import RecordingWriter
from stubforge.redact.redactor import Redactor, load_key
from stubforge.redact.rules import load_ruleset

log = logging.getLogger("stubforge.proxy")


class Capture:
    """Redacts and appends exchanges; thread-safe, one writer thread."""

    def __init__(
        self, writer: RecordingWriter, redactor: Redactor, max_pending: int = 1000
    ) -> None:
        self.writer = writer
        self.redactor = redactor
        self.max_pending = max_pending
        self.failures = 0
        self._pending = 0
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stubforge-capture")
        self._last: Future[None] | None = None

    @classmethod
    def open(
        cls,
        out_dir: Path,
        *,
        rules: Path | None = None,
        pii: bool = False,
        key_file: Path | None = None,
    ) -> Capture:
        """A capture into ``out_dir`` with the recorder's rules and key (raises
        ``ValueError``/``OSError`` with a message for the user)."""
        redactor = Redactor(load_ruleset(rules, pii=pii), load_key(key_file, out_dir))
        return cls(RecordingWriter(out_dir), redactor)

    def _write(self, exchange: Exchange) -> None:
        try:
            self.writer.write(self.redactor.entry(exchange_entry(exchange)))
        except Exception:
            self.failures += 1
            log.exception("failed to record %s %s", exchange.method, exchange.url)
        finally:
            with self._lock:
                self._pending -= 1

    async def record(self, exchange: Exchange) -> None:
        """Queue ``exchange``; wait only when the worker is ``max_pending`` behind."""
        with self._lock:
            self._pending += 1
            behind = self._pending > self.max_pending
        future = self._pool.submit(self._write, exchange)
        self._last = future
        if behind:
            await asyncio.wrap_future(future)

    def flush(self) -> None:
        """Wait for every queued exchange to be on disk (in the kernel)."""
        last = self._last
        if last is not None:
            last.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.writer.close()

    @property
    def written(self) -> int:
        return self.writer.count
