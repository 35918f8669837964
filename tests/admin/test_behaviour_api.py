"""``PUT /__admin/scenarios`` refuses scenarios and states no route knows."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.conftest import WriteStubs
from tests.server import RunningServer

SHOP = """
version: 1
routes:
  - request: {method: POST, path: /checkout}
    response: {status: 201}
    state: {scenario: checkout, requires: started, next: open}
  - request: {method: POST, path: /pay}
    response: {status: 200}
    state: {scenario: checkout, requires: open, next: paid}
"""


def test_an_unknown_state_is_refused_with_the_known_states(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub("shop.yaml", SHOP)
    url = serve().url + "/__admin/scenarios"
    bad = client.put(url, json={"states": {"checkout": "opne"}})
    assert (bad.status_code, bad.headers["content-type"]) == (422, "application/problem+json")
    problem = bad.json()
    assert "checkout='opne' (known: open, paid, started)" in problem["detail"]
    assert problem["errors"][0]["field"] == "states.checkout"
    assert client.get(url).json()["scenarios"] == {"checkout": "started"}
    assert client.put(url, json={"states": {"checkout": "paid"}}).status_code == 200
    assert client.put(url, json={"states": {"nope": "x"}}).status_code == 404
