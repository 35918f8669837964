"""The replay fast path: a raw ASGI app answering from prepared bytes.

Per request: read the body (bounded), match through the index, pick the variant, wait the
planned delay, send. No framework routing, no pydantic, no thread hops.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time

from app.match.request import Request
from app.match.router import Match
from app.serve.asgi import (
    BodyTooLarge,
    ClientGone,
    Receive,
    Scope,
    Send,
    declared_length,
    read_body,
)
from app.serve.outcome import Observer, Outcome
from app.serve.prepared import Prepared, json_response
from app.serve.plan import RoutePlan
from app.serve.state import ServerState
from app.serve.unmatched import unmatched_response

log = logging.getLogger("stubforge")


class ReplayApp:
    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.rng = random.Random()
        self.observers: list[Observer] = []
        """Called with each request's :class:`Outcome` after its response is sent."""

    def _observe(self, outcome: Outcome) -> None:
        outcome.duration = time.time() - outcome.started
        for observer in self.observers:
            try:
                observer(outcome)
            except Exception:  # an observer bug must never break serving
                log.exception("observer failed")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.time()
        state = self.state
        limit = state.config.body_limit
        headers = scope["headers"]
        length = declared_length(headers)
        if length is not None and length > limit:
            await _send(send, _too_large(limit))
            return
        try:
            body = await read_body(receive, limit)
        except BodyTooLarge:
            await _send(send, _too_large(limit))
            return
        except ClientGone:
            return
        client = scope.get("client")
        req = Request(
            scope["method"], scope["path"], scope["query_string"], headers, body,
            client[0] if client else None,
        )
        stubs = state.stubs
        result = stubs.router.match(req)
        if req.method == "HEAD" and not (
            isinstance(result, Match) and "HEAD" in result.route.methods
        ):  # HEAD is GET without a body unless a route stubs HEAD itself
            as_get = stubs.router.match(
                Request("GET", req.path, req.query_string, headers, body, req.client)
            )
            if isinstance(as_get, Match):
                result = as_get
        if not isinstance(result, Match):
            response, misses = unmatched_response(
                req, result, stubs.router, state.config.unmatched_status, state.config.near_misses
            )
            await _send(send, response)
            if self.observers:
                self._observe(Outcome(req, started, response.status, near_misses=misses))
            return
        plan: RoutePlan = result.route.handler
        variant = plan.choose(req, result.params)
        if variant is None:  # unreachable: routes without a default carry a VariantsCheck
            await _send(send, json_response(500, {"error": "no response variant applies"}))
            return
        try:
            response = variant.builder.build(req, result.params)
        except Exception as exc:  # a template failed at render time: answer, don't crash
            log.warning("route %s: template error: %s", plan.id, exc)
            response = json_response(
                500, {"error": "template error", "route": plan.id, "detail": str(exc)}
            )
        delay = 0.0
        if plan.latency is not None:
            delay = plan.latency(self.rng)
            await asyncio.sleep(delay)
        if req.method == "HEAD":
            await send(response.start)
            await send({"type": "http.response.body", "body": b""})
        else:
            await _send(send, response)
        if self.observers:
            self._observe(
                Outcome(req, started, response.status, plan.id, result.params, delay=delay)
            )


async def _send(send: Send, response: Prepared) -> None:
    await send(response.start)
    await send(response.body_message)


def _too_large(limit: int) -> Prepared:
    return json_response(
        413,
        {"error": "request body too large", "limit_bytes": limit},
        [(b"connection", b"close")],
    )
