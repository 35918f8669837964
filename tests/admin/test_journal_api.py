"""``/__admin/requests``: what the mock received, filtered, redacted, counted, verified."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.server import RunningServer

pytestmark = [pytest.mark.usefixtures("payments"), pytest.mark.timeout(30)]
Serve = Callable[..., RunningServer]


def _traffic(c: httpx.Client) -> None:
    c.get(
        "/v1/customers/cus_1",
        headers={
            "authorization": "Bearer sk_live_0123456789abcdefABCD",
            "x-stubforge-session": "alice",
        },
    )
    c.post(
        "/v1/charges",
        json={"amount": 100, "currency": "usd"},
        headers={"x-stubforge-session": "bob"},
    )
    c.post("/v1/charges", json={"amount": 250, "currency": "eur"})
    c.get("/v1/nothing-here", params={"api_key": "sk_test_abcdefghijklmnop1234"})


def test_lists_requests_newest_first_with_route_status_and_session(
    serve: Serve, client: httpx.Client
) -> None:
    srv = serve()
    with httpx.Client(base_url=srv.url, timeout=5) as c:
        _traffic(c)
    body = client.get(f"{srv.url}/__admin/requests").json()
    assert body["total"] == 4
    assert body["capacity"] == 10_000
    summary = [
        (
            e["request"]["method"],
            e["request"]["path"],
            e["route"],
            e["response"]["status"],
            e["session"],
        )
        for e in body["requests"]
    ]
    assert summary == [
        ("GET", "/v1/nothing-here", None, 404, None),
        ("POST", "/v1/charges", None, 404, None),
        ("POST", "/v1/charges", "create-charge", 201, "bob"),
        ("GET", "/v1/customers/cus_1", "get-customer", 200, "alice"),
    ]
    charge = body["requests"][2]
    assert charge["request"]["body"] == '{"amount":100,"currency":"usd"}'
    assert charge["params"] == {}
    assert body["requests"][3]["params"] == {"id": "cus_1"}


def test_journal_redacts_secrets_like_recordings(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    with httpx.Client(base_url=srv.url, timeout=5) as c:
        _traffic(c)
    text = client.get(f"{srv.url}/__admin/requests").text
    assert "sk_live_0123456789abcdefABCD" not in text
    assert "sk_test_abcdefghijklmnop1234" not in text
    entries = client.get(f"{srv.url}/__admin/requests").json()["requests"]
    auth = entries[3]["request"]["headers"]["authorization"]
    assert auth.startswith("Bearer redacted~")
    assert entries[0]["request"]["query"]["api_key"][0].startswith("redacted~")
    assert entries[0]["redactions"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"route": "create-charge"}, ["create-charge"]),
        ({"method": "post"}, [None, "create-charge"]),
        ({"path": "/v1/customers/{id}"}, ["get-customer"]),
        ({"session": "alice"}, ["get-customer"]),
        ({"unmatched": "true"}, [None, None]),
        ({"unmatched": "false", "limit": "1"}, ["create-charge"]),
        ({"status": "201"}, ["create-charge"]),
        ({"until": "1000000000"}, []),
    ],
)
def test_filters(
    serve: Serve, client: httpx.Client, params: dict[str, str], expected: list[str | None]
) -> None:
    srv = serve()
    with httpx.Client(base_url=srv.url, timeout=5) as c:
        _traffic(c)
    r = client.get(f"{srv.url}/__admin/requests", params=params)
    assert r.status_code == 200
    assert [e["route"] for e in r.json()["requests"]] == expected


def test_since_takes_iso_time(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    with httpx.Client(base_url=srv.url, timeout=5) as c:
        c.get("/v1/customers/a")
        first = client.get(f"{srv.url}/__admin/requests").json()["requests"][0]["time"]
        c.get("/v1/customers/b")
    later = client.get(f"{srv.url}/__admin/requests", params={"since": first}).json()
    assert [e["request"]["path"] for e in later["requests"]][-1] == "/v1/customers/a"
    assert (
        client.get(f"{srv.url}/__admin/requests", params={"since": "2999-01-01T00:00:00Z"}).json()[
            "requests"
        ]
        == []
    )


def test_delete_clears_all_or_one_session(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    with httpx.Client(base_url=srv.url, timeout=5) as c:
        _traffic(c)
    assert client.delete(f"{srv.url}/__admin/requests", params={"session": "alice"}).json() == {
        "deleted": 1
    }
    assert client.get(f"{srv.url}/__admin/requests").json()["total"] == 3
    assert client.delete(f"{srv.url}/__admin/requests").json() == {"deleted": 3}
    assert client.get(f"{srv.url}/__admin/requests").json()["requests"] == []


def test_count_with_body_criteria(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    with httpx.Client(base_url=srv.url, timeout=5) as c:
        _traffic(c)
    r = client.post(
        f"{srv.url}/__admin/requests/count",
        json={
            "method": "POST",
            "path": "/v1/charges",
            "body": {"jsonpath": {"$.amount": {"gte": 100}}},
        },
    )
    assert r.json()["count"] == 2
    r = client.post(
        f"{srv.url}/__admin/requests/count",
        json={"path": "/v1/charges", "body": {"jsonpath": {"$.amount": 100}}},
    )
    assert r.json()["count"] == 1


def test_verify_passes_and_fails_with_a_readable_diff(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    with httpx.Client(base_url=srv.url, timeout=5) as c:
        _traffic(c)
    ok = client.post(
        f"{srv.url}/__admin/requests/verify",
        json={
            "name": "one charge of 100",
            "request": {
                "method": "POST",
                "path": "/v1/charges",
                "body": {"jsonpath": {"$.amount": 100}},
            },
            "count": 1,
        },
    ).json()
    assert ok["ok"] is True
    assert ok["report"].startswith("PASS one charge of 100: expected exactly 1, got 1")
    bad = client.post(
        f"{srv.url}/__admin/requests/verify",
        json={
            "request": {
                "method": "POST",
                "path": "/v1/charges",
                "body": {"jsonpath": {"$.amount": 999}},
            },
            "count": 1,
        },
    ).json()
    assert bad["ok"] is False
    assert bad["count"] == 0
    lines = bad["report"].splitlines()
    assert lines[0] == (
        "FAIL POST /v1/charges where body $.amount == 999: expected exactly 1, got 0"
    )
    assert lines[1] == "  closest requests:"
    assert "POST /v1/charges -> " in lines[2]
    assert lines[3].startswith('      body: expected $.amount == 999, got \'{"amount":')
    too_many = client.post(
        f"{srv.url}/__admin/requests/verify",
        json={"request": {"path": "/v1/charges"}, "at_most": 1},
    ).json()
    assert too_many["ok"] is False
    assert "matching requests:" in too_many["report"]


def test_near_misses_of_unmatched_requests_and_probe(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    with httpx.Client(base_url=srv.url, timeout=5) as c:
        c.post("/v1/charges", json={"currency": "eur"})
    listed = client.get(f"{srv.url}/__admin/near-misses").json()
    assert listed["unmatched"] == 1
    miss = listed["requests"][0]["near_misses"][0]
    assert miss["route"] == "create-charge"
    assert miss["differences"][0]["field"] == "body"
    probe = client.post(
        f"{srv.url}/__admin/near-misses", json={"method": "GET", "path": "/v1/customers/x"}
    ).json()
    assert probe == {"matched": True, "route": "get-customer", "near_misses": []}
    probe = client.post(
        f"{srv.url}/__admin/near-misses", json={"method": "DELETE", "path": "/v1/customers/x"}
    ).json()
    assert probe["matched"] is False
    assert probe["near_misses"][0]["differences"] == [
        {"field": "method", "expected": "GET", "actual": "DELETE"}
    ]


def test_journal_size_zero_records_nothing(serve: Serve, client: httpx.Client) -> None:
    srv = serve(journal_size=0)
    assert client.get(f"{srv.url}/v1/customers/c").status_code == 200
    body = client.get(f"{srv.url}/__admin/requests").json()
    assert body["total"] == 0
    assert body["requests"] == []


def test_the_journal_is_read_in_pages(serve: Serve, client: httpx.Client) -> None:
    srv = serve()
    with httpx.Client(base_url=srv.url, timeout=5) as c:
        for i in range(7):
            c.get(f"/page/{i}")
    seen: list[str] = []
    before = None
    pages = 0
    while True:
        params = {"limit": "3"} if before is None else {"limit": "3", "before": str(before)}
        body = client.get(f"{srv.url}/__admin/requests", params=params).json()
        seen += [e["request"]["path"] for e in body["requests"]]
        pages += 1
        before = body["next_before"]
        if before is None:
            break
    assert pages == 3
    assert seen == [f"/page/{i}" for i in reversed(range(7))]
    too_many = client.get(f"{srv.url}/__admin/requests", params={"limit": "5000"})
    assert too_many.status_code == 422
