"""Scenarios, sequences, profiles and sessions over a real socket."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.conftest import WriteStubs
from tests.server import RunningServer

Serve = Callable[..., RunningServer]

CHECKOUT = """
version: 1
service: shop
routes:
  - id: start-checkout
    request: {method: POST, path: /checkout}
    response: {status: 201, json: {state: open}}
    state: {scenario: checkout, requires: started, next: open}
  - id: pay
    request: {method: POST, path: /checkout/pay}
    response: {json: {state: paid}}
    state: {scenario: checkout, requires: open, next: paid}
  - id: pay-too-early
    request: {method: POST, path: /checkout/pay}
    response: {status: 409, json: {error: no open checkout}}
  - id: status
    request: {path: /job}
    sequence:
      then: stick
      responses:
        - {status: 202, json: {status: pending}}
        - {status: 202, json: {status: running}}
        - {json: {status: done}}
  - id: rotating
    request: {path: /rotate}
    sequence: {then: repeat, responses: [{body: a}, {body: b}]}
"""


def test_scenario_moves_through_states_and_falls_through_when_not_ready(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shop.yaml", CHECKOUT)
    url = serve().url
    assert client.post(url + "/checkout/pay").status_code == 409  # not open yet
    assert client.post(url + "/checkout").status_code == 201
    assert client.post(url + "/checkout").status_code == 404  # no longer in 'started'
    assert client.post(url + "/checkout/pay").json() == {"state": "paid"}
    assert client.get(url + "/__admin/scenarios").json()["scenarios"] == {"checkout": "paid"}


def test_scenarios_read_set_and_reset_through_the_admin_api(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shop.yaml", CHECKOUT)
    url = serve().url
    put = client.put(url + "/__admin/scenarios", json={"states": {"checkout": "open"}})
    assert put.json()["scenarios"] == {"checkout": "open"}
    assert client.post(url + "/checkout/pay").status_code == 200
    bad = client.put(url + "/__admin/scenarios", json={"states": {"nope": "x"}})
    assert bad.status_code == 404
    assert client.delete(url + "/__admin/scenarios").status_code == 200
    assert client.get(url + "/__admin/scenarios").json()["scenarios"] == {"checkout": "started"}


def test_sequences_stick_or_repeat(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shop.yaml", CHECKOUT)
    url = serve().url
    seen = [client.get(url + "/job").json()["status"] for _ in range(5)]
    assert seen == ["pending", "running", "done", "done", "done"]
    assert [client.get(url + "/rotate").text for _ in range(5)] == list("ababa")


def test_sessions_isolate_scenarios_sequences_and_rate_limits(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shop.yaml", CHECKOUT)
    write_stub(
        "limited.yaml",
        """
        version: 1
        routes:
          - request: {path: /limited}
            response: {status: 200}
            rate_limit: {limit: 1, per: 1h}
    """,
    )
    url = serve().url
    a, b = {"x-stubforge-session": "ci-job-a"}, {"x-stubforge-session": "ci-job-b"}
    assert client.post(url + "/checkout", headers=a).status_code == 201
    assert client.post(url + "/checkout/pay", headers=b).status_code == 409
    assert client.post(url + "/checkout/pay", headers=a).status_code == 200
    assert client.get(url + "/job", headers=a).json()["status"] == "pending"
    assert client.get(url + "/job", headers=a).json()["status"] == "running"
    assert client.get(url + "/job", headers=b).json()["status"] == "pending"
    assert client.get(url + "/limited", headers=a).status_code == 200
    assert client.get(url + "/limited", headers=a).status_code == 429
    assert client.get(url + "/limited", headers=b).status_code == 200
    states = client.get(url + "/__admin/scenarios", params={"session": "ci-job-b"}).json()
    assert states["scenarios"] == {"checkout": "started"}


PROFILES = """
version: 1
service: identity
routes:
  - id: token
    request: {method: POST, path: /oauth/token}
    response: {json: {access_token: abc}}
    latency: 10ms
profiles:
  outage:
    errors: [{id: outage, response: {status: 503, json: {error: down}}}]
  slow:
    latency_multiplier: 20
  strict:
    rate_limit: {limit: 1, per: 1h}
"""


def test_profile_by_header_by_admin_api_and_by_config(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("identity.yaml", PROFILES)
    url = serve(debug_headers=True).url
    token = url + "/oauth/token"
    assert client.post(token).status_code == 200
    down = client.post(token, headers={"x-stubforge-profile": "outage"})
    assert (down.status_code, down.json()) == (503, {"error": "down"})
    assert down.headers["x-stubforge-rule"] == "outage"
    assert down.headers["x-stubforge-profile"] == "outage"
    slow = client.post(token, headers={"x-stubforge-profile": "slow"})
    assert slow.headers["x-stubforge-delay"] == "200.0ms"
    assert slow.elapsed.total_seconds() >= 0.19
    strict = {"x-stubforge-profile": "strict"}
    assert [client.post(token, headers=strict).status_code for _ in range(2)] == [200, 429]
    unknown = client.post(token, headers={"x-stubforge-profile": "nope"})
    assert unknown.status_code == 400
    assert unknown.json()["profiles"] == ["outage", "slow", "strict"]

    assert client.put(url + "/__admin/profile", json={"profile": "outage"}).status_code == 200
    assert client.post(token).status_code == 503
    assert client.get(url + "/__admin/profile").json()["profile"] == "outage"
    assert client.put(url + "/__admin/profile", json={"profile": "zzz"}).status_code == 404
    assert client.put(url + "/__admin/profile", json={"profile": None}).status_code == 200
    assert client.post(token).status_code == 200

    configured = serve(profile="outage").url
    assert client.post(configured + "/oauth/token").status_code == 503
