"""The static-route table: which routes are answered without planning, and that doing so
changes nothing a client, the journal or the metrics can see."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from stubforge.serve.config import ServeConfig
from stubforge.serve.state import ServerState
from tests.conftest import WriteStubs
from tests.server import RunningServer

Serve = Callable[..., RunningServer]

ROUTES = """
version: 1
service: shop
defaults:
  headers: {x-shop: "1"}
routes:
  - id: plain
    request: {method: GET, path: /plain}
    response: {json: {ok: true}}
  - id: plain-post
    request: {method: POST, path: /plain}
    response: {status: 201, body: made}
  - id: also-plain
    request: {method: GET, path: /other}
    response: {json: {no: true}}
  - id: with-query
    request: {method: GET, path: /query, query: {a: "1"}}
    response: {json: {q: true}}
  - id: slow
    request: {method: GET, path: /slow}
    response: {json: {slow: true}}
    latency: 5ms
  - id: templated
    request: {method: GET, path: /hello}
    response: {body: "hi {{ query.name }}"}
  - id: variants
    request: {method: GET, path: /variants}
    responses:
      - when: {query: {v: "2"}}
        json: {v: 2}
      - json: {v: 1}
  - id: head
    request: {method: HEAD, path: /head}
    response: {status: 204}
  - id: under-a-template
    request: {method: GET, path: /items/special}
    response: {json: {special: true}}
  - id: item
    request: {method: GET, path: "/items/{id}"}
    response: {json: {template: true}}
profiles:
  outage:
    errors: [{id: down, response: {status: 503, json: {error: down}}}]
"""


def _table(stub_dir: Path) -> dict[str, dict[str, str]]:
    state, errors = ServerState.initial(ServeConfig(stubs=stub_dir, watch=False))
    assert state is not None, errors
    return {
        method: {path: hit.route_id for path, hit in by_path.items()}
        for method, by_path in state.stubs.static.items()
    }


def test_only_unconditional_fixed_routes_nothing_can_outrank_are_static(
    write_stub: WriteStubs, stub_dir: Path
) -> None:
    write_stub("shop.yaml", ROUTES)
    assert _table(stub_dir) == {
        "GET": {"/plain": "plain", "/other": "also-plain", "/items/special": "under-a-template"},
        "POST": {"/plain": "plain-post"},
    }


def test_no_literal_route_is_static_under_a_template_of_higher_priority(
    write_stub: WriteStubs, stub_dir: Path, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shop.yaml", ROUTES)
    write_stub(
        "first.yaml",
        """
        version: 1
        service: first
        routes:
          - id: template-first
            priority: 5
            request: {method: GET, path: "/items/{id}"}
            response: {json: {template: true}}
        """,
    )
    assert _table(stub_dir) == {}
    r = client.get(serve().url + "/items/special")
    assert r.json() == {"template": True}


def test_entries_share_equal_header_lists_and_copy_bodies(
    write_stub: WriteStubs, stub_dir: Path
) -> None:
    write_stub("shop.yaml", ROUTES)
    state, _ = ServerState.initial(ServeConfig(stubs=stub_dir, watch=False))
    assert state is not None
    get = state.stubs.static["GET"]
    plain, other = get["/plain"], get["/other"]
    assert plain.headers is other.headers  # same content-type, same length: one list
    assert dict(plain.headers) == {
        b"x-shop": b"1",
        b"content-type": b"application/json",
        b"content-length": b"11",
    }
    assert plain.body == b'{"ok":true}'
    assert state.stubs.static["POST"]["/plain"].headers is not plain.headers


def test_static_answers_are_what_the_planned_path_gives(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shop.yaml", ROUTES)
    plain, debug = serve(), serve(debug_headers=True)  # debug headers bypass the table
    for srv in (plain, debug):
        r = client.get(srv.url + "/plain")
        assert (r.status_code, r.json(), r.headers["x-shop"]) == (200, {"ok": True}, "1")
        assert r.headers["content-type"] == "application/json"
        made = client.post(srv.url + "/plain")
        assert (made.status_code, made.text) == (201, "made")
        head = client.head(srv.url + "/plain")  # HEAD of a GET route: headers, no body
        assert (head.status_code, head.content) == (200, b"")
        assert head.headers["content-length"] == "11"
    assert "x-stubforge-route" not in client.get(plain.url + "/plain").headers
    assert client.get(debug.url + "/plain").headers["x-stubforge-route"] == "plain"


def test_a_profile_in_force_still_applies_to_static_routes(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shop.yaml", ROUTES)
    url = serve().url
    by_header = client.get(url + "/plain", headers={"x-stubforge-profile": "outage"})
    assert by_header.status_code == 503
    unknown = client.get(url + "/plain", headers={"x-stubforge-profile": "nope"})
    assert unknown.status_code == 400
    assert client.put(url + "/__admin/profile", json={"profile": "outage"}).status_code == 200
    assert client.get(url + "/plain").status_code == 503
    assert client.put(url + "/__admin/profile", json={"profile": None}).status_code == 200
    assert client.get(url + "/plain").status_code == 200


def test_static_answers_are_journaled_and_counted_across_metric_resets(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shop.yaml", ROUTES)
    url = serve().url
    for _ in range(3):
        client.get(url + "/plain", headers={"x-stubforge-session": "ci-7"})
    requests = client.get(url + "/__admin/requests").json()["requests"]
    assert len(requests) == 3
    assert {(r["route"], r["session"], r["response"]["status"]) for r in requests} == {
        ("plain", "ci-7", 200)
    }
    counter = 'stubforge_requests_total{route="plain",method="GET",status="200"} '
    assert counter + "3" in client.get(url + "/__admin/metrics").text
    assert client.post(url + "/__admin/reset").status_code == 200
    assert counter not in client.get(url + "/__admin/metrics").text
    client.get(url + "/plain")
    assert counter + "1" in client.get(url + "/__admin/metrics").text


def test_ephemeral_stubs_override_a_static_route_and_removal_restores_it(
    write_stub: WriteStubs, serve: Serve, client: httpx.Client
) -> None:
    write_stub("shop.yaml", ROUTES)
    url = serve().url
    scoped = client.post(
        url + "/__admin/stubs",
        params={"session": "ci-1"},
        json={"request": {"path": "/plain"}, "response": {"json": {"scoped": True}}},
    )
    assert scoped.status_code == 201
    mine = {"x-stubforge-session": "ci-1"}
    assert client.get(url + "/plain", headers=mine).json() == {"scoped": True}
    assert client.get(url + "/plain").json() == {"ok": True}  # other sessions: the file
    unscoped = client.post(
        url + "/__admin/stubs",
        json={"request": {"path": "/plain"}, "response": {"json": {"everyone": True}}},
    )
    assert client.get(url + "/plain").json() == {"everyone": True}
    stub_id = unscoped.json()["stubs"][0]["id"]
    assert client.delete(url + "/__admin/stubs/" + stub_id).status_code == 200
    assert client.get(url + "/plain").json() == {"ok": True}
