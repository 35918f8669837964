"""``/__admin/metrics`` in the Prometheus text format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.server import RunningServer

pytestmark = [pytest.mark.usefixtures("payments"), pytest.mark.timeout(30)]
Serve = Callable[..., RunningServer]


def _samples(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def test_counts_requests_by_route_and_status_and_unmatched(
    serve: Serve, client: httpx.Client
) -> None:
    srv = serve()
    for _ in range(3):
        client.get(f"{srv.url}/v1/customers/c")
    client.post(f"{srv.url}/v1/charges", json={"currency": "usd"})
    client.get(f"{srv.url}/missing")
    r = client.get(f"{srv.url}/__admin/metrics")
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    m = _samples(r.text)
    assert m['stubforge_requests_total{route="get-customer",method="GET",status="200"}'] == 3
    assert m['stubforge_requests_total{route="create-charge",method="POST",status="201"}'] == 1
    assert m['stubforge_requests_total{route="",method="GET",status="404"}'] == 1
    assert m["stubforge_unmatched_requests_total"] == 1
    assert m['stubforge_request_duration_seconds_count{route="get-customer"}'] == 3
    assert m['stubforge_request_duration_seconds_bucket{route="get-customer",le="+Inf"}'] == 3
    assert m["stubforge_journal_entries"] == 5
    assert m['stubforge_stubs{source="file"}'] == 2
    assert "# TYPE stubforge_request_duration_seconds histogram" in r.text
    assert "# TYPE stubforge_rate_limited_total counter" in r.text
    assert "# TYPE stubforge_faults_total counter" in r.text


def test_metrics_can_be_disabled(serve: Serve, client: httpx.Client) -> None:
    srv = serve(metrics=False)
    client.get(f"{srv.url}/v1/customers/c")
    m = _samples(client.get(f"{srv.url}/__admin/metrics").text)
    assert "stubforge_unmatched_requests_total" in m
    assert not any(k.startswith("stubforge_requests_total") for k in m)


def test_no_metrics_endpoint_at_the_root(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    r = client.get(f"{srv.url}/metrics")
    assert r.status_code == 404
    assert r.json()["error"] == "no stub matched"


def test_info_names_the_version_and_a_hash_of_the_stubs(
    serve: Serve, client: httpx.Client, stub_dir: Path
) -> None:
    from stubforge import __version__

    def info(url: str) -> str:
        line = next(
            ln for ln in client.get(f"{url}/__admin/metrics").text.splitlines()
            if ln.startswith("stubforge_info{")
        )  # fmt: skip
        assert f'version="{__version__}"' in line and line.endswith(" 1")
        return line.split('stubs_hash="')[1].split('"')[0]

    a, b = serve(), serve()
    assert info(a.url) == info(b.url)  # same stubs, same hash
    (stub_dir / "more.yaml").write_text(
        "version: 1\nroutes:\n  - request: {path: /more}\n    response: {status: 204}\n"
    )
    c = serve()
    assert info(c.url) != info(a.url)
