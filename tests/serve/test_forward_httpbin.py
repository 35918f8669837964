"""A real open-source HTTP service as the upstream: httpbin (PyPI), served by werkzeug on
127.0.0.1 in a thread, in front of which ``--on-miss proxy`` and ``record`` run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from stubforge.model.recording import read_recordings
from tests.conftest import WriteStubs
from tests.server import RunningServer

httpbin = pytest.importorskip("httpbin")
serving = pytest.importorskip("werkzeug.serving")

Serve = Callable[..., RunningServer]


@pytest.fixture
def httpbin_url() -> Iterator[str]:
    server = serving.make_server("127.0.0.1", 0, httpbin.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def test_httpbin_behind_the_mock(
    write_stub: WriteStubs, serve: Serve, httpbin_url: str, client: httpx.Client
) -> None:
    write_stub(
        "bin.yaml",
        f"""
        version: 1
        service: httpbin
        upstream: {httpbin_url}
        routes:
          - {{id: teapot, request: {{method: GET, path: /status/418}}, response: {{status: 200}}}}
        """,
    )
    server = serve(on_miss="proxy")
    assert client.get(f"{server.url}/status/418").status_code == 200  # the stub wins
    assert client.get(f"{server.url}/status/503").status_code == 503  # httpbin's answer
    r = client.post(f"{server.url}/post?q=1", json={"amount": 100})
    seen = r.json()
    assert seen["json"] == {"amount": 100} and seen["args"] == {"q": "1"}
    assert seen["headers"]["Host"] == httpbin_url.removeprefix("http://")
    r = client.get(f"{server.url}/headers", headers={"X-Stubforge-Session": "ci-1"})
    assert "X-Stubforge-Session" not in r.json()["headers"]
    r = client.get(f"{server.url}/gzip")
    assert r.json()["gzipped"] is True
    r = client.get(f"{server.url}/stream/5")
    assert len(r.text.strip().splitlines()) == 5
    r = client.get(f"{server.url}/response-headers", params={"X-Custom": "yes"})
    assert r.headers["x-custom"] == "yes"
    r = client.get(f"{server.url}/redirect-to", params={"url": "/get"})
    assert r.status_code == 302 and r.headers["location"] == "/get"  # not followed


def test_httpbin_recorded_then_compiled(
    write_stub: WriteStubs,
    serve: Serve,
    httpbin_url: str,
    client: httpx.Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STUBFORGE_REDACT_KEY", "test-key")
    write_stub("bin.yaml", f"version: 1\nservice: httpbin\nupstream: {httpbin_url}\n")
    out = tmp_path / "recordings"
    server = serve(on_miss="record", recordings=out)
    r = client.get(
        f"{server.url}/bearer", headers={"Authorization": "Bearer sk_live_abcdef12345678"}
    )
    assert r.status_code == 200
    client.get(f"{server.url}/uuid")
    deadline = time.monotonic() + 10
    while server.state.passthrough.capture().written < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    entries = list(read_recordings(out))
    assert len(entries) == 2
    text = "".join(f.read_text() for f in out.glob("*.jsonl"))
    assert "sk_live_abcdef12345678" not in text and "redacted~" in text
