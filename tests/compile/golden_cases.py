"""The recordings behind the golden tests, generated deterministically.

``python -m tests.compile.golden_cases [CASE ...]`` rewrites ``golden/<case>/recordings``
and ``golden/<case>/expected`` of the named cases (default: all); review the diff before
committing it.
"""

from __future__ import annotations

import random
import shutil
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from tests.compile.factory import Tape

GOLDEN = Path(__file__).parent / "golden"


def rest() -> Tape:
    """Path-routed REST: ids, a reserved word, unknown ids, a create and a validation error."""
    t, rng = Tape(), random.Random(1)
    users = {i: f"user{i}" for i in range(1, 6)}
    for _ in range(40):
        uid = rng.randint(1, 7)
        wait = rng.lognormvariate(3.5, 0.3)
        if uid in users:
            body = {"id": uid, "name": users[uid], "object": "user"}
            t.add("GET", f"/v1/users/{uid}", json_body=body, wait_ms=wait)
        else:
            t.add("GET", f"/v1/users/{uid}", 404, json_body={"error": "no such user"}, wait_ms=wait)
    t.add("GET", "/v1/users/me", json_body={"id": 1, "name": "user1", "object": "user"})
    t.add(
        "POST",
        "/v1/users",
        201,
        request_json={"name": "zed"},
        json_body={
            "id": "9f1c7a52-3d8e-4b4f-9c55-2c2f0f5b8e11",
            "name": "zed",
            "created": "2024-05-01T12:00:10Z",
        },
    )
    t.add(
        "POST",
        "/v1/users",
        422,
        request_json={"nick": "x"},
        json_body={"error": "name is required"},
    )
    return t


def rpc() -> Tape:
    """RPC-style routing: an Action query parameter, JSON-RPC methods, GraphQL operations."""
    t = Tape("https://rpc.cloud.example")
    for i in range(3):
        t.add(
            "POST",
            "/",
            query={"Action": "DescribeThings", "Version": "2024-01-01"},
            text=f"<DescribeThingsResponse><Count>{3}</Count></DescribeThingsResponse>",
        )
        t.add(
            "POST",
            "/",
            query={"Action": "CreateThing", "Version": "2024-01-01"},
            text="<CreateThingResponse><Ok>true</Ok></CreateThingResponse>",
        )
        t.add(
            "POST",
            "/rpc",
            request_json={"jsonrpc": "2.0", "id": i, "method": "eth_blockNumber"},
            json_body={"jsonrpc": "2.0", "id": i, "result": "0x10"},
        )
        t.add(
            "POST",
            "/rpc",
            request_json={"jsonrpc": "2.0", "id": i, "method": "eth_chainId"},
            json_body={"jsonrpc": "2.0", "id": i, "result": "0x1"},
        )
        t.add(
            "POST",
            "/graphql",
            request_json={
                "operationName": "GetViewer",
                "query": "query GetViewer { viewer { login } }",
            },
            json_body={"data": {"viewer": {"login": "octo"}}},
        )
        t.add(
            "POST",
            "/graphql",
            request_json={
                "query": "mutation Star($id: ID!) { star(id: $id) { ok } }",
                "variables": {"id": f"r{i}"},
            },
            json_body={"data": {"star": {"ok": True}}},
        )
    return t


def paginated() -> Tape:
    """A paginated list: the page parameter chooses the page; the last has no next cursor."""
    t = Tape("https://api.orders.example")
    for _ in range(2):
        for page in (1, 2, 3):
            data = [{"id": f"ord_{page}{k}x9", "total": 100 * page + k} for k in range(2)]
            t.add(
                "GET",
                "/v2/orders",
                query={"page": str(page), "limit": "2"},
                json_body={"data": data, "page": page, "has_more": page < 3},
            )
    return t


def stateful() -> Tape:
    """Create then fetch: a job is created, then polled until done (a sequence)."""
    t = Tape("https://api.jobs.example")
    job = "0b7f8c2e-6a41-4c3e-9d1f-5e2a7b3c9d10"
    t.add(
        "POST",
        "/v1/jobs",
        202,
        request_json={"kind": "export"},
        json_body={"id": job, "kind": "export", "status": "pending"},
    )
    for status in ("pending", "pending", "running", "done", "done"):
        t.add("GET", f"/v1/jobs/{job}", json_body={"id": job, "kind": "export", "status": status})
    return t


def throttled() -> Tape:
    """A throttled API: 5 requests per second per key, X-RateLimit-* headers, Retry-After."""
    t = Tape("https://api.search.example", step_ms=100)
    for i in range(30):
        in_window = i % 10
        headers = {
            "x-ratelimit-limit": "5",
            "x-ratelimit-remaining": str(max(4 - in_window, 0)),
            "x-ratelimit-reset": "1",
        }
        if in_window < 5:
            t.add(
                "GET",
                "/v1/search",
                query={"q": "shoes"},
                headers={"authorization": "Bearer redacted~bearer~0123456789ab"},
                response_headers=headers,
                json_body={"hits": 2, "q": "shoes"},
            )
        else:
            t.add(
                "GET",
                "/v1/search",
                429,
                query={"q": "shoes"},
                headers={"authorization": "Bearer redacted~bearer~0123456789ab"},
                response_headers={**headers, "retry-after": "1"},
                json_body={"error": "too many requests"},
            )
    return t


def flaky() -> Tape:
    """A flaky API: about 10 % 503s and a few connection resets, lognormal latency."""
    t, rng = Tape("https://api.flaky.example"), random.Random(7)
    for _ in range(100):
        wait = rng.lognormvariate(3.0, 0.4)
        roll = rng.random()
        if roll < 0.1:
            t.add("GET", "/v1/quote", 503, json_body={"error": "unavailable"}, wait_ms=wait)
        elif roll < 0.13:
            t.add("GET", "/v1/quote", fault="connection_reset", wait_ms=wait)
        else:
            t.add("GET", "/v1/quote", json_body={"price": 42, "currency": "EUR"}, wait_ms=wait)
    return t


def streaming() -> Tape:
    """Slow bodies: an export streamed in about 8 chunks over about 2 s; a fast JSON route
    whose body happened to arrive in two chunks 3 ms apart stays plain."""
    t, rng = Tape("https://api.exports.example"), random.Random(11)
    for i in range(9):
        count = rng.choice((7, 8, 8, 9))
        total = rng.uniform(1800, 2200)
        offsets = [round(total * k / (count - 1), 1) for k in range(count)]
        t.add(
            "GET",
            f"/v1/exports/{i + 1}/download",
            text="id,amount\n" + "".join(f"{k},{k * 10}\n" for k in range(20)),
            response_headers={"content-type": "text/csv"},
            chunks=[(o, 64) for o in offsets],
        )
        t.add(
            "GET",
            "/v1/status",
            json_body={"ok": True},
            chunks=[(0.0, 10), (3.0, 2)],
        )
    return t


def headers() -> Tape:
    """Varying response headers: a create's Location names the generated id, a fetch's
    Content-Location the path id, request ids are fresh or echo the client's, a header
    nothing explains is dropped, and date/content-length never appear."""
    t, rng = Tape("https://api.people.example"), random.Random(5)
    for i in range(4):
        new_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        t.add(
            "POST",
            "/v1/people",
            201,
            request_json={"name": f"p{i}"},
            response_headers={
                "location": f"/v1/people/{new_id}",
                "x-request-id": f"req_{rng.getrandbits(64):016x}",
                "date": "Wed, 01 May 2024 12:00:00 GMT",
                "content-length": "80",
                "x-served-by": f"cache-ams-{i % 2}",
            },
            json_body={"id": new_id, "name": f"p{i}"},
        )
        pid = 1000 + i
        corr = f"corr-{rng.getrandbits(32):08x}"
        t.add(
            "GET",
            f"/v1/people/{pid}",
            headers={"x-correlation-id": corr},
            response_headers={
                "content-location": f"https://api.people.example/v1/people/{pid}",
                "x-correlation-id": corr,
                "cache-control": "no-store",
            },
            json_body={"id": pid, "name": "someone"},
        )
    return t


def outage() -> Tape:
    """Errors in time: /v1/balance fails with 503 for ten seconds (a window, not a rate)
    plus one stray 500; /v1/tick times out on exactly every 10th request (every: 10)."""
    t = Tape("https://api.bank.example")
    for i in range(120):
        if 40 <= i < 60:
            t.add("GET", "/v1/balance", 503, json_body={"error": "maintenance"})
        elif i == 100:
            t.add("GET", "/v1/balance", 500, json_body={"error": "oops"})
        else:
            t.add("GET", "/v1/balance", json_body={"balance": 10})
        if i % 10 == 9:
            t.add("GET", "/v1/tick", fault="timeout")
        else:
            t.add("GET", "/v1/tick", json_body={"tick": True})
    return t


CASES: dict[str, Callable[[], Tape]] = {
    "rest": rest,
    "rpc": rpc,
    "paginated": paginated,
    "stateful": stateful,
    "throttled": throttled,
    "flaky": flaky,
    "streaming": streaming,
    "headers": headers,
    "outage": outage,
}


def main() -> None:
    from stubforge.compile.hints import Hints
    from stubforge.compile.merge import write_output
    from stubforge.compile.pipeline import compile_directory

    chosen = sys.argv[1:] or list(CASES)
    for name in chosen:
        make = CASES[name]
        case = GOLDEN / name
        shutil.rmtree(case, ignore_errors=True)
        make().write(case / "recordings")
        output = compile_directory(case / "recordings", Hints())
        write_output(case / "expected", output)
        (case / "expected" / "report.txt").write_text(output.report.text())
        print(name, file=sys.stderr)


if __name__ == "__main__":
    main()
