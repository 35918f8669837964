"""What a client sees when no stub answers: 404 (or the configured status) explaining the
closest stubs, 405 with ``Allow``, and HEAD answered as GET without a body."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.conftest import WriteStubs
from tests.server import RunningServer

STUBS = """
version: 1
routes:
  - id: get-customer
    request:
      method: GET
      path: "/v1/customers/{id}"
      query: {expand: sources}
      headers: {authorization: {regex: "^Bearer "}}
    response: {json: {id: "{{ path.id }}"}}
  - id: create-charge
    request: {method: POST, path: /v1/charges, body: {json_partial: {currency: usd}}}
    response: {status: 201, json: {id: ch_1}}
  - id: list-charges
    request: {method: GET, path: /v1/charges}
    response: {json: {data: []}, headers: {x-total: "0"}}
"""


def test_near_miss_lists_the_closest_stub_and_what_differed(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub("api.yaml", STUBS)
    srv = serve()
    r = client.get(
        f"{srv.url}/v1/customers/cus_1?expand=nothing", headers={"authorization": "Basic x"}
    )
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-stubforge-unmatched"] == "1"
    body = r.json()
    assert body["error"] == "no stub matched"
    assert body["reason"] == "conditions_failed"
    assert body["request"] == {
        "method": "GET",
        "path": "/v1/customers/cus_1",
        "query": "expand=nothing",
    }
    best = body["near_misses"][0]
    assert best["route"] == "get-customer"
    assert best["file"].endswith("api.yaml") and best["line"] == 3
    diffs = {d["field"]: d for d in best["differences"]}
    auth = diffs.pop("headers.authorization")
    assert diffs == {
        "query.expand": {
            "field": "query.expand",
            "expected": "equals 'sources'",
            "actual": "nothing",
        },
    }
    # A credential is shown redacted, even back to the caller that sent it.
    assert auth["expected"] == "matches /^Bearer /"
    assert auth["actual"].startswith("Basic redacted~auth-header~")


def test_near_miss_for_an_unknown_path_and_a_body(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub("api.yaml", STUBS)
    srv = serve()
    r = client.post(f"{srv.url}/v1/charges", json={"currency": "eur"})
    assert r.status_code == 404
    best = r.json()["near_misses"][0]
    assert best["route"] == "create-charge"
    assert best["differences"] == [
        {
            "field": "body",
            "expected": 'JSON containing {"currency":"usd"}',
            "actual": '{"currency":"eur"}',
        }
    ]
    r = client.get(f"{srv.url}/v1/charge")
    body = r.json()
    assert (r.status_code, body["reason"]) == (404, "no_route")
    assert body["message"] == "no route for GET /v1/charge"
    assert body["near_misses"][0]["route"] == "list-charges"
    assert body["near_misses"][0]["differences"][0]["field"] == "path"


def test_unmatched_status_is_configurable(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub("api.yaml", STUBS)
    srv = serve(unmatched_status=418)
    r = client.get(f"{srv.url}/nothing/here")
    assert r.status_code == 418
    assert r.json()["error"] == "no stub matched"


def test_known_path_with_another_method_is_405_with_allow(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub("api.yaml", STUBS)
    srv = serve(unmatched_status=418)
    r = client.delete(f"{srv.url}/v1/charges")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
    body = r.json()
    assert body["reason"] == "method_not_allowed"
    assert body["allowed"] == ["GET", "POST"]


def test_head_is_answered_as_get_without_a_body(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub("api.yaml", STUBS)
    srv = serve()
    get = client.get(f"{srv.url}/v1/charges")
    head = client.head(f"{srv.url}/v1/charges")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"] == "11"
    assert head.headers["x-total"] == "0"
    assert client.head(f"{srv.url}/nope").status_code == 404


def test_a_stubbed_head_route_wins_over_get(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - {request: {method: GET, path: /x}, response: {body: get}}
          - {request: {method: HEAD, path: /x}, response: {status: 204}}
        """,
    )
    srv = serve()
    assert client.head(f"{srv.url}/x").status_code == 204
    assert client.get(f"{srv.url}/x").text == "get"
