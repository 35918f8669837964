"""The access log: one line per request, misses at warning level, text or JSON."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from stubforge.serve.access_log import JsonFormatter, access_fields, access_text
from stubforge.serve.outcome import Outcome
from stubforge.serve.session import BehaviourRequest
from tests.conftest import WriteStubs
from tests.server import RunningServer

STUBS = """
version: 1
routes:
  - {id: get-customer, request: {method: GET, path: "/v1/customers/{id}"},
     response: {status: 200, json: {ok: true}}}
"""


def test_text_line_of_a_miss_names_the_closest_route() -> None:
    req = BehaviourRequest("GET", "/v1/customer/7", b"expand=x")
    o = Outcome(req, 1_700_000_000.0, 404, near_misses=[{"route": "get-customer"}], session="s1")
    o.duration = 0.0012
    fields = access_fields(o)
    assert fields["time"] == "2023-11-14T22:13:20.000+00:00"
    assert access_text(fields) == (
        "GET /v1/customer/7?expand=x -> 404 route=MISS closest=get-customer "
        "delay=0.0ms fault=- session=s1 1.2ms"
    )


def test_secrets_in_the_path_and_query_are_redacted() -> None:
    key = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    req = BehaviourRequest("GET", f"/v1/keys/{key}", b"api_key=opaque-value-123&page=2")
    line = access_text(access_fields(Outcome(req, 0.0, 200, route_id="r")))
    assert key not in line and "opaque-value-123" not in line
    assert line.startswith("GET /v1/keys/redacted~stripe-key~") and "page=2" in line


def test_json_formatter_carries_the_access_fields() -> None:
    o = Outcome(BehaviourRequest("POST", "/x"), 0.0, 200, route_id="r", delay=0.25)
    record = logging.LogRecord("stubforge.access", logging.INFO, "", 0, "m", None, None)
    record.access = access_fields(o)
    doc = json.loads(JsonFormatter().format(record))
    assert doc["route"] == "r" and doc["delay_ms"] == 250.0 and doc["level"] == "info"


def test_one_line_per_request_misses_at_warning(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], caplog: pytest.LogCaptureFixture
) -> None:
    write_stub("api.yaml", STUBS)
    server = serve(access_log=True)
    with caplog.at_level(logging.INFO, logger="stubforge.access"), httpx.Client() as client:
        client.get(f"{server.url}/v1/customers/1", headers={"X-Stubforge-Session": "ci"})
        client.get(f"{server.url}/v1/customer/1")
        deadline = time.monotonic() + 5
        while len(caplog.records) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    hit, miss = [r for r in caplog.records if r.name == "stubforge.access"]
    assert hit.levelno == logging.INFO
    assert "GET /v1/customers/1 -> 200 route=get-customer" in hit.getMessage()
    assert "session=ci" in hit.getMessage()
    assert miss.levelno == logging.WARNING
    assert "-> 404 route=MISS closest=get-customer" in miss.getMessage()


def test_serve_logs_json_lines(tmp_path: Path) -> None:
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "api.yaml").write_text(STUBS)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "app")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "stubforge.cli", "serve", "--stubs", str(stubs), "--port",
         str(port), "--no-watch", "--log-format", "json", "--log-level", "warning"],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/v1/customers/1", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        httpx.get(f"http://127.0.0.1:{port}/nowhere", timeout=5)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    lines = [json.loads(x) for x in err.splitlines() if x.startswith("{")]
    access = [x for x in lines if x["logger"] == "stubforge.access"]
    # at warning level only the miss is logged
    assert [(x["path"], x["route"], x["status"], x["level"]) for x in access] == [
        ("/nowhere", "MISS", 404, "warning")
    ]
