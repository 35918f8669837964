"""Profiles: merge a named overlay into a route's behaviour, once, at load time.

The result for each route is one :class:`BehaviourSpec` per profile (plus the base one
under ``None``), so choosing a profile per request is a dictionary lookup.

Overlay rules: ``latency`` replaces the route's; ``latency_multiplier`` multiplies (the
server's ``--latency-multiplier`` multiplies again); ``errors`` are evaluated *before* the
route's own; ``rate_limit`` replaces the route's, with its own counters; ``dribble``
replaces the route's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from stubforge.model.dribble import Dribble
from stubforge.model.errors import ErrorRule
from stubforge.model.latency import (
    EmpiricalLatency,
    FixedLatency,
    LognormalLatency,
    UniformLatency,
)
from stubforge.model.profile import Profile
from stubforge.model.ratelimit import RateLimit
from stubforge.model.stub import Defaults, Route

LatencySpec = FixedLatency | UniformLatency | LognormalLatency | EmpiricalLatency


@dataclass(frozen=True, slots=True)
class NamedRule:
    id: str
    rule: ErrorRule
    profile: str | None = None


@dataclass(frozen=True, slots=True)
class BehaviourSpec:
    """Everything that shapes a route's answer apart from its response."""

    latency: LatencySpec | None = None
    multiplier: float = 1.0
    errors: tuple[NamedRule, ...] = ()
    rate_limit: RateLimit | None = None
    limiter: str = ""
    """The counter namespace of ``rate_limit`` (shared by routes with the same scope)."""
    dribble: Dribble | None = None
    profile: str | None = None

    @property
    def is_plain(self) -> bool:
        """No behaviour but (possibly) latency: the fast path."""
        return not self.errors and self.rate_limit is None and self.dribble is None


def _limiter(limit: RateLimit, route_id: str, file: str) -> str:
    if limit.scope == "global":
        return "global"
    if limit.scope == "file":
        return f"file:{file}"
    return f"route:{route_id}"


def base(route: Route, route_id: str, defaults: Defaults, file: str) -> BehaviourSpec:
    """The route's behaviour without a profile (route settings over file defaults)."""
    rules = defaults.errors if route.errors is None else route.errors
    limit = route.rate_limit or defaults.rate_limit
    return BehaviourSpec(
        latency=route.latency or defaults.latency,
        errors=tuple(NamedRule(r.id or f"{route_id}:errors[{i}]", r) for i, r in enumerate(rules)),
        rate_limit=limit,
        limiter=_limiter(limit, route_id, file) if limit is not None else "",
        dribble=route.dribble or defaults.dribble,
    )


def overlay(
    spec: BehaviourSpec, name: str, profile: Profile, route_id: str, file: str
) -> BehaviourSpec:
    """``spec`` with profile ``name`` applied (unchanged if the profile skips the route)."""
    if profile.routes is not None and route_id not in profile.routes:
        return replace(spec, profile=name)
    added = tuple(
        NamedRule(r.id or f"{name}:errors[{i}]", r, name) for i, r in enumerate(profile.errors)
    )
    limit, limiter = spec.rate_limit, spec.limiter
    if profile.rate_limit is not None:
        limit = profile.rate_limit
        limiter = f"profile:{name}:" + _limiter(limit, route_id, file)
    return BehaviourSpec(
        latency=profile.latency or spec.latency,
        multiplier=spec.multiplier * profile.latency_multiplier,
        errors=added + spec.errors,
        rate_limit=limit,
        limiter=limiter,
        dribble=profile.dribble or spec.dribble,
        profile=name,
    )
