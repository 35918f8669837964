"""The upstream HTTP client: one httpx connection pool per server, requests sent with
their body streamed, responses opened in streaming mode.

httpx is already a dependency, pools connections (keep-alive, HTTP/1.1), verifies TLS with
a configurable CA bundle and has separate connect/read/write/pool timeouts, which is what a
reverse proxy needs. Failures become :class:`UpstreamFailure` with the status the client
gets: 504 when the upstream was too slow, 502 for everything else.
"""

from __future__ import annotations

import itertools
import socket
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from stubforge.proxy.headers import Headers


@dataclass(frozen=True, slots=True)
class ClientSettings:
    connect_timeout: float = 5.0
    """Seconds to open a connection to the upstream."""
    read_timeout: float = 30.0
    """Seconds the upstream may stay silent (before its headers or between body chunks)."""
    upstream_ca: Path | None = None
    """A CA bundle that verifies the upstream's certificate (default: the system's)."""
    insecure: bool = False
    """Do not verify the upstream's certificate."""
    max_connections: int = 256
    """Connections the pool keeps open at most (per server)."""


class UpstreamFailure(Exception):
    """The upstream could not answer: ``status`` (502/504) and a ``kind`` for the problem
    document and the recording's ``_fault``."""

    def __init__(self, status: int, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.kind, self.detail = status, kind, detail


def classify(exc: Exception) -> UpstreamFailure:
    """The failure a client sees for an httpx error (kinds are the recording's faults)."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamFailure(504, "timeout", f"the upstream did not answer in time ({text})")
    if isinstance(exc, httpx.ConnectError):
        low = text.lower()
        kind = (
            "tls_error"
            if any(s in low for s in ("ssl", "certificate", "tls"))
            else "connection_refused"
        )
        return UpstreamFailure(502, kind, f"cannot connect to the upstream: {text}")
    if isinstance(exc, httpx.RemoteProtocolError):
        kind = "empty_reply" if "without sending" in text.lower() else "other"
        return UpstreamFailure(502, kind, f"the upstream broke the exchange: {text}")
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return UpstreamFailure(502, "connection_reset", f"the upstream connection failed: {text}")
    return UpstreamFailure(502, "other", f"upstream error: {text}")


class UpstreamClient:
    """Pooled :class:`httpx.AsyncClient` connections, created on first use (in the loop).

    The pool is split into ``shards`` small httpx pools used in turn. httpcore assigns
    each request by scanning every connection of its pool and probing each idle one's
    socket, so one pool of N busy keep-alive connections costs O(N) per request (32
    concurrent clients made it slower than one); small pools keep that scan short.
    ``bench/onmiss_record.py`` measures it.
    """

    def __init__(self, settings: ClientSettings, shards: int = 8) -> None:
        self.settings = settings
        self.shards = max(1, shards)
        self._clients: list[httpx.AsyncClient] = []
        self._turn = itertools.cycle(range(self.shards))

    def _open(self) -> httpx.AsyncClient:
        s = self.settings
        verify: ssl.SSLContext | bool = True
        if s.insecure:
            verify = False
        elif s.upstream_ca is not None:
            verify = ssl.create_default_context(cafile=str(s.upstream_ca))
        per_shard = max(1, -(-s.max_connections // self.shards))
        limits = httpx.Limits(max_connections=per_shard, max_keepalive_connections=per_shard)
        transport = httpx.AsyncHTTPTransport(
            verify=verify,
            limits=limits,
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
        )
        return httpx.AsyncClient(
            transport=transport,
            verify=verify,
            timeout=httpx.Timeout(
                connect=s.connect_timeout,
                read=s.read_timeout,
                write=s.read_timeout,
                pool=s.connect_timeout,
            ),
            follow_redirects=False,
            trust_env=False,
        )

    def _client(self) -> httpx.AsyncClient:
        if not self._clients:
            self._clients = [self._open() for _ in range(self.shards)]
        return self._clients[next(self._turn)]

    async def open(
        self, method: str, url: str, headers: Headers, body: bytes | AsyncIterator[bytes]
    ) -> httpx.Response:
        """Send the request; the response's body is still to be read (``aiter_raw``).

        Raise :class:`UpstreamFailure` when no response headers arrived."""
        client = self._client()
        # a bare Request: the client's default headers (User-Agent, Accept-Encoding...) would
        # change what the upstream sees and answers (a compressed body nobody asked for)
        request = httpx.Request(method, url, headers=headers, content=body)
        try:
            return await client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise classify(exc) from exc
        except ssl.SSLError as exc:
            raise UpstreamFailure(502, "tls_error", f"TLS with the upstream failed: {exc}") from exc

    async def aclose(self) -> None:
        clients, self._clients = self._clients, []
        for client in clients:
            await client.aclose()
