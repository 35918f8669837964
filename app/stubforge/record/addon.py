"""The mitmproxy addon that records exchanges: ``Recorder``.

Hooks:

``responseheaders``
    decides how the body travels. A response with a ``Content-Length`` is
    buffered by mitmproxy as usual: the client gets it only after the entry is
    on disk, so an exchange the client saw complete is always recorded. A
    response without one (chunked, server-sent events, HTTP/2 without length)
    is *streamed* to the client through a tap that keeps a copy and notes when
    each chunk arrived (``_chunks``); the end of the stream is released to the
    client after the entry is written.
``response`` / ``error``
    build the entry, redact it and append it, on one worker thread (so the
    event loop keeps proxying other connections, and the file order is the
    completion order).

In forward mode only hosts given with ``--only`` are recorded; mitmproxy's
``allow_hosts`` also keeps it from intercepting TLS of any other host.
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from stubforge.record.exchange_line import exchange_line
from stubforge.record.flowentry import flow_entry
from stubforge.record.writer import RecordingWriter
from stubforge.redact.redactor import Redactor

log = logging.getLogger("stubforge.record")

_NO_BODY_STATUS = frozenset({204, 304})
_CLIENT_SIDE = ("client disconnected", "connection killed", "client closed")


class _Tap:
    """A ``response.stream`` callable: passes chunks on, keeps a copy and their arrival times."""

    def __init__(self, t0: float) -> None:
        self.t0 = t0
        self.buf = bytearray()
        self.chunks: list[tuple[float, int]] = []

    def __call__(self, data: bytes) -> bytes:
        if data:
            self.chunks.append(((time.time() - self.t0) * 1000.0, len(data)))
            self.buf += data
        return data


class Recorder:
    """Records every (matching) HTTP exchange to a :class:`RecordingWriter`."""

    def __init__(
        self,
        writer: RecordingWriter,
        redactor: Redactor,
        *,
        only: list[str] | None = None,
        banner: str = "",
    ) -> None:
        self.writer = writer
        self.redactor = redactor
        self.only = [h.lower() for h in (only or [])]
        self.banner = banner
        self.failures = 0
        self._taps: dict[str, _Tap] = {}
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stubforge-writer")

    # --- filtering -----------------------------------------------------------

    def wanted(self, flow: Any) -> bool:
        """True if the flow's host is recorded (always, unless ``--only`` was given)."""
        if not self.only:
            return True
        host = str(flow.request.host).lower()
        return any(host == p or fnmatch.fnmatchcase(host, p) for p in self.only)

    # --- hooks ---------------------------------------------------------------

    def running(self) -> None:
        """Print where we listen once the proxy is up (tests and users wait for this line)."""
        from mitmproxy import ctx

        addrs: list[str] = []
        try:
            master: Any = ctx.master
            server = master.addons.get("proxyserver")
            addrs = [f"{a[0]}:{a[1]}" for a in server.listen_addrs()]
        except Exception:  # pragma: no cover - only informative
            pass
        where = ", ".join(addrs) or "?"
        print(f"stubforge record: listening on {where}; {self.banner}", file=sys.stderr, flush=True)
        print(f"stubforge record: writing {self.writer.path}", file=sys.stderr, flush=True)

    def responseheaders(self, flow: Any) -> None:
        """Stream bodies without a length through a tap; buffer the rest."""
        resp = flow.response
        if not self.wanted(flow):
            resp.stream = True
            return
        if (
            "content-length" in resp.headers
            or flow.request.method == "HEAD"
            or resp.status_code in _NO_BODY_STATUS
            or resp.status_code < 200
        ):
            return
        tap = _Tap(resp.timestamp_start or time.time())
        self._taps[flow.id] = tap
        resp.stream = tap

    async def response(self, flow: Any) -> None:
        """Record a completed exchange before the client sees its end."""
        if not self.wanted(flow):
            return
        tap = self._taps.pop(flow.id, None)
        await self._record(flow, tap)

    async def error(self, flow: Any) -> None:
        """Record an exchange that ended without a complete response (upstream fault)."""
        tap = self._taps.pop(flow.id, None)
        if not self.wanted(flow) or flow.error is None:
            return
        msg = flow.error.msg.lower()
        if any(s in msg for s in _CLIENT_SIDE):
            log.debug("not recording %s: the client went away (%s)", flow.request.url, msg)
            return
        await self._record(flow, tap)

    def done(self) -> None:
        """Finish pending writes and close the file."""
        self._pool.shutdown(wait=True)
        self.writer.close()
        print(
            f"stubforge record: {self.writer.count} exchanges recorded"
            + (f", {self.failures} failed to record" if self.failures else ""),
            file=sys.stderr,
            flush=True,
        )

    # --- work ------------------------------------------------------------------

    async def _record(self, flow: Any, tap: _Tap | None) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._pool, self._write, flow, tap)
        except Exception:
            self.failures += 1
            log.exception("failed to record %s %s", flow.request.method, flow.request.url)

    def _write(self, flow: Any, tap: _Tap | None) -> None:
        # The flow is paused in its hook while this runs, so reading it here is safe.
        entry = flow_entry(
            flow,
            body=bytes(tap.buf) if tap is not None else None,
            chunks=tap.chunks if tap is not None else None,
        )
        redacted = self.redactor.entry(entry)
        self.writer.write(redacted)
        print(f"stubforge record: {exchange_line(redacted)}", file=sys.stderr, flush=True)
