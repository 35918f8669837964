"""The sample stubs answer over a real socket."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.server import running_server

SAMPLE = Path(__file__).resolve().parents[2] / "stubs"


def test_sample_stubs_serve_a_templated_customer() -> None:
    with running_server(SAMPLE) as srv, httpx.Client(base_url=srv.url, timeout=5) as c:
        r = c.get("/v1/customers/cus_42", params={"expand": "sources"})
        assert r.status_code == 200
        assert r.json() == {
            "id": "cus_42",
            "object": "customer",
            "email": "jenny@example.com",
            "expanded": "sources",
        }
        assert r.headers["x-provider"] == "payments-mock"
