"""``stubforge serve --validate SPEC``: requests held to a spec before replay.

An ASGI wrapper around the replay app, assembled only when validation is on, so the fast
path pays nothing otherwise. It reads the body (bounded like replay), asks the validator
(:mod:`stubforge.openapi.requests`, behind the :class:`RequestCheck` protocol so that
``serve`` does not depend on the OpenAPI libraries) and then:

- ``hard``: a request with violations is answered ``400`` (``422`` when only the body's
  content breaks its schema) with a problem JSON listing each violation, and journaled;
- ``soft``: the request is answered normally; the response carries
  ``X-Stubforge-Violations`` and the journal entry's request carries the same header.

A route with ``validation: false`` exempts its operation.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, Literal, Protocol

from stubforge.serve.asgi import (
    BodyTooLarge,
    ClientGone,
    Message,
    Receive,
    Scope,
    Send,
    declared_length,
    read_body,
)
from stubforge.serve.outcome import Outcome
from stubforge.serve.prepared import Prepared, dump_json, json_response
from stubforge.serve.replay import ReplayApp
from stubforge.serve.session import BehaviourRequest, read_selectors
from stubforge.serve.stubset import StubSet

HEADER = b"x-stubforge-violations"
Mode = Literal["hard", "soft"]


class RequestCheck(Protocol):
    def check(
        self,
        method: str,
        path: str,
        query_string: bytes,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        skip: frozenset[str] = ...,
    ) -> list[Any] | None: ...

    def opted_out(self, routes: Iterable[tuple[Iterable[str], str]]) -> frozenset[str]: ...


class ValidatingApp:
    def __init__(
        self, replay: ReplayApp, validator: RequestCheck, mode: Mode, summary: Any
    ) -> None:
        self.replay = replay
        self.validator = validator
        self.mode = mode
        self.summary = summary
        """``violations -> header text``."""
        self._skip: tuple[StubSet | None, frozenset[str]] = (None, frozenset())

    def skipped(self) -> frozenset[str]:
        """Operations exempted by routes with ``validation: false`` (recomputed on reload)."""
        stubs = self.replay.state.stubs
        seen, skip = self._skip
        if seen is not stubs:
            routes = [
                (r.request.methods, r.request.path)
                for f in stubs.files
                for r in f.model.routes
                if not r.validation
            ]
            skip = self.validator.opted_out(routes)
            self._skip = (stubs, skip)
        return skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.time()
        limit = self.replay.state.config.body_limit
        length = declared_length(scope["headers"])
        if length is not None and length > limit:
            await self.replay(scope, receive, send)  # replay answers 413 or streams upstream
            return
        try:
            body = await read_body(receive, limit)
        except BodyTooLarge:
            await _send(send, json_response(413, {"error": "request body too large"}))
            return
        except ClientGone:
            return
        violations = self.validator.check(
            scope["method"],
            scope["path"],
            scope["query_string"],
            scope["headers"],
            body,
            self.skipped(),
        )
        replayed = _replay_receive(body, receive)
        if not violations:
            await self.replay(scope, replayed, send)
            return
        if self.mode == "hard":
            await self._reject(scope, body, violations, send, started)
            return
        header = (HEADER, self.summary(violations).encode("latin-1"))
        scope = dict(scope)
        scope["headers"] = [*scope["headers"], header]

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.replay(scope, replayed, send_marked)

    async def _reject(
        self, scope: Scope, body: bytes, violations: list[Any], send: Send, started: float
    ) -> None:
        only_body = all(getattr(v, "content", False) for v in violations)
        status = 422 if only_body else 400
        problem = {
            "type": "about:blank",
            "title": "Unprocessable Content" if status == 422 else "Bad Request",
            "status": status,
            "detail": f"the request does not match the API description: "
            f"{len(violations)} violation(s)",
            "violations": [v.to_dict() for v in violations],
        }
        response = Prepared(
            status, [(b"content-type", b"application/problem+json")], dump_json(problem)
        )
        await _send(send, response)
        if self.replay.observers:
            client = scope.get("client")
            headers = [*scope["headers"], (HEADER, self.summary(violations).encode("latin-1"))]
            req = BehaviourRequest(
                scope["method"],
                scope["path"],
                scope["query_string"],
                headers,
                body,
                client[0] if client else None,
            )
            req.session, req.profile = read_selectors(scope["headers"])
            outcome = Outcome(req, started, status, session=req.session or None)
            outcome.rule = "validation"
            self.replay._observe(outcome)


def _replay_receive(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


async def _send(send: Send, response: Prepared) -> None:
    await send(response.start)
    await send(response.body_message)
