"""Raw access to the connection for wire faults, as an ASGI extension.

ASGI lets an application send well-formed responses only; a fault (TCP RST, a reply with
no byte, a body shorter than promised, a malformed chunk, garbage) needs the socket. The
protocol classes below subclass uvicorn's HTTP protocols and put a :class:`Wire` in
``scope["extensions"]["stubforge.wire"]`` for every request. ``Wire`` writes raw bytes,
closes (FIN) or resets (``SO_LINGER {1, 0}`` then abort: the kernel sends RST) and marks
uvicorn's request cycle as disconnected, so uvicorn neither sends a response of its own
nor logs "returned without starting response" for a deliberate fault.

The seam is isolated (no pin): this module depends on uvicorn internals that are not a
public API -- ``HttpToolsProtocol.on_headers_complete`` and ``H11Protocol.handle_events``
creating ``self.cycle`` (a ``RequestResponseCycle`` holding the request ``scope``), and
the cycle's ``transport`` / ``disconnected`` / ``keep_alive`` attributes. They are checked
once, on the first request: under a uvicorn whose internals differ, wire faults are
disabled with one warning in the log (a fault then answers 500 with a JSON body
saying so) and everything else keeps working. CI runs the real-socket fault tests
against the oldest uvicorn allowed by pyproject.toml and the newest one released.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
import weakref
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

EXTENSION = "stubforge.wire"
_LINGER_RESET = struct.pack("ii", 1, 0)
_CYCLE_ATTRIBUTES = ("scope", "transport", "disconnected", "keep_alive")

log = logging.getLogger("stubforge.wire")


class _Seam:
    """Whether uvicorn's request cycle has what :class:`Wire` uses (checked once)."""

    checked = False
    supported = True

    @classmethod
    def accepts(cls, cycle: Any) -> bool:
        if not cls.checked:
            cls.checked = True
            missing = [a for a in _CYCLE_ATTRIBUTES if not hasattr(cycle, a)]
            if missing:
                cls.supported = False
                log.warning(
                    "wire faults disabled: this uvicorn's request cycle has no %s "
                    "(faults answer 500 instead; every other feature works)",
                    ", ".join(missing),
                )
        return cls.supported


class Wire:
    """The connection under one request.

    It holds only a weak reference to uvicorn's request cycle (which holds the transport):
    a strong one would make ``scope -> Wire -> cycle -> scope`` a reference cycle per
    request, left for the cyclic garbage collector, whose full passes then showed up as
    ~80 ms pauses in the tail latency.
    """

    __slots__ = ("_cycle",)

    def __init__(self, cycle: Any) -> None:
        self._cycle = weakref.ref(cycle)

    @property
    def _transport(self) -> asyncio.Transport | None:
        cycle = self._cycle()
        return None if cycle is None else cycle.transport

    @property
    def closing(self) -> bool:
        transport = self._transport
        return transport is None or transport.is_closing()

    def write(self, data: bytes) -> None:
        """Write ``data`` as is (no HTTP framing)."""
        transport = self._transport
        if transport is not None and not transport.is_closing():
            transport.write(data)

    def close(self) -> None:
        """Flush what was written, then close the connection normally (FIN)."""
        transport = self._transport
        self._detach()
        if transport is not None:
            transport.close()

    def reset(self) -> None:
        """Abort the connection with a TCP RST (unsent data is discarded)."""
        transport = self._transport
        if transport is None:
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):  # already gone: nothing to reset
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
        self._detach()
        transport.abort()

    def _detach(self) -> None:
        """Tell uvicorn the response is ours: no 500, no error log, no keep-alive."""
        cycle = self._cycle()
        if cycle is not None:
            cycle.disconnected = True
            cycle.keep_alive = False


def _attach(scope: Any, cycle: Any) -> None:
    if not _Seam.accepts(cycle):
        return
    extensions = scope.get("extensions")
    if extensions is None:
        extensions = scope["extensions"] = {}
    extensions[EXTENSION] = Wire(cycle)


class WireHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the :class:`Wire` extension."""

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        cycle = getattr(self, "cycle", None)
        if (
            cycle is not None and getattr(cycle, "scope", None) is self.scope
        ):  # not a WebSocket upgrade
            _attach(self.scope, cycle)


class WireH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the :class:`Wire` extension."""

    def handle_events(self) -> None:
        super().handle_events()
        cycle = getattr(self, "cycle", None)
        scope = getattr(cycle, "scope", None)
        if isinstance(scope, dict) and EXTENSION not in scope.get("extensions", {}):
            _attach(scope, cycle)


def wire_of(scope: Any) -> Wire | None:
    """The request's :class:`Wire`, or ``None`` under another server."""
    extensions = scope.get("extensions")
    if not extensions:
        return None
    wire: Wire | None = extensions.get(EXTENSION)
    return wire
