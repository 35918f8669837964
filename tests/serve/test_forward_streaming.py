"""50 MB both ways through ``stubforge serve --on-miss proxy`` (a real process) with its
memory flat: request bodies past the body limit and every proxied answer are streamed."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.proxy.upstream import CHUNK, ProxyUpstream, source_chunk

MB = 1024 * 1024
SIZE = 50 * MB
FLAT = 30 * MB
"""How much the server's resident memory may grow while 50 MB pass (a buffered body
alone would be 50 MB)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def proxy_process(tmp_path: Path) -> Iterator[tuple[str, psutil.Process, ProxyUpstream]]:
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "shop.yaml").write_text(
        "version: 1\nroutes:\n  - {request: {method: GET, path: /ping}, response: {status: 204}}\n"
    )
    port = _free_port()
    with ProxyUpstream() as upstream:
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "app")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "stubforge.cli", "serve", "--stubs", str(stubs),
             "--port", str(port), "--no-watch", "--log-level", "warning",
             "--body-limit", "1MiB", "--on-miss", "proxy", "--upstream", upstream.url],
            env=env,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    httpx.get(f"{url}/__admin/health", timeout=1)
                    break
                except httpx.TransportError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError("server did not start") from None
                    time.sleep(0.1)
            yield url, psutil.Process(proc.pid), upstream
        finally:
            proc.terminate()
            proc.wait(10)


def _upload() -> Iterator[bytes]:
    for i in range(SIZE // CHUNK):
        yield source_chunk(i)


def _expected_digest() -> str:
    digest = hashlib.sha256()
    for chunk in _upload():
        digest.update(chunk)
    return digest.hexdigest()


@pytest.mark.slow
def test_fifty_megabytes_each_way_with_flat_memory(
    proxy_process: tuple[str, psutil.Process, ProxyUpstream],
) -> None:
    url, server, _ = proxy_process
    with httpx.Client(timeout=60) as client:
        client.get(f"{url}/sink")  # warm up: the pool and code paths exist before measuring
        before = server.memory_info().rss
        # upload, chunked (no length: read up to the limit, the rest streamed on)
        r = client.put(f"{url}/sink", content=_upload())
        assert r.status_code == 200
        assert r.json() == {"size": SIZE, "sha256": _expected_digest()}
        # upload with a declared length past the body limit: streamed without reading
        r = client.put(f"{url}/sink", content=_upload(), headers={"content-length": str(SIZE)})
        assert r.json()["size"] == SIZE
        # download, chunked
        digest = hashlib.sha256()
        size = 0
        with client.stream("GET", f"{url}/source?mb=50") as response:
            assert response.status_code == 200
            for data in response.iter_raw():
                digest.update(data)
                size += len(data)
        assert size == SIZE and digest.hexdigest() == _expected_digest()
        grown = server.memory_info().rss - before
        assert grown < FLAT, f"server memory grew by {grown / MB:.1f} MiB"
        # a stub still answers, and a body past the limit sent to a stub is still a 413
        assert client.get(f"{url}/ping").status_code == 204
        r = client.request("GET", f"{url}/ping", content=b"x" * (2 * MB))
        assert r.status_code == 413
