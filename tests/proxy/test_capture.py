"""``--on-miss record``: exchanges written through the recorder's redaction and writer."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from stubforge.model.recording import read_recordings
from tests.conftest import WriteStubs
from tests.proxy.upstream import ProxyUpstream
from tests.record.conftest import REDACT_KEY
from tests.record.test_leak import assert_nothing_leaked, send_corpus
from tests.server import RunningServer

Serve = Callable[..., RunningServer]

STUBS = """
version: 1
service: shop
routes:
  - {id: stubbed, request: {method: GET, path: /json}, response: {status: 200, json: {a: 1}}}
"""


def wait_for_entries(out: Path, n: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = sum(f.read_text().count("\n") for f in out.glob("*.jsonl"))
        if lines >= n:
            return
        time.sleep(0.02)
    raise AssertionError(f"fewer than {n} entries in {out}")


@pytest.fixture(autouse=True)
def redact_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUBFORGE_REDACT_KEY", REDACT_KEY)


def test_serving_and_recording_never_imports_mitmproxy() -> None:
    code = (
        "import sys, stubforge.assemble, stubforge.proxy.capture, stubforge.serve.cli;"
        "sys.exit('mitmproxy' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_no_secret_reaches_disk_through_on_miss_record(
    write_stub: WriteStubs, serve: Serve, tmp_path: Path
) -> None:
    """The recorder's leak corpus, sent through ``serve --on-miss record``."""
    write_stub("shop.yaml", STUBS)
    out = tmp_path / "recordings"
    with ProxyUpstream() as upstream:
        server = serve(on_miss="record", upstream=upstream.url, recordings=out)
        with httpx.Client(base_url=server.url, timeout=15) as client:
            n = send_corpus(client)
        wait_for_entries(out, n)
    assert_nothing_leaked(out, n)


def test_recorded_exchanges_read_like_the_recorders(
    write_stub: WriteStubs, serve: Serve, tmp_path: Path
) -> None:
    write_stub("shop.yaml", STUBS)
    out = tmp_path / "recordings"
    with ProxyUpstream() as upstream:
        server = serve(on_miss="record", upstream=upstream.url, recordings=out)
        with httpx.Client(base_url=server.url, timeout=15) as client:
            assert client.get("/json").json() == {"a": 1}  # a stub: not recorded
            client.post("/echo?x=1", json={"n": 1})
            client.get("/gzip")
            client.get("/stream?n=2")
            client.get("/binary?n=64")
        wait_for_entries(out, 4)
        assert server.state.passthrough.capturing is not None
    entries = list(read_recordings(out))
    assert [(e.request.method, e.request.url.split("?")[0]) for e in entries] == [
        ("POST", f"{upstream.url}/echo"),
        ("GET", f"{upstream.url}/gzip"),
        ("GET", f"{upstream.url}/stream"),
        ("GET", f"{upstream.url}/binary"),
    ]
    echo, gz = entries[:2]
    assert json.loads(echo.request.postData.text) == {"n": 1}  # type: ignore[union-attr]
    assert echo.response.status == 200
    assert gz.response.content.text is not None and '"compressed": true' in gz.response.content.text
    assert not any(h.name.lower() == "content-encoding" for h in gz.response.headers)
    raw = [json.loads(line) for f in sorted(out.glob("*.jsonl")) for line in f.open()]
    assert raw[1]["response"]["content"]["_contentEncoding"] == "gzip"
    assert len(raw[2]["_chunks"]) == 2
    assert raw[3]["response"]["content"]["encoding"] == "base64"
    assert all(r["timings"]["wait"] >= 0 for r in raw)


def test_an_unreachable_upstream_is_recorded_as_a_fault(
    write_stub: WriteStubs, serve: Serve, tmp_path: Path
) -> None:
    write_stub("shop.yaml", STUBS)
    out = tmp_path / "recordings"
    with ProxyUpstream() as upstream:
        server = serve(on_miss="record", upstream=upstream.url, recordings=out)
        with httpx.Client(base_url=server.url, timeout=15) as client:
            assert client.get("/reset").status_code == 502
        wait_for_entries(out, 1)
    (line,) = [json.loads(x) for f in out.glob("*.jsonl") for x in f.open()]
    assert line["_fault"] in ("connection_reset", "empty_reply", "other")
    assert line["response"]["status"] == 0
