"""The responder of a proxied request (``--on-miss proxy|record``): the one place that
streams an upstream's answer back.

Order, as for stubbed routes (:mod:`stubforge.serve.pipeline`):

1. the profile in force may fail the request instead (its error rules and faults): like a
   real failure, the upstream is then never called;
2. the request is sent upstream, its body streamed (what was read for matching first,
   then the rest as it arrives);
3. latency: the profile's latency is added, and the multipliers (the profile's times
   ``--latency-multiplier``) stretch the upstream's own time to its headers;
4. the answer is streamed to the client chunk by chunk (memory stays flat whatever the
   size), with hop-by-hop headers removed;
5. ``record``: the exchange goes to the capture once the client has it.

An upstream that cannot be reached answers 502, one too slow 504 (problem JSON); one
that breaks mid-body breaks the client's connection the same way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

from stubforge.behave.errors import count_step
from stubforge.behave.faults import plan_fault
from stubforge.proxy.client import UpstreamFailure, classify
from stubforge.proxy.entry import Exchange
from stubforge.proxy.headers import Headers, client_response_headers, upstream_request_headers
from stubforge.proxy.upstream import Upstream
from stubforge.serve.asgi import ClientGone, Receive, Scope, Send
from stubforge.serve.outcome import Outcome
from stubforge.serve.passthrough import PASSTHROUGH_ROUTE, ProxiedBehaviour
from stubforge.serve.pipeline import Plan
from stubforge.serve.prepared import Prepared, dump_json
from stubforge.serve.responder import respond
from stubforge.serve.session import BehaviourRequest
from stubforge.serve.state import ServerState
from stubforge.serve.wire import wire_of

log = logging.getLogger("stubforge.proxy")

PROBLEM_TYPE = "https://stubforge.dev/problems/"


def problem(status: int, kind: str, detail: str, upstream: str | None) -> Prepared:
    """A problem+json answer for a request the upstream could not answer."""
    title = {502: "Bad Gateway", 504: "Gateway Timeout"}.get(status, "Upstream error")
    body = {
        "type": PROBLEM_TYPE + kind.replace("_", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "upstream": upstream,
        "reason": kind,
    }
    return Prepared(
        status,
        [(b"content-type", b"application/problem+json"), (b"x-stubforge-passthrough", b"1")],
        dump_json(body),
    )


class _Upload:
    """A request body streamed upstream: what was read for matching, then the rest as it
    arrives; for a recording, the bytes up to ``cap`` (``None`` past it) and the size."""

    def __init__(self, prefix: bytes, receive: Receive, keep: bool, cap: int) -> None:
        self.prefix, self.receive, self.cap = prefix, receive, cap
        self.kept: bytearray | None = bytearray(prefix) if keep else None
        self.size = len(prefix)

    async def chunks(self) -> AsyncIterator[bytes]:
        if self.prefix:
            yield self.prefix
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                raise ClientGone
            chunk: bytes = message.get("body", b"")
            if chunk:
                self.size += len(chunk)
                if self.kept is not None:
                    self.kept += chunk
                    if len(self.kept) > self.cap:
                        self.kept = None
                yield chunk
            if not message.get("more_body", False):
                return

    @property
    def body(self) -> bytes | None:
        return bytes(self.kept) if self.kept is not None else None


async def _failed_by_profile(
    state: ServerState, req: BehaviourRequest, outcome: Outcome, proxied: ProxiedBehaviour
) -> Plan | None:
    """The profile's first firing error rule or fault, as a plan (None: none fired)."""
    session = req.session
    now = time.time()
    rng = state.streams.stream(session, PASSTHROUGH_ROUTE)
    for rule in proxied.behaviour.rules:
        since = now - state.profile_since if state.profile == rule.profile else None
        if not rule.live(now - state.started, since):
            continue
        if rule.counter_key is not None:
            assert rule.spec.every is not None
            fires: bool = await state.store.update(
                session, rule.counter_key, count_step(rule.spec.every)
            )
        else:
            fires = rule.roll(rng)
        if not fires:
            continue
        outcome.rule = rule.id
        plan = Plan(outcome, head=req.method == "HEAD")
        if rule.response is not None:
            try:
                plan.response = rule.response.build(req, {})
            except Exception as exc:  # a template failed at render time: answer, don't crash
                log.warning("%s: template error: %s", rule.id, exc)
                plan.response = problem(500, "template_error", str(exc), None)
            outcome.status = plan.response.status
        else:
            assert rule.fault is not None
            plan.fault = plan_fault(rule.fault, rng, rule.spec.hold)
            outcome.fault = rule.fault.value
        latency = proxied.behaviour.latency
        if latency is not None:
            plan.delay = latency(rng) * state.config.latency_multiplier
        outcome.delay = plan.delay
        return plan
    return None


async def forward(
    state: ServerState,
    upstream: Upstream,
    req: BehaviourRequest,
    outcome: Outcome,
    proxied: ProxiedBehaviour | None,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    more_body: bool,
    extra: Headers,
) -> None:
    """Answer ``req`` from ``upstream``; ``more_body``: the body was not read to its end
    (it is larger than the body limit) and the rest is still in ``receive``.
    ``extra`` headers (CORS) are added to the answer."""
    outcome.passthrough = upstream.url
    if proxied is not None:
        failed = await _failed_by_profile(state, req, outcome, proxied)
        if failed is not None:
            failed.extra = extra
            await respond(failed, scope, receive, send)
            return
    pt = state.passthrough
    capture = None
    if pt.policy == "record":
        try:
            capture = pt.capture()
        except (OSError, ValueError) as exc:  # keep proxying; say why nothing is recorded
            log.error("--on-miss record: cannot record to %s: %s", state.config.recordings, exc)
    cap = state.config.body_limit
    raw_path = scope.get("raw_path") or req.path.encode()
    url = upstream.target(raw_path.decode("latin-1"), req.query_string)
    headers = upstream_request_headers(
        req.raw_headers,
        upstream_host=upstream.host_header,
        client=req.client,
        scheme=scope.get("scheme", "http"),
        keep_host=state.config.keep_host_header,
    )
    upload: _Upload | None = None
    body: bytes | AsyncIterator[bytes] = req.body
    if more_body:
        upload = _Upload(req.body, receive, capture is not None, cap)
        body = upload.chunks()
    exchange = (
        Exchange(
            outcome.started,
            req.method,
            url,
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers],
            req.body,
            len(req.body),
        )
        if capture is not None
        else None
    )
    sent = time.time()
    try:
        response = await pt.client.open(req.method, url, headers, body)
    except ClientGone:
        outcome.status = 0
        return
    except UpstreamFailure as failure:
        log.warning("%s %s -> %s: %s", req.method, req.path, upstream.url, failure.detail)
        answer = problem(failure.status, failure.kind, failure.detail, upstream.url)
        outcome.status = failure.status
        await send({**answer.start, "headers": [*answer.headers, *extra]})
        await send(answer.body_message)
        if exchange is not None and capture is not None:
            exchange.error, exchange.fault = failure.detail, failure.kind
            await capture.record(exchange)
        return
    try:
        arrived = time.time()
        wait = arrived - sent
        delay = 0.0
        if proxied is not None:
            rng = state.streams.stream(req.session, PASSTHROUGH_ROUTE)
            latency = proxied.behaviour.latency
            if latency is not None:
                delay += latency(rng) * state.config.latency_multiplier
            stretch = proxied.multiplier * state.config.latency_multiplier
        else:
            stretch = state.config.latency_multiplier
        if stretch > 1:
            delay += (stretch - 1) * wait
        if delay > 0:
            await asyncio.sleep(delay)
        outcome.delay = delay
        outcome.status = response.status_code
        out_headers = client_response_headers(response.headers.raw)
        if extra:
            names = {name for name, _ in extra}
            out_headers = [(n, v) for n, v in out_headers if n not in names] + extra
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": out_headers}
        )
        streamed = "content-length" not in response.headers
        keep_response = bytearray() if capture is not None else None
        size = 0
        chunks: list[tuple[float, int]] = []
        try:
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if keep_response is not None:
                    if streamed:
                        chunks.append(((time.time() - arrived) * 1000.0, len(chunk)))
                    if len(keep_response) <= cap:
                        keep_response += chunk
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except Exception as exc:  # the upstream broke mid-body: break the client's too
            broken = classify(exc)
            log.warning("%s %s -> %s: %s", req.method, req.path, upstream.url, broken.detail)
            wire = wire_of(scope)
            if wire is not None:
                wire.reset()
            outcome.fault = broken.kind
            if exchange is not None and capture is not None:
                exchange.error, exchange.fault = broken.detail, "truncated_body"
            else:
                return
        else:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        if exchange is not None and capture is not None:
            done = time.time()
            exchange.status = response.status_code
            exchange.reason = response.reason_phrase
            exchange.http_version = response.http_version
            exchange.response_headers = [
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
            ]
            assert keep_response is not None
            exchange.response_body = bytes(keep_response) if len(keep_response) <= cap else None
            exchange.response_size = size
            exchange.wait_ms = wait * 1000.0
            exchange.receive_ms = (done - arrived) * 1000.0
            exchange.chunks = chunks if streamed else []
            if upload is not None:
                exchange.request_size, exchange.request_body = upload.size, upload.body
            await capture.record(exchange)
    finally:
        await response.aclose()
