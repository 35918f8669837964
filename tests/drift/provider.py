"""A small payments-like provider in two versions, run for real on 127.0.0.1:0.

Every answer carries noise that changes each time: ids of created objects, ``created`` /
``updated`` timestamps, a request id (header and body), an ``ETag``, and echoes of the
request. Version 2 changes exactly six things:

1. ``GET /v1/customers/{id}`` no longer returns ``phone``          (breaking: field removed)
2. ``POST /v1/charges`` declines with ``payment_declined`` instead
   of ``card_declined``                                             (breaking: error code renamed)
3. ``GET /v1/orders`` items gain an optional ``gift`` flag        (additive: new field)
4. ``GET /v1/balance`` answers after 150ms instead of 50ms         (behavioural: latency)
5. ``GET /v1/search`` allows 5 requests a second instead of 10     (behavioural: rate limit)
6. ``POST /v1/refunds`` requires ``reason``                         (breaking: new required field)

``DELETE /v1/customers/{id}`` exists in both versions and must never be probed by default.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TOKEN_HEADER = "authorization"


@dataclass
class Provider:
    version: int
    seen_auth: list[str] = field(default_factory=list)
    deletes: int = 0
    hits: deque[float] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def search_limit(self) -> int:
        return 10 if self.version == 1 else 5


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _noise(body: dict[str, Any], status: int = 200, **headers: str) -> JSONResponse:
    rid = f"req_{uuid.uuid4().hex[:16]}"
    body = {**body, "request_id": rid}
    return JSONResponse(
        body,
        status,
        headers={
            "x-request-id": rid,
            "etag": f'"{uuid.uuid4().hex}"',
            "cache-control": "no-store",
            **headers,
        },
    )


def build_app(p: Provider) -> Starlette:
    def authorised(request: Request) -> bool:
        value = request.headers.get(TOKEN_HEADER, "")
        p.seen_auth.append(value)
        return value.startswith("Bearer sk_")

    async def customer(request: Request) -> Response:
        if not authorised(request):
            return JSONResponse({"error": {"code": "unauthorized"}}, 401)
        cid = request.path_params["cid"]
        body: dict[str, Any] = {
            "id": cid,
            "object": "customer",
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "created": "2024-01-02T03:04:05Z",
            "updated": _now(),
        }
        if p.version == 1:
            body["phone"] = "+44 20 7946 0000"
        return _noise(body)

    async def delete_customer(request: Request) -> Response:
        p.deletes += 1
        return _noise({"id": request.path_params["cid"], "deleted": True})

    async def orders(request: Request) -> Response:
        status = request.query_params.get("status", "open")
        items = []
        for n in range(3):
            item: dict[str, Any] = {"id": f"ord_{n + 1:04d}", "status": status, "total": 1200}
            if p.version == 2:
                item["gift"] = False
            items.append(item)
        return _noise({"object": "list", "data": items, "has_more": False})

    async def charges(request: Request) -> Response:
        data = json.loads(await request.body())
        if data.get("amount", 0) > 100000:
            code = "card_declined" if p.version == 1 else "payment_declined"
            return _noise({"error": {"type": "card_error", "code": code}}, 402)
        return _noise(
            {
                "id": f"ch_{uuid.uuid4().hex[:14]}",
                "object": "charge",
                "amount": data.get("amount"),
                "currency": data.get("currency"),
                "status": "succeeded",
                "created": int(time.time()),
            },
            201,
        )

    async def refunds(request: Request) -> Response:
        data = json.loads(await request.body())
        if p.version == 2 and "reason" not in data:
            return _noise(
                {
                    "error": {
                        "type": "invalid_request_error",
                        "code": "parameter_missing",
                        "param": "reason",
                    }
                },
                400,
            )
        return _noise(
            {
                "id": f"re_{uuid.uuid4().hex[:14]}",
                "object": "refund",
                "charge": data.get("charge"),
                "amount": data.get("amount"),
                "status": "pending",
                "created": int(time.time()),
            },
            201,
        )

    async def balance(request: Request) -> Response:
        await asyncio.sleep(0.050 if p.version == 1 else 0.150)
        return _noise({"object": "balance", "available": [{"amount": 5000, "currency": "usd"}]})

    async def search(request: Request) -> Response:
        limit = p.search_limit
        now = time.monotonic()
        with p.lock:
            while p.hits and now - p.hits[0] >= 1.0:
                p.hits.popleft()
            allowed = len(p.hits) < limit
            if allowed:
                p.hits.append(now)
            remaining = max(limit - len(p.hits), 0)
        headers = {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(remaining),
            "ratelimit-policy": f"{limit};w=1",
        }
        if not allowed:
            return JSONResponse(
                {"error": {"code": "rate_limited"}}, 429, headers={**headers, "retry-after": "1"}
            )
        q = request.query_params.get("q", "")
        return _noise({"object": "search_result", "query": q, "data": []}, **headers)

    return Starlette(
        routes=[
            Route("/v1/customers/{cid}", customer, methods=["GET"]),
            Route("/v1/customers/{cid}", delete_customer, methods=["DELETE"]),
            Route("/v1/orders", orders, methods=["GET"]),
            Route("/v1/charges", charges, methods=["POST"]),
            Route("/v1/refunds", refunds, methods=["POST"]),
            Route("/v1/balance", balance, methods=["GET"]),
            Route("/v1/search", search, methods=["GET"]),
        ]
    )


@dataclass
class Running:
    url: str
    provider: Provider


@contextlib.contextmanager
def running_provider(version: int) -> Iterator[Running]:
    """The provider of ``version`` on an ephemeral port, for the duration of the block."""
    provider = Provider(version)
    config = uvicorn.Config(
        build_app(provider), host="127.0.0.1", port=0, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"provider-v{version}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError("provider did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Running(f"http://127.0.0.1:{port}", provider)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
