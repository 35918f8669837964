"""Nothing the admin API, the 404 answers or ``verify`` show carries a secret in the clear:
paths, query strings, body differences and the values a stub expects."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.conftest import WriteStubs
from tests.server import RunningServer

pytestmark = pytest.mark.timeout(60)
Serve = Callable[..., RunningServer]

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
PASSWORD = "hunter2-correct-horse"
EXPECTED_TOKEN = "Bearer partner-0a1b2c3d4e5f6a7b8c9d"

STUBS = f"""
version: 1
service: partner
routes:
  - id: partner-orders
    request:
      method: GET
      path: /v1/orders
      headers: {{authorization: {{equals: "{EXPECTED_TOKEN}"}}}}
      cookies: {{session_id: {{equals: "cookie-secret-value-42"}}}}
      query: {{api_key: "query-secret-value-77"}}
    response: {{status: 200, json: {{ok: true}}}}
  - id: login
    request:
      method: POST
      path: /v1/login
      body: {{json: {{password: "{PASSWORD}-expected"}}}}
    response: {{status: 200, json: {{ok: true}}}}
"""
SECRETS = (
    JWT,
    STRIPE,
    PASSWORD,
    "partner-0a1b2c3d4e5f6a7b8c9d",
    "cookie-secret-value-42",
    "query-secret-value-77",
)


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def _traffic(c: httpx.Client) -> None:
    c.get(f"/v1/tokens/{JWT}/{STRIPE}")
    c.get("/v1/orders", params={"api_key": STRIPE, "page": "2"})
    c.post("/v1/login", json={"user": "jane", "password": PASSWORD})
    c.get("/v1/orders", headers={"authorization": "Bearer wrong-but-real-token"})


def test_journal_near_misses_and_verify_show_no_secret(
    serve: Serve, write_stub: WriteStubs
) -> None:
    write_stub("partner.yaml", STUBS)
    srv = serve()
    with httpx.Client(base_url=srv.url, timeout=10) as c:
        # The 404 body any caller sees never quotes what a stub expects.
        r = c.get("/v1/orders", headers={"authorization": "Bearer nope"})
        assert r.status_code == 404
        assert "partner-0a1b2c3d4e5f6a7b8c9d" not in r.text
        assert "cookie-secret-value-42" not in r.text and "query-secret-value-77" not in r.text
        assert "near_misses" in r.json()
        r = c.post("/v1/login", json={"password": "other"})
        assert r.status_code == 404 and f"{PASSWORD}-expected" not in r.text
        # Nor does it echo a token from the path or the query into the caller's logs.
        r = c.get(f"/v1/tokens/{JWT}", params={"api_key": STRIPE})
        assert r.status_code == 404 and JWT not in r.text and STRIPE not in r.text
        assert r.json()["request"]["path"].startswith("/v1/tokens/")
        _traffic(c)
        shown = [
            c.get("/__admin/requests").text,
            c.get("/__admin/near-misses").text,
            c.post(
                "/__admin/near-misses",
                json={"method": "GET", "path": "/v1/orders", "headers": {"authorization": "x"}},
            ).text,
        ]
        for body in (
            {"request": {"method": "GET", "path": "/v1/nothing"}, "count": 1},
            {"request": {"method": "POST", "body": {"json": {"password": "x"}}}, "count": 1},
            {"request": {"method": "GET", "query": {"api_key": "x"}}, "count": 1},
            {"request": {"method": "GET", "path": "/v1/orders"}, "count": 0},
        ):
            r = c.post("/__admin/requests/verify", json=body)
            assert r.status_code == 200 and not r.json()["ok"]
            shown.append(r.text)
    leaked = {s for text in shown for s in _leaks(text)}
    assert not leaked, leaked
    assert "redacted~" in shown[0]
