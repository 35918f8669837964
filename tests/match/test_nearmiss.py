"""Near misses: the closest routes, and never the credential a stub expects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stubforge.match.nearmiss import near_misses
from stubforge.match.request import Request

from .test_router import router_for

STUBS = """
version: 1
routes:
  - id: orders
    request:
      method: GET
      path: /v1/orders
      headers:
        authorization: {equals: "Bearer partner-0a1b2c3d4e5f6a7b8c9d"}
        x-tenant: {equals: acme}
      cookies: {session: {equals: cookie-secret-value-42}}
      query: {api_key: query-secret-value-77, page: "1"}
    response: {status: 200}
  - id: login
    request:
      method: POST
      path: /v1/login
      body: {json_partial: {password: hunter2-expected-value}}
    response: {status: 200}
"""


def _misses(tmp_path: Path, req: Request) -> list[dict[str, Any]]:
    router = router_for(tmp_path, **{"stubs.yaml": STUBS})
    return [m.to_dict() for m in near_misses(req, router.routes)]


def test_expected_values_of_sensitive_matchers_are_masked(tmp_path: Path) -> None:
    req = Request("GET", "/v1/orders", b"api_key=nope&page=2", [(b"authorization", b"x")], b"")
    text = repr(_misses(tmp_path, req))
    secrets = ("partner-0a1b2c3d4e5f6a7b8c9d", "cookie-secret-value-42", "query-secret-value-77")
    for secret in secrets:
        assert secret not in text
    diffs = {d["field"]: d for d in _misses(tmp_path, req)[0]["differences"]}
    # Not sensitive: shown as written, so the miss still explains itself.
    assert diffs["headers.x-tenant"]["expected"] == "equals 'acme'"
    assert diffs["query.page"]["expected"] == "equals '1'"
    assert "equals" in diffs["headers.authorization"]["expected"]


def test_body_matchers_with_secrets_are_masked(tmp_path: Path) -> None:
    req = Request("POST", "/v1/login", b"", [], b'{"password": "nope"}')
    text = repr(_misses(tmp_path, req))
    assert "hunter2-expected-value" not in text
    assert "password" in text
