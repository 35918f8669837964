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

Failures are loud. An exchange that cannot be written (a full disk) is not passed off
as a success: a buffered response is replaced by a 502 problem answer, a streamed one is
cut off, and the error is logged (with the URL redacted); recording goes on, and the
exit status is 1. A streamed body is kept up to ``max_body`` bytes (the client still
gets all of it): an endless stream costs bounded memory, and the entry written when it
ends says how much was cut (``_bodyTruncated``). A stream the client abandons is
dropped with its buffer.
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
from stubforge.redact.report import report_lines

log = logging.getLogger("stubforge.record")

_NO_BODY_STATUS = frozenset({204, 304})
_CLIENT_SIDE = ("client disconnected", "connection killed", "client closed")


DEFAULT_MAX_BODY = 64 * 1024 * 1024
_MAX_CHUNKS = 100_000


class _Tap:
    """A ``response.stream`` callable: passes chunks on, keeps a copy (up to ``limit``
    bytes) and their arrival times."""

    def __init__(self, t0: float, limit: int) -> None:
        self.t0 = t0
        self.limit = limit
        self.buf = bytearray()
        self.chunks: list[tuple[float, int]] = []
        self.total = 0

    def __call__(self, data: bytes) -> bytes:
        if data:
            self.total += len(data)
            if len(self.chunks) < _MAX_CHUNKS:
                self.chunks.append(((time.time() - self.t0) * 1000.0, len(data)))
            room = self.limit - len(self.buf)
            if room > 0:
                self.buf += data[:room]
        return data

    @property
    def truncated(self) -> bool:
        return self.total > len(self.buf)


class Recorder:
    """Records every (matching) HTTP exchange to a :class:`RecordingWriter`."""

    def __init__(
        self,
        writer: RecordingWriter,
        redactor: Redactor,
        *,
        only: list[str] | None = None,
        banner: str = "",
        max_body: int = DEFAULT_MAX_BODY,
        report: bool = False,
    ) -> None:
        self.report = report
        self.writer = writer
        self.redactor = redactor
        self.max_body = max_body
        self._log_redactor = Redactor(redactor.rules, redactor.key)
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
        tap = _Tap(resp.timestamp_start or time.time(), self.max_body)
        self._taps[flow.id] = tap
        resp.stream = tap

    async def response(self, flow: Any) -> None:
        """Record a completed exchange before the client sees its end."""
        if not self.wanted(flow):
            return
        tap = self._taps.pop(flow.id, None)
        if not await self._record(flow, tap):
            self._withhold(flow, tap)

    async def error(self, flow: Any) -> None:
        """Record an exchange that ended without a complete response (upstream fault)."""
        tap = self._taps.pop(flow.id, None)
        if not self.wanted(flow) or flow.error is None:
            return
        msg = flow.error.msg.lower()
        if any(s in msg for s in _CLIENT_SIDE):
            log.debug("not recording %s: the client went away (%s)", self._shown(flow), msg)
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
        if self.report:
            for line in report_lines(self.redactor.report):
                print(f"stubforge record: {line}", file=sys.stderr, flush=True)

    # --- work ------------------------------------------------------------------

    def _shown(self, flow: Any) -> str:
        """The flow's method and URL as logs may show them (redacted)."""
        return f"{flow.request.method} {self._log_redactor.url(flow.request.url, set())}"

    async def _record(self, flow: Any, tap: _Tap | None) -> bool:
        """Write the entry; False (and a logged error) when it could not be written."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._pool, self._write, flow, tap)
        except Exception as exc:
            self.failures += 1
            reason = self._log_redactor.scan(str(exc), set())
            log.error("could not record %s: %s: %s", self._shown(flow), type(exc).__name__, reason)
            return False
        return True

    def _withhold(self, flow: Any, tap: _Tap | None) -> None:
        """The exchange is not on disk: the client must not take it for a recorded one."""
        if tap is not None or flow.response is None:
            flow.kill()  # headers already sent: cut the stream off
            return
        from mitmproxy import http

        body = (
            b'{"type":"about:blank","title":"not recorded","status":502,'
            b'"detail":"stubforge record could not write this exchange; see its log"}'
        )
        flow.response = http.Response.make(502, body, {"content-type": "application/problem+json"})

    def _write(self, flow: Any, tap: _Tap | None) -> None:
        # The flow is paused in its hook while this runs, so reading it here is safe.
        entry = flow_entry(
            flow,
            body=bytes(tap.buf) if tap is not None else None,
            chunks=tap.chunks if tap is not None else None,
        )
        if tap is not None and tap.truncated:
            entry["_bodyTruncated"] = {"size": tap.total, "kept": len(tap.buf)}
        redacted = self.redactor.entry(entry)
        self.writer.write(redacted)
        counts = self.redactor.last  # values masked per rule in this entry
        print(f"stubforge record: {exchange_line(redacted, counts)}", file=sys.stderr, flush=True)
