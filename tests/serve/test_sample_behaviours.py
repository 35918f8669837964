"""The sample shipping stubs (stubs/behaviours.yaml) behave as documented."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.server import running_server

SAMPLE = Path(__file__).resolve().parents[2] / "stubs"
KEY = {"x-api-key": "sample-key", "x-stubforge-session": "sample"}


def test_sample_shipping_stubs() -> None:
    with running_server(SAMPLE) as srv, httpx.Client(base_url=srv.url, timeout=10) as c:
        events = [c.get("/v2/shipments/s1/events", headers=KEY).json()["status"] for _ in range(5)]
        assert events == [
            "label_created",
            "in_transit",
            "out_for_delivery",
            "delivered",
            "delivered",
        ]
        assert c.delete("/v2/pickups/pk_1", headers=KEY).status_code == 404
        assert c.post("/v2/pickups", headers=KEY).status_code == 201
        cancelled = c.delete("/v2/pickups/pk_1", headers=KEY)
        assert cancelled.status_code == 204
        assert cancelled.headers["x-ratelimit-limit"] == "100"
        assert "ratelimit-policy" in cancelled.headers
        throttled = {**KEY, "x-stubforge-profile": "throttled", "x-stubforge-session": "t"}
        codes = [c.get("/v2/shipments/s2/events", headers=throttled).status_code for _ in range(10)]
        assert codes.count(429) >= 1
