"""Round trip on loopback: a real service → the real recorder → compile → serve → the same
client script against the mock gets the same answers, latency and error rate."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from stubforge.compile.hints import Hints
from stubforge.compile.latency import quantile
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory
from stubforge.model.recording import read_recordings
from stubforge.serve.config import ServeConfig
from tests.record.conftest import Recorder
from tests.server import running_server

from .shopservice import ShopService

VOLATILE = {"id", "created"}


def script(client: httpx.Client) -> list[tuple[str, int, Any, float]]:
    """The client: pages, items (known and unknown ids), creates, a burst of searches."""
    calls: list[tuple[str, str, dict[str, Any]]] = []
    for rnd in range(8):
        calls += [("GET", "/v1/items", {"params": {"page": str(p)}}) for p in (1, 2, 3)]
        calls += [("GET", f"/v1/items/{i}", {}) for i in range(1, 19)]
        calls += [
            ("POST", "/v1/items", {"json": {"name": f"new {rnd}"}}),
            ("POST", "/v1/items", {"json": {"nick": "x"}}),
        ]
    out = []
    for method, path, kw in calls:
        start = time.perf_counter()
        r = client.request(method, path, **kw)
        out.append((f"{method} {path} {kw}", r.status_code, r.json(), time.perf_counter() - start))
    for _ in range(12):  # a burst: the service allows 10 per second
        start = time.perf_counter()
        r = client.get("/v1/search", params={"q": "lamp"})
        out.append(("search", r.status_code, r.json(), time.perf_counter() - start))
    return out


def _strip(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _strip(v) for k, v in doc.items() if k not in VOLATILE or not isinstance(v, str)}
    if isinstance(doc, list):
        return [_strip(v) for v in doc]
    return doc


@pytest.mark.timeout(120)
def test_record_compile_serve_gives_the_same_answers(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        STUBFORGE_REDACT_KEY="k",
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "cfg"),
    )
    service = ShopService()
    recordings = tmp_path / "recordings"
    recorder = Recorder(["--upstream", service.url], recordings, env)
    try:
        with httpx.Client(base_url=recorder.url, timeout=10) as client:
            recorded = script(client)
    finally:
        recorder.stop()
        service.close()
    stubs = tmp_path / "stubs"
    output = compile_directory(recordings, Hints())
    write_output(stubs, output)
    time.sleep(1.1)  # a fresh rate-limit window
    config = ServeConfig(watch=False, seed=11)  # reproducible latency draws
    with (
        running_server(stubs, config) as server,
        httpx.Client(base_url=server.url, timeout=10) as c,
    ):
        replayed = script(c)
        unknown = c.get("/v1/items/987654")
        journal = c.get("/__admin/requests", params={"limit": 1000}).json()["requests"]
    same = sum(
        1
        for (_, s1, b1, _), (_, s2, b2, _) in zip(recorded, replayed, strict=True)
        if s1 == s2 and _strip(b1) == _strip(b2)
    )
    diffs = [
        (a[0], a[1], b[1], a[2], b[2])
        for a, b in zip(recorded, replayed, strict=True)
        if a[1] != b[1] or _strip(a[2]) != _strip(b[2])
    ]
    assert same / len(recorded) >= 0.99, diffs[:5]
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"

    # The provider's latency is what the recorder saw upstream (timings.wait); the mock's is
    # the delay its pipeline planned for each request (the journal's delay_ms), so no clock
    # of this machine enters the comparison. That the responder really sleeps that long is
    # the business of the latency tests and bench/ (docs/benchmarks.md).
    waits = sorted(
        e.timings.wait / 1000 for e in read_recordings(recordings) if e.response.status != 429
    )
    planned = sorted(
        e["delay_ms"] / 1000
        for e in journal
        if e["response"]["status"] != 429 and e["request"]["path"] != "/v1/items/987654"
    )
    assert len(planned) >= 0.9 * len(waits)  # (429s may fall on other requests)
    for q in (0.5, 0.9):
        rec, rep = quantile(waits, q), quantile(planned, q)
        assert abs(rep - rec) <= 0.10 * rec, (q, rec, rep)
    err_rec = sum(1 for r in recorded if r[1] >= 400) / len(recorded)
    err_rep = sum(1 for r in replayed if r[1] >= 400) / len(replayed)
    assert abs(err_rep - err_rec) <= 0.10 * err_rec
