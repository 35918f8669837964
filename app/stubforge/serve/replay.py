"""The replay fast path: a raw ASGI app answering from prepared bytes.

Per request: read the body (bounded), ``decide`` (match, then the behaviours in the order
documented in :mod:`stubforge.serve.pipeline`), let the responder carry the plan out, then tell
the observers. No framework routing, no pydantic, no thread hops.
"""

from __future__ import annotations

import logging
import time

from stubforge.serve.asgi import (
    BodyTooLarge,
    ClientGone,
    Receive,
    Scope,
    Send,
    declared_length,
    read_body,
    read_prefix,
)
from stubforge.serve.cors import ORIGIN, CorsTable, cors_table, header, server_policy
from stubforge.serve.misses import answer_miss, cors_headers
from stubforge.serve.outcome import Observer, Outcome
from stubforge.serve.pipeline import decide, plain
from stubforge.serve.prepared import Prepared, dump_json, json_response
from stubforge.serve.responder import respond
from stubforge.serve.session import BehaviourRequest, ConflictingSelectors, read_selectors
from stubforge.serve.state import ServerState
from stubforge.serve.statics import StaticRoute
from stubforge.store.errors import StoreUnavailable

log = logging.getLogger("stubforge")


class ReplayApp:
    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.observers: list[Observer] = []
        """Called with each request's :class:`Outcome` after its response is sent."""
        self._server_cors = server_policy(state.config.cors, state.config.cors_credentials)
        self._cors: tuple[object, CorsTable] | None = None

    def cors(self) -> CorsTable | None:
        """The CORS policies of the current stub set (``None`` when none is configured)."""
        stubs = self.state.stubs
        cached = self._cors
        if cached is None or cached[0] is not stubs:
            cached = self._cors = (stubs, cors_table(stubs, self._server_cors))
        return cached[1] if cached[1].enabled else None

    def _observe(self, outcome: Outcome) -> None:
        outcome.duration = time.time() - outcome.started
        for observer in self.observers:
            try:
                observer(outcome)
            except Exception:  # an observer bug must never break serving
                log.exception("observer failed")

    def _static(self, req: BehaviourRequest) -> StaticRoute | None:
        """The static table's entry for ``req``, when the table may answer: no profile in
        force (a profile can add behaviour to any route) and no debug headers."""
        state = self.state
        by_path = state.stubs.static.get(req.method)
        if by_path is None or not plain(state, req.profile or state.profile):
            return None
        return by_path.get(req.path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.time()
        state = self.state
        limit = state.config.body_limit
        headers = scope["headers"]
        length = declared_length(headers)
        proxying = state.passthrough.active
        remaining = oversized = False
        body = b""
        if length is not None and length > limit:
            if not proxying:
                await _send(send, _too_large(limit))
                return
            remaining = oversized = True  # a miss streams it upstream unread
        else:
            try:
                if proxying:
                    body, remaining = await read_prefix(receive, limit)
                    oversized = remaining or len(body) > limit
                else:
                    body = await read_body(receive, limit)
            except BodyTooLarge:
                await _send(send, _too_large(limit))
                return
            except ClientGone:
                return
        client = scope.get("client")
        req = BehaviourRequest(
            scope["method"],
            scope["path"],
            scope["query_string"],
            headers,
            b"" if oversized else body,  # too large to match on: matched without it
            client[0] if client else None,
        )
        try:
            req.session, req.profile = read_selectors(headers)
        except ConflictingSelectors as exc:
            await _send(send, _conflict(str(exc)))
            return
        cors = self.cors()
        origin = header(headers, ORIGIN) if cors is not None else None
        hit = self._static(req) if origin is None and not oversized else None
        if hit is not None:  # nothing to match or plan: the answer decide would give
            start = {"type": "http.response.start", "status": hit.status, "headers": hit.headers}
            await send(start)
            await send({"type": "http.response.body", "body": hit.body})
            if self.observers:
                self._observe(hit.outcome(req, started))
            return
        try:
            plan = await decide(state, req, started)
        except StoreUnavailable as exc:  # Redis down: answer 503, keep serving
            log.error("%s %s: state store unavailable: %s", req.method, req.path, exc)
            await _send(send, _STORE_UNAVAILABLE)
            if self.observers:
                self._observe(Outcome(req, started, 503, session=req.session or None))
            return
        outcome = plan.outcome
        missed = outcome.route_id is None and outcome.near_misses is not None
        if oversized and not missed:  # a stub answers with the body limit as before
            await _send(send, _too_large(limit))
            return
        if missed and (proxying or origin is not None):
            req.body = body
            await answer_miss(
                state, req, plan, scope, receive, send, cors, origin, remaining=remaining
            )
        else:
            if origin is not None and cors is not None:
                plan.extra += cors_headers(state, cors, outcome, origin)
            await respond(plan, scope, receive, send)
        if self.observers:
            self._observe(outcome)


async def _send(send: Send, response: Prepared) -> None:
    await send(response.start)
    await send(response.body_message)


_STORE_UNAVAILABLE = json_response(
    503,
    {
        "error": "state store unavailable",
        "detail": "the shared state store (Redis) cannot be reached; retry shortly",
    },
    [(b"retry-after", b"1")],
)


def _too_large(limit: int) -> Prepared:
    return json_response(
        413,
        {"error": "request body too large", "limit_bytes": limit},
        [(b"connection", b"close")],
    )


def _conflict(header_name: str) -> Prepared:
    problem = {
        "type": "urn:stubforge:problem:conflicting-headers",
        "title": f"conflicting {header_name} headers",
        "status": 400,
        "detail": f"send one {header_name} header (or repeat the same value)",
    }
    return Prepared(400, [(b"content-type", b"application/problem+json")], dump_json(problem))
