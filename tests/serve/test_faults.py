"""Wire faults on a real socket: what httpx and curl report for each one, and a clean log."""

from __future__ import annotations

import logging
import subprocess

import httpx
import pytest

from tests.conftest import WriteStubs
from tests.server import RunningServer

STUBS = """
version: 1
service: flaky
routes:
  - {id: reset, request: {path: /reset}, errors: [{fault: connection_reset}]}
  - {id: empty, request: {path: /empty}, errors: [{fault: empty_response}]}
  - {id: truncated, request: {path: /truncated}, errors: [{fault: truncated_body}]}
  - {id: chunk, request: {path: /chunk}, errors: [{fault: malformed_chunk}]}
  - {id: random, request: {path: /random}, errors: [{fault: random_data}]}
  - {id: timeout, request: {path: /timeout}, errors: [{fault: timeout, hold: 3s}]}
  - {id: short-timeout, request: {path: /short-timeout}, errors: [{fault: timeout, hold: 200ms}]}
  - {id: ok, request: {path: /ok}, response: {json: {ok: true}}}
"""

# fault path -> (httpx exception, curl exit code): the table in docs/behaviour.md
EXPECTED = {
    "/reset": (httpx.ReadError, 56),  # recv failure: connection reset by peer
    "/empty": (httpx.RemoteProtocolError, 52),  # empty reply from server
    "/truncated": (httpx.RemoteProtocolError, 18),  # partial file
    "/chunk": (httpx.RemoteProtocolError, 56),  # bad chunk-size line
    "/random": (httpx.RemoteProtocolError, 1),  # not HTTP ("HTTP/0.9 not allowed")
    "/short-timeout": (httpx.RemoteProtocolError, 52),  # held, then closed without a byte
}


@pytest.fixture
def server(write_stub: WriteStubs, serve: object) -> RunningServer:
    write_stub("flaky.yaml", STUBS)
    return serve()  # type: ignore[operator,no-any-return]


def _curl(url: str, max_time: float = 5) -> int:
    done = subprocess.run(
        ["/usr/bin/curl", "-s", "-o", "/dev/null", "-m", str(max_time), url],
        timeout=max_time + 5,
        check=False,
    )
    return done.returncode


@pytest.mark.timeout(30)
@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_fault_seen_by_httpx_and_curl(
    server: RunningServer, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    error, curl_code = EXPECTED[path]
    caplog.set_level(logging.INFO)
    with httpx.Client(timeout=5) as c, pytest.raises(error):
        c.get(server.url + path)
    assert _curl(server.url + path) == curl_code
    # the server is fine afterwards and logged nothing alarming
    assert httpx.get(server.url + "/ok", timeout=5).json() == {"ok": True}
    noisy = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert noisy == []


@pytest.mark.timeout(30)
def test_timeout_fault_holds_until_the_client_gives_up(server: RunningServer) -> None:
    with httpx.Client(timeout=0.5) as c, pytest.raises(httpx.ReadTimeout):
        c.get(server.url + "/timeout")
    assert _curl(server.url + "/timeout", max_time=0.5) == 28  # operation timed out


@pytest.mark.timeout(30)
def test_fault_on_a_kept_alive_connection_does_not_poison_the_pool(
    server: RunningServer,
) -> None:
    with httpx.Client(base_url=server.url, timeout=5) as c:
        assert c.get("/ok").status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/empty")
        assert c.get("/ok").status_code == 200
