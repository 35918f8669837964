"""The one place where the order of behaviours is decided: ``decide`` turns a request into
a :class:`Plan` (what to send, after which delay, or which fault to inject). It computes;
only :mod:`stubforge.serve.responder` sleeps, streams or breaks connections.

Order, and why:

1. session and profile selection -- everything after is per session and per profile;
2. scenario states are loaded and the route is matched -- a ``state.requires`` is a
   matching condition, so a route waiting for another state lets the next route answer;
3. rate limit -- a refused request never reaches the API, so it neither fails by an error
   rule nor moves state; it still counts against the limit only when accepted;
4. error rules and faults (profile rules first, then the route's) -- an injected failure
   replaces the answer and, like a real failure, does not move state;
5. state -- the scenario moves to ``next`` and the sequence advances, for answers only;
6. response variant (or sequence step) and templating; on a resource route the session's
   items then decide successes and not-founds (the variant's other answers, a 422, stand);
7. latency (the route's or the profile's, times the multipliers) -- applies to every
   outcome, 429s, injected errors and faults included; an event stream's timing is drawn
   here too (after the latency, from the same random stream, times the same multipliers);
8. send: the responder.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from stubforge.behave import ratelimit, scenarios, sequences
from stubforge.behave.errors import count_step
from stubforge.behave.faults import FaultPlan, plan_fault
from stubforge.behave.streams import StreamPlan, plan_stream
from stubforge.match.router import Match
from stubforge.model.dribble import Dribble
from stubforge.serve.behaviour import Behaviour
from stubforge.serve.outcome import Outcome
from stubforge.serve.plan import RoutePlan
from stubforge.serve.prepared import Headers, Prepared, ResponseBuilder, dump_json, json_response
from stubforge.serve.resources import answer as resource_answer
from stubforge.serve.session import BehaviourRequest, StatesUnavailable
from stubforge.serve.state import ServerState
from stubforge.serve.unmatched import unmatched_response
from stubforge.store.errors import StoreUnavailable

log = logging.getLogger("stubforge")


@dataclass(slots=True)
class Plan:
    """What the responder does for one request."""

    outcome: Outcome
    response: Prepared | None = None
    fault: FaultPlan | None = None
    delay: float = 0.0
    dribble: Dribble | None = None
    head: bool = False
    extra: Headers = field(default_factory=list)
    events: StreamPlan | None = None
    """For an event stream: the events to send after the headers, with their delays."""


def _build(
    builder: ResponseBuilder, req: BehaviourRequest, params: dict[str, Any], route_id: str
) -> Prepared:
    try:
        return builder.build(req, params)
    except Exception as exc:  # a template failed at render time: answer, don't crash
        log.warning("route %s: template error: %s", route_id, exc)
        problem = {
            "type": "urn:stubforge:problem:template",
            "title": "template error",
            "status": 500,
            "detail": str(exc)[:1000],
            "error": "template error",
            "route": route_id,
        }
        return Prepared(500, [(b"content-type", b"application/problem+json")], dump_json(problem))


def plain(state: ServerState, profile: str | None) -> bool:
    """The fast-path rule, in one place: with no profile in force (a profile can add
    behaviour to any route) and no debug headers, a static route's answer is fixed."""
    return profile is None and not state.config.debug_headers


async def decide(state: ServerState, req: BehaviourRequest, started: float) -> Plan:
    """The steps of the module docstring, in their order, each a function of its own."""
    stubs = state.stubs
    # 1. session and profile
    outcome, refusal = _select(state, req, started)
    if refusal is not None:
        return refusal
    profile, session = outcome.profile, req.session
    # 2. scenario states, then matching
    if stubs.stateful:
        try:
            req.scenarios = await state.store.items(session, scenarios.PREFIX)
        except StoreUnavailable as exc:
            # routes that need no state still answer; one that does raises on matching
            req.scenarios = StatesUnavailable(exc)
    result = _match(state, req)
    if not isinstance(result, Match):
        response, misses = unmatched_response(
            req, result, stubs.router, state.config.unmatched_status, state.config.near_misses
        )
        outcome.status, outcome.near_misses = response.status, misses
        return Plan(outcome, response)
    route: RoutePlan = result.route.handler
    params = result.params
    outcome.route_id, outcome.params = route.id, params
    if route.static is not None and plain(state, profile):
        outcome.status = route.static.status
        return Plan(outcome, route.static, head=req.method == "HEAD")
    behaviour: Behaviour = route.behaviours.get(profile) or route.behaviours[None]
    rng = state.streams.stream(session, route.id)
    plan = Plan(outcome, head=req.method == "HEAD", dribble=behaviour.dribble)
    now = time.time()
    # 3. rate limit
    await _rate_limit(state, behaviour, req, params, route, plan, now)
    # 4. error rules and faults
    if plan.response is None:
        await _error_rules(state, behaviour, req, params, route, plan, rng, now)
    if plan.response is None and plan.fault is None:
        # 5. state, 6. response variant (or sequence step), templating, resources
        await _answer(state, req, params, route, plan, rng)
    # 7. latency
    if behaviour.latency is not None:
        plan.delay = behaviour.latency(rng) * state.config.latency_multiplier
    if plan.response is not None and plan.response.stream is not None:
        plan.events = plan_stream(
            plan.response.stream,
            rng,
            behaviour.multiplier * state.config.latency_multiplier,
            req.header("last-event-id"),
        )
    outcome.delay = plan.delay
    outcome.status = plan.response.status if plan.response is not None else 0
    if state.config.debug_headers:
        plan.extra += debug_headers(outcome)
    return plan


def _select(
    state: ServerState, req: BehaviourRequest, started: float
) -> tuple[Outcome, Plan | None]:
    """Step 1: the header's profile wins over the global one; an unknown one is a 400."""
    profile = req.profile
    if profile is not None and profile not in state.stubs.profiles:
        body = {
            "error": "unknown profile",
            "profile": profile,
            "profiles": sorted(state.stubs.profiles),
        }
        outcome = Outcome(req, started, 400, session=req.session or None)
        return outcome, Plan(outcome, json_response(400, body))
    if profile is None:
        profile = req.profile = state.profile
    return Outcome(req, started, session=req.session or None, profile=profile), None


def _match(state: ServerState, req: BehaviourRequest) -> Any:
    """Step 2: the route for ``req``; HEAD is GET without a body unless stubbed itself."""
    router = state.stubs.router
    result = router.match(req)
    if req.method == "HEAD" and not (isinstance(result, Match) and "HEAD" in result.route.methods):
        as_get = BehaviourRequest(
            "GET", req.path, req.query_string, req.raw_headers, req.body, req.client
        )
        as_get.session, as_get.profile, as_get.scenarios = req.session, req.profile, req.scenarios
        found = router.match(as_get)
        if isinstance(found, Match):
            result = found
    return result


async def _rate_limit(
    state: ServerState,
    behaviour: Behaviour,
    req: BehaviourRequest,
    params: dict[str, Any],
    route: RoutePlan,
    plan: Plan,
    now: float,
) -> None:
    """Step 3: count the request; a refusal is the route's 429 (headers on every answer)."""
    limit = behaviour.rate_limit
    if limit is None:
        return
    key = f"limit:{behaviour.limiter}:{ratelimit.client_key(limit, req)}"
    in_store = getattr(state.store, "rate_limit", None)
    decision: ratelimit.Decision
    if in_store is not None:  # shared by replicas: decided atomically in the store's clock
        decision = ratelimit.from_store(limit, await in_store(req.session, key, limit))
    else:
        decision = await state.store.update(
            req.session, key, ratelimit.step(limit, now), ttl=ratelimit.lifetime(limit)
        )
    plan.extra += ratelimit.headers(limit, decision, behaviour.limiter, now)
    if not decision.allowed:
        assert behaviour.refused is not None
        plan.response = _build(behaviour.refused, req, params, route.id)
        plan.outcome.rule = f"rate_limit:{behaviour.limiter}"


async def _error_rules(
    state: ServerState,
    behaviour: Behaviour,
    req: BehaviourRequest,
    params: dict[str, Any],
    route: RoutePlan,
    plan: Plan,
    rng: Any,
    now: float,
) -> None:
    """Step 4: the first error rule or fault that fires replaces the answer."""
    session = req.session
    for rule in behaviour.rules:
        since_profile = None
        if rule.spec.window is not None and rule.spec.window.origin == "profile":
            since_profile = await _since_profile(state, session, rule.profile, req, now)
        if not rule.live(now - state.started, since_profile):
            continue
        counter = rule.counter_key
        if counter is not None:
            assert rule.spec.every is not None
            fires: bool = await state.store.update(session, counter, count_step(rule.spec.every))
        else:
            fires = rule.roll(rng)
        if not fires:
            continue
        plan.outcome.rule = rule.id
        if rule.response is not None:
            plan.response = _build(rule.response, req, params, route.id)
        else:
            assert rule.fault is not None
            plan.fault = plan_fault(rule.fault, rng, rule.spec.hold)
            plan.outcome.fault = rule.fault.value
        return


async def _answer(
    state: ServerState,
    req: BehaviourRequest,
    params: dict[str, Any],
    route: RoutePlan,
    plan: Plan,
    rng: Any,
) -> None:
    """Steps 5 and 6: the scenario moves on, the sequence advances or a variant is chosen
    and rendered; on a resource route the session's items then decide."""
    store, session = state.store, req.session
    step = route.scenario
    if step is not None and step.next is not None:
        await store.update(
            session, scenarios.key(step.scenario), scenarios.transition(step.requires, step.next)
        )
    if route.sequence:
        index: int = await store.update(
            session,
            sequences.key(route.id),
            sequences.advance(len(route.sequence), route.sequence_repeat),
        )
        plan.outcome.rule = f"sequence[{index}]"
        plan.response = _build(route.sequence[index], req, params, route.id)
    else:
        variant = route.choose(req, params)
        if variant is None:  # unreachable: routes without a default carry a VariantsCheck
            plan.response = json_response(500, {"error": "no response variant applies"})
        else:
            plan.response = _build(variant.builder, req, params, route.id)
    if route.resource is not None:
        plan.response = await resource_answer(
            route.resource, store, session, req, params, plan.response, rng
        )


async def _since_profile(
    state: ServerState, session: str, profile: str | None, req: BehaviourRequest, now: float
) -> float | None:
    """Seconds since ``profile`` was switched on: globally, or first seen in the session."""
    if profile is None:
        return None
    if state.profile == profile and req.headers.get("x-stubforge-profile") is None:
        return now - state.profile_since
    first: float = await state.store.update(
        session, f"profile-seen:{profile}", lambda old: (old or now, old or now)
    )
    return now - first


def debug_headers(outcome: Outcome) -> Headers:
    out: Headers = [(b"x-stubforge-route", (outcome.route_id or "-").encode("latin-1"))]
    if outcome.rule:
        out.append((b"x-stubforge-rule", outcome.rule.encode("latin-1", errors="replace")))
    if outcome.fault:
        out.append((b"x-stubforge-fault", outcome.fault.encode()))
    out.append((b"x-stubforge-delay", f"{outcome.delay * 1000:.1f}ms".encode()))
    if outcome.profile:
        out.append((b"x-stubforge-profile", outcome.profile.encode("latin-1")))
    if outcome.session:
        out.append((b"x-stubforge-session", outcome.session.encode("latin-1", errors="replace")))
    return out
