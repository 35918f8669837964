"""Request bodies over the limit get 413 (declared or streamed), and the server keeps serving."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from stubforge.serve.config import DEFAULT_BODY_LIMIT, ServeConfig
from tests.conftest import WriteStubs
from tests.server import RunningServer

STUBS = """
version: 1
routes:
  - request: {method: POST, path: /upload}
    response: {json: {ok: true}}
"""


def test_default_limit_is_ten_mebibytes() -> None:
    assert DEFAULT_BODY_LIMIT == ServeConfig().body_limit == 10 * 1024 * 1024


def test_declared_length_over_the_limit_is_413(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub("api.yaml", STUBS)
    srv = serve(body_limit=1024)
    assert client.post(f"{srv.url}/upload", content=b"x" * 1024).status_code == 200
    r = client.post(f"{srv.url}/upload", content=b"x" * 1025)
    assert r.status_code == 413
    assert r.json() == {"error": "request body too large", "limit_bytes": 1024}
    assert client.post(f"{srv.url}/upload", content=b"ok").json() == {"ok": True}


def test_chunked_upload_over_the_limit_is_413(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub("api.yaml", STUBS)
    srv = serve(body_limit=64 * 1024)

    def chunks(total: int) -> Iterator[bytes]:
        for _ in range(total // 8192):
            yield b"y" * 8192

    ok = client.post(f"{srv.url}/upload", content=chunks(32 * 1024))
    assert ok.status_code == 200
    r = client.post(f"{srv.url}/upload", content=chunks(256 * 1024))
    assert r.status_code == 413
    assert r.json()["limit_bytes"] == 64 * 1024
    assert client.post(f"{srv.url}/upload", content=b"ok").status_code == 200


@pytest.mark.timeout(30)
def test_default_limit_over_a_real_socket(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub("api.yaml", STUBS)
    srv = serve()
    assert client.post(f"{srv.url}/upload", content=b"z" * (1024 * 1024)).status_code == 200
    r = client.post(f"{srv.url}/upload", content=b"z" * (DEFAULT_BODY_LIMIT + 1))
    assert r.status_code == 413
