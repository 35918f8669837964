"""``POST/DELETE /__admin/stubs``: ephemeral stubs, validated like stub files."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.conftest import WriteStubs
from tests.server import RunningServer

pytestmark = [pytest.mark.usefixtures("payments"), pytest.mark.timeout(30)]
Serve = Callable[..., RunningServer]

DECLINE = """\
id: decline
priority: 10
request:
  method: POST
  path: /v1/charges
response:
  status: 402
  json: {error: card_declined}
"""


def test_added_stub_overrides_and_is_listed_then_deleted(
    serve: Serve, client: httpx.Client
) -> None:
    srv = serve()
    charge = {"amount": 1, "currency": "usd"}
    r = client.post(
        f"{srv.url}/__admin/stubs", content=DECLINE, headers={"content-type": "application/yaml"}
    )
    assert r.status_code == 201
    assert r.json()["stubs"][0]["id"] == "decline"
    assert client.post(f"{srv.url}/v1/charges", json=charge).json() == {"error": "card_declined"}
    listed = {s["id"]: s for s in client.get(f"{srv.url}/__admin/stubs").json()["stubs"]}
    assert listed["decline"]["ephemeral"] is True
    assert listed["create-charge"]["ephemeral"] is False
    assert client.delete(f"{srv.url}/__admin/stubs/decline").json() == {"deleted": "decline"}
    assert client.post(f"{srv.url}/v1/charges", json=charge).status_code == 201


def test_json_stub_scoped_to_a_session(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    r = client.post(
        f"{srv.url}/__admin/stubs",
        params={"session": "ci-42"},
        json={
            "request": {"method": "GET", "path": "/v1/customers/{id}"},
            "response": {"status": 404},
        },
    )
    assert r.status_code == 201
    stub = r.json()["stubs"][0]
    assert stub["id"].startswith("ephemeral-")
    assert stub["session"] == "ci-42"
    url = f"{srv.url}/v1/customers/c1"
    assert client.get(url, headers={"x-stubforge-session": "ci-42"}).status_code == 404
    assert client.get(url, headers={"x-stubforge-session": "other"}).status_code == 200
    assert client.get(url).status_code == 200


def test_invalid_stub_reports_field_and_line_and_server_keeps_serving(
    serve: Serve, client: httpx.Client
) -> None:
    srv = serve()
    body = "request:\n  method: GET\n  path: /x\nresponse:\n  status: 200\n  jsn: {a: 1}\n"
    r = client.post(f"{srv.url}/__admin/stubs", content=body)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["type"] == "urn:stubforge:problem:invalid-stub"
    err = problem["errors"][0]
    assert (err["field"], err["line"], err["col"]) == ("response.jsn", 6, 3)
    assert "unknown field 'jsn'; did you mean 'json'?" in err["message"]
    r = client.post(
        f"{srv.url}/__admin/stubs",
        json=[{"request": {"path": "/ok"}}, {"request": {"path": "/a/{b"}}],
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "routes[1].request.path"
    for junk in (b"", b"- [", b"42", b"\xff\xfe"):
        r = client.post(f"{srv.url}/__admin/stubs", content=junk)
        assert r.status_code == 422, junk
        assert r.json()["status"] == 422
    assert client.get(f"{srv.url}/v1/customers/c").status_code == 200
    assert client.get(f"{srv.url}/x").status_code == 404  # nothing was added


def test_duplicate_and_unknown_ids(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    r = client.post(
        f"{srv.url}/__admin/stubs", json={"id": "get-customer", "request": {"path": "/y"}}
    )
    assert r.status_code == 409
    assert r.json()["errors"] == [{"field": "id", "message": "duplicate id 'get-customer'"}]
    r = client.delete(f"{srv.url}/__admin/stubs/get-customer")
    assert r.status_code == 409
    assert "edit the file" in r.json()["detail"]
    assert client.delete(f"{srv.url}/__admin/stubs/nope").status_code == 404


def test_ephemeral_stubs_survive_a_reload(
    serve: Serve, client: httpx.Client, write_stub: WriteStubs
) -> None:
    srv = serve()
    client.post(
        f"{srv.url}/__admin/stubs",
        json={"id": "tmp", "request": {"path": "/tmp"}, "response": {"status": 204}},
    )
    write_stub(
        "more.yaml",
        """
        version: 1
        routes:
          - id: more
            request: {path: /more}
            response: {status: 200}
    """,
    )
    r = client.post(f"{srv.url}/__admin/reload")
    assert r.json()["ok"] is True
    assert client.get(f"{srv.url}/more").status_code == 200
    assert client.get(f"{srv.url}/tmp").status_code == 204
    assert client.delete(f"{srv.url}/__admin/stubs").json() == {"deleted": 1}
    assert client.get(f"{srv.url}/tmp").status_code == 404


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (
            "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
            "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
            "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
            "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n",
            422,
        ),
        ("[" * 100_000 + "]" * 100_000, 422),
        ('{"request": ' * 900 + "1" + "}" * 900, 422),
        ("x" * (5 << 20), 413),
    ],
    ids=["alias-bomb", "deep-list", "deep-json", "too-large"],
)
def test_hostile_stub_bodies_are_clean_problems(
    serve: Serve, client: httpx.Client, body: str, status: int
) -> None:
    srv = serve()
    r = client.post(f"{srv.url}/__admin/stubs", content=body)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    assert client.get(f"{srv.url}/__admin/health").json()["status"] == "ok"
