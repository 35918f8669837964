"""``POST /__admin/reset``: everything, or one session's journal and stubs."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.server import RunningServer

pytestmark = [pytest.mark.usefixtures("payments"), pytest.mark.timeout(30)]
Serve = Callable[..., RunningServer]


def test_reset_one_session_keeps_the_others(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    for session in ("a", "b"):
        client.post(
            f"{srv.url}/__admin/stubs",
            params={"session": session},
            json={"request": {"path": f"/only-{session}"}, "response": {"status": 200}},
        )
        client.get(f"{srv.url}/only-{session}", headers={"x-stubforge-session": session})
    r = client.post(f"{srv.url}/__admin/reset", params={"session": "a"}).json()
    assert (r["requests"], r["stubs"]) == (1, 1)
    remaining = client.get(f"{srv.url}/__admin/requests").json()["requests"]
    assert [e["session"] for e in remaining] == ["b"]
    assert client.get(f"{srv.url}/only-a", headers={"x-stubforge-session": "a"}).status_code == 404
    assert client.get(f"{srv.url}/only-b", headers={"x-stubforge-session": "b"}).status_code == 200


def test_reset_everything(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    client.post(f"{srv.url}/__admin/stubs", json={"request": {"path": "/t"}})
    client.get(f"{srv.url}/t")
    r = client.post(f"{srv.url}/__admin/reset").json()
    assert r["stubs"] == 1
    assert r["metrics"] is True
    assert client.get(f"{srv.url}/__admin/requests").json()["total"] == 0
    assert "stubforge_requests_total{" not in client.get(f"{srv.url}/__admin/metrics").text
    assert client.get(f"{srv.url}/t").status_code == 404
