"""Malformed admin requests get RFC 9457 problem objects, and the server keeps serving."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.server import RunningServer

pytestmark = [pytest.mark.usefixtures("payments"), pytest.mark.timeout(30)]
Serve = Callable[..., RunningServer]
PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "field"),
    [
        (
            "POST",
            "/__admin/requests/count",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
            None,
        ),
        ("POST", "/__admin/requests/count", {"json": {"method": 7}}, 422, "method"),
        ("POST", "/__admin/requests/count", {"json": {"body": {"regex": "("}}}, 422, "body.regex"),
        ("POST", "/__admin/requests/count", {"json": {"colour": "red"}}, 422, "colour"),
        ("POST", "/__admin/requests/verify", {"json": {"count": 1, "at_least": 2}}, 422, ""),
        ("POST", "/__admin/requests/verify", {"json": {"count": -1}}, 422, "count"),
        ("GET", "/__admin/requests", {"params": {"path": "/a/{"}}, 422, "query:path"),
        ("GET", "/__admin/requests", {"params": {"since": "soon"}}, 422, "query:since"),
        ("GET", "/__admin/requests", {"params": {"limit": "0"}}, 422, "query:limit"),
        (
            "POST",
            "/__admin/near-misses",
            {"json": {"method": "GET", "path": "no-slash"}},
            422,
            "path",
        ),
        ("GET", "/__admin/no-such-endpoint", {}, 404, None),
        ("PATCH", "/__admin/requests", {}, 405, None),
    ],
)
def test_bad_requests_get_problem_json(
    serve: Serve,
    client: httpx.Client,
    method: str,
    path: str,
    kwargs: dict[str, object],
    status: int,
    field: str | None,
) -> None:
    srv = serve()
    r = client.request(method, f"{srv.url}{path}", **kwargs)  # type: ignore[arg-type]
    assert r.status_code == status
    assert r.headers["content-type"] == PROBLEM
    problem = r.json()
    assert problem["status"] == status
    assert set(problem) >= {"type", "title", "status", "detail"}
    if field is not None:
        assert field in [e["field"] for e in problem["errors"]], problem
    assert client.get(f"{srv.url}/v1/customers/c").status_code == 200
    assert client.get(f"{srv.url}/__admin/health").json()["status"] == "ok"


def test_405_names_the_allowed_methods(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    r = client.put(f"{srv.url}/__admin/health")
    assert r.status_code == 405
    assert "GET" in r.headers["allow"]


def test_openapi_docs_are_served(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    spec = client.get(f"{srv.url}/__admin/openapi.json").json()
    for path in (
        "/__admin/requests",
        "/__admin/requests/verify",
        "/__admin/stubs",
        "/__admin/stubs/{stub_id}",
        "/__admin/reset",
        "/__admin/metrics",
        "/__admin/near-misses",
        "/__admin/health",
        "/__admin/reload",
    ):
        assert path in spec["paths"], path
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    assert client.get(f"{srv.url}/__admin/docs").headers["content-type"].startswith("text/html")
