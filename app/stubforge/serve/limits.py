"""Limits on what a client may send before its request reaches the application.

uvicorn with httptools accepts request lines and headers of any size and keeps a
connection that never sends a complete request open forever, so one client could fill
memory with a 200 MB header or lock everyone out with thousands of silent connections.
:func:`limited_protocol` makes a subclass of the wire protocol (:mod:`stubforge.serve.wire`)
that enforces :class:`HttpLimits`:

- the request line's target at most ``max_url`` bytes, else ``414``;
- at most ``max_headers`` header fields and ``max_head_bytes`` bytes of request line and
  headers together, else ``431`` -- counted while they arrive, so a huge header is refused
  before it is buffered whole;
- the request line and headers complete within ``head_timeout`` seconds of the
  connection opening or the request's first byte (slowloris), else ``408`` and close;
- between requests, uvicorn's keep-alive timeout (``keep_alive`` seconds) closes idle
  connections.

Each refusal is a small problem+json answer followed by closing the connection. The
hooks used are uvicorn's parser callbacks and ``send_400_response`` (which uvicorn calls
when a callback fails), next to the ones :mod:`stubforge.serve.wire` already relies on.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from stubforge.serve.config import HttpLimits
from stubforge.serve.wire import WireHttpToolsProtocol

_REASONS = {
    408: b"Request Timeout",
    414: b"URI Too Long",
    431: b"Request Header Fields Too Large",
}


def refusal(status: int, detail: str) -> bytes:
    body = json.dumps(
        {
            "type": "urn:stubforge:problem:request-limits",
            "title": _REASONS[status].decode(),
            "status": status,
            "detail": detail,
        }
    ).encode()
    return b"".join(
        [
            b"HTTP/1.1 %d %s\r\n" % (status, _REASONS[status]),
            b"content-type: application/problem+json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
            body,
        ]
    )


class _Refused(Exception):
    """Raised from a parser callback to stop parsing a refused request."""


class LimitedHttpToolsProtocol(WireHttpToolsProtocol):
    """The wire protocol with :class:`HttpLimits` enforced (see :func:`limited_protocol`)."""

    limits = HttpLimits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._head_bytes = 0
        self._header_count = 0
        self._url_bytes = 0
        self._refused: tuple[int, str] | None = None
        self._sent_refusal = False
        self._head_timer: asyncio.TimerHandle | None = None

    # --- the head timer -------------------------------------------------------------
    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.limits.head_timeout, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._in_head and self.transport is not None and not self.transport.is_closing():
            self._send_refusal(
                408, f"request line and headers not complete within {self.limits.head_timeout:g}s"
            )

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    # --- counting -------------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        if self._sent_refusal:
            return
        if self._in_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._sent_refusal:
            return
        if self._in_head and self._head_bytes > self.limits.max_head_bytes:
            self._send_refusal(431, self._too_large())

    def _too_large(self) -> str:
        return f"request line and headers over {self.limits.max_head_bytes} bytes"

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = self._header_count = self._url_bytes = 0
        self._refused = None
        self._arm()

    def on_url(self, url: bytes) -> None:
        self._url_bytes += len(url)
        self._head_bytes += len(url)
        if self._url_bytes > self.limits.max_url and self._refused is None:
            self._refused = (414, f"request target over {self.limits.max_url} bytes")
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        self._head_bytes += len(name) + len(value)
        if self._refused is None:
            if self._header_count > self.limits.max_headers:
                self._refused = (431, f"more than {self.limits.max_headers} header fields")
            elif self._head_bytes > self.limits.max_head_bytes:
                self._refused = (431, self._too_large())
        if self._refused is None:
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm()
        if self._refused is not None:
            raise _Refused  # uvicorn answers a failed callback with send_400_response
        self._in_head = False
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        if self._refused is not None:
            self._send_refusal(*self._refused)
        else:
            super().send_400_response(msg)

    def _send_refusal(self, status: int, detail: str) -> None:
        self._sent_refusal = True
        self._disarm()
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.write(refusal(status, detail))
            transport.close()


def limited_protocol(limits: HttpLimits) -> type[LimitedHttpToolsProtocol]:
    """The protocol class enforcing ``limits`` (uvicorn takes a class, not an instance)."""
    return type("LimitedHttpToolsProtocol", (LimitedHttpToolsProtocol,), {"limits": limits})
