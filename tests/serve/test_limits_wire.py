"""Request limits on a real socket: oversized request lines and headers, too many headers
and slow or silent clients get a problem answer and a closed connection, and the server
keeps answering everyone else."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import httpx
import pytest

from stubforge.serve.config import HttpLimits
from tests.conftest import WriteStubs
from tests.server import RunningServer

pytestmark = pytest.mark.timeout(30)

LIMITS = HttpLimits(max_url=1024, max_headers=20, max_head_bytes=4096, head_timeout=1.0)


@pytest.fixture
def server(write_stub: WriteStubs, serve: Callable[..., RunningServer]) -> RunningServer:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {method: ANY, path: "/ok"}
            response: {body: ok}
        """,
    )
    return serve(http_limits=LIMITS)


def _exchange(port: int, data: bytes, wait: float = 5.0) -> bytes:
    """Send ``data``; everything the server sends until it closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_a_header_over_the_limit_is_refused_before_it_is_buffered(
    server: RunningServer, client: httpx.Client
) -> None:
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(b"GET /ok HTTP/1.1\r\nhost: x\r\nx-big: ")
        try:
            for _ in range(100_000):  # a header that never ends: 100 MB if accepted
                s.sendall(b"a" * 1024)
                sent += 1
        except OSError:
            pass  # the server closed the connection
        try:
            while chunk := s.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass  # our unread bytes made the close a reset; the answer may be lost
    assert sent < 100_000
    assert not answer or _status(answer) == 431
    assert client.get(f"{server.url}/ok").text == "ok"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /ok HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 8000 + b"\r\n\r\n", 431),
        (
            b"GET /ok HTTP/1.1\r\nhost: x\r\n"
            + b"".join(b"x-h%d: v\r\n" % i for i in range(30))
            + b"\r\n",
            431,
        ),
        (b"GET /ok?" + b"q" * 2000 + b" HTTP/1.1\r\nhost: x\r\n\r\n", 414),
    ],
    ids=["header-size", "header-count", "request-line"],
)
def test_oversized_heads_are_refused(
    server: RunningServer, client: httpx.Client, request_bytes: bytes, status: int
) -> None:
    answer = _exchange(server.port, request_bytes)
    assert _status(answer) == status
    assert b"connection: close" in answer
    assert client.get(f"{server.url}/ok").text == "ok"
    journal = client.get(f"{server.url}/__admin/requests").json()
    assert all(len(str(e)) < 4096 for e in journal["requests"])  # nothing huge was kept


@pytest.mark.parametrize(
    "start", [b"", b"GET /ok HTTP/1.1\r\n", b"GET /ok HTTP/1.1\r\nhost: x\r\nx-slow: a"]
)
def test_silent_and_slow_clients_are_cut_off(
    server: RunningServer, client: httpx.Client, start: bytes
) -> None:
    began = time.monotonic()
    answer = _exchange(server.port, start, wait=10)
    assert time.monotonic() - began < 9  # closed by the server, not by our own timeout
    if answer:
        assert _status(answer) == 408
    assert client.get(f"{server.url}/ok").text == "ok"


def test_ordinary_requests_and_keep_alive_still_work(
    server: RunningServer, client: httpx.Client
) -> None:
    for _ in range(3):  # one pooled connection, several requests
        assert client.get(f"{server.url}/ok", headers={"x-a": "b" * 1000}).text == "ok"
    assert client.post(f"{server.url}/ok", content=b"x" * 100_000).text == "ok"
