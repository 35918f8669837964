"""CORS: preflights answered from the stubbed routes, Access-Control-* on responses, a
stubbed OPTIONS route still wins, and nothing without configuration."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from stubforge.model.cors import Cors
from stubforge.serve.cors import CorsPolicy, preflight_methods
from tests.conftest import WriteStubs
from tests.server import RunningServer

Serve = Callable[..., RunningServer]
APP = "https://app.example"

STUBS = """
version: 1
service: api
defaults:
  cors: {origins: ["https://app.example"], credentials: true, expose_headers: [x-request-id]}
routes:
  - {id: get-me, request: {method: GET, path: /me}, response: {status: 200, json: {me: 1}}}
  - {id: put-me, request: {method: PUT, path: /me}, response: {status: 204}}
  - id: options-special
    request: {method: OPTIONS, path: /special}
    response: {status: 200, headers: {x-stubbed: "yes"}}
"""


def _preflight(client: httpx.Client, url: str, origin: str = APP) -> httpx.Response:
    return client.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type, authorization",
        },
    )


def test_policy_headers() -> None:
    any_origin = CorsPolicy.of(Cors(origins=["*"]))
    assert any_origin.response_headers(b"https://x") == [(b"access-control-allow-origin", b"*")]
    creds = CorsPolicy.of(Cors(origins=["*"], credentials=True))
    assert (b"access-control-allow-origin", b"https://x") in creds.response_headers(b"https://x")
    assert not CorsPolicy.of(Cors(origins=[APP])).allows(b"https://evil.example")
    assert preflight_methods(("GET", "PUT"), "DELETE", False) == ["GET", "PUT"]
    assert preflight_methods(("GET",), "DELETE", True) == ["GET", "DELETE"]
    assert preflight_methods(("ANY",), "PATCH", False) == ["PATCH"]


def test_preflight_and_response_headers(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("api.yaml", STUBS)
    server = serve()
    r = _preflight(client, f"{server.url}/me")
    assert r.status_code == 204
    assert r.headers["access-control-allow-origin"] == APP
    assert r.headers["access-control-allow-credentials"] == "true"
    assert r.headers["access-control-allow-methods"] == "GET, PUT"
    assert r.headers["access-control-allow-headers"] == "content-type, authorization"
    r = client.get(f"{server.url}/me", headers={"Origin": APP})
    assert r.json() == {"me": 1}
    assert r.headers["access-control-allow-origin"] == APP
    assert r.headers["access-control-expose-headers"] == "x-request-id"
    assert r.headers["vary"] == "Origin"
    # a miss carries them too, so the browser can read the explanation
    r = client.get(f"{server.url}/missing", headers={"Origin": APP})
    assert r.status_code == 404 and r.headers["access-control-allow-origin"] == APP


def test_other_origins_and_no_configuration_get_nothing(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("api.yaml", STUBS)
    server = serve()
    r = _preflight(client, f"{server.url}/me", origin="https://evil.example")
    assert r.status_code == 405 and "access-control-allow-origin" not in r.headers
    without = "\n".join(x for x in STUBS.splitlines() if "cors" not in x and "defaults" not in x)
    write_stub("api.yaml", without)
    plain = serve()
    r = _preflight(client, f"{plain.url}/me")
    assert r.status_code == 405 and "access-control-allow-origin" not in r.headers


def test_a_stubbed_options_route_wins(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("api.yaml", STUBS)
    server = serve()
    r = _preflight(client, f"{server.url}/special")
    assert r.status_code == 200 and r.headers["x-stubbed"] == "yes"
    assert r.headers["access-control-allow-origin"] == APP  # still decorated


def test_server_wide_cors_option(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        "version: 1\nroutes:\n  - {request: {method: POST, path: /x}, response: {status: 201}}\n",
    )
    server = serve(cors=("*",))
    r = _preflight(client, f"{server.url}/x", origin="https://any.example")
    assert r.status_code == 204 and r.headers["access-control-allow-origin"] == "*"
    assert r.headers["access-control-allow-methods"] == "POST"
    r = client.post(f"{server.url}/x", headers={"Origin": "https://any.example"})
    assert r.status_code == 201 and r.headers["access-control-allow-origin"] == "*"
