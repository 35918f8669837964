"""What a request no route matched gets, beyond the unmatched answer: a CORS preflight
answer (for an allowed origin), or the upstream's answer (``--on-miss proxy|record``).

A stubbed route always wins: this runs only after matching found none.
"""

from __future__ import annotations

from stubforge.match.router import Miss
from stubforge.serve.asgi import Receive, Scope, Send
from stubforge.serve.cors import REQUEST_HEADERS, REQUEST_METHOD, CorsTable, header
from stubforge.serve.cors import preflight_methods as _methods
from stubforge.serve.forward import forward, problem
from stubforge.serve.outcome import Outcome
from stubforge.serve.pipeline import Plan
from stubforge.serve.prepared import Headers
from stubforge.serve.responder import respond
from stubforge.serve.session import BehaviourRequest
from stubforge.serve.state import ServerState


def closest_route(outcome: Outcome) -> str | None:
    misses = outcome.near_misses
    if misses:
        route = misses[0].get("route")
        return route if isinstance(route, str) else None
    return None


def _service(state: ServerState, outcome: Outcome) -> str | None:
    route = outcome.route_id or closest_route(outcome)
    if route is None:
        return None
    return state.passthrough.view(state.stubs).route_service.get(route)


def cors_headers(state: ServerState, cors: CorsTable, outcome: Outcome, origin: bytes) -> Headers:
    """The ``Access-Control-*`` headers of a response to ``origin`` (none if not allowed)."""
    policy = cors.policy(_service(state, outcome))
    if policy is None or not policy.allows(origin):
        return []
    return policy.response_headers(origin)


async def answer_miss(
    state: ServerState,
    req: BehaviourRequest,
    plan: Plan,
    scope: Scope,
    receive: Receive,
    send: Send,
    cors: CorsTable | None,
    origin: bytes | None,
    *,
    remaining: bool,
) -> None:
    """Answer an unmatched request: preflight, proxy, or the unmatched answer of ``plan``."""
    outcome = plan.outcome
    pt = state.passthrough
    extra: Headers = []
    if cors is not None and origin is not None:
        policy = cors.policy(_service(state, outcome))
        if policy is not None and policy.allows(origin):
            asked = header(req.raw_headers, REQUEST_METHOD)
            if req.method == "OPTIONS" and asked is not None:
                result = state.stubs.router.match(req)
                allowed = result.allowed if isinstance(result, Miss) else ()
                methods = _methods(allowed, asked.decode("latin-1").upper(), pt.active)
                answer = policy.preflight(
                    origin, methods, header(req.raw_headers, REQUEST_HEADERS) or b""
                )
                outcome.status, outcome.rule = answer.status, "cors:preflight"
                await send(answer.start)
                await send(answer.body_message)
                return
            extra = policy.response_headers(origin)
    if not pt.active:
        plan.extra += extra
        await respond(plan, scope, receive, send)
        return
    upstream = pt.upstream_for(state.stubs, closest_route(outcome))
    if upstream is None:
        answer = problem(
            502,
            "no_upstream",
            "no stub matched and no upstream is configured for this request: give "
            "--upstream URL or an 'upstream:' in the service's stub file",
            None,
        )
        outcome.status = answer.status
        await send({**answer.start, "headers": [*answer.headers, *extra]})
        await send(answer.body_message)
        return
    service = pt.service_of(state.stubs, closest_route(outcome))
    proxied = pt.behaviour(state.stubs, service, outcome.profile)
    await forward(
        state,
        upstream,
        req,
        outcome,
        proxied,
        scope,
        receive,
        send,
        more_body=remaining,
        extra=extra,
    )
