"""What happened to one replayed request, handed to observers (journal, metrics) after
the response is sent. Observers must be fast and must not raise."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from stubforge.match.request import Request

NO_PARAMS: Mapping[str, Any] = MappingProxyType({})
"""The path parameters of an outcome without any: one shared read-only mapping, so that
the journal does not keep an empty dict per request."""


class RouteMemo:
    """A place on a route where an observer may remember something about it: the metrics
    keep the offset of the route's row there, so a request for a static route finds its
    counters without a dictionary lookup. ``owner`` says whose value it is (a stale or
    foreign value is recomputed)."""

    __slots__ = ("owner", "value")

    def __init__(self) -> None:
        self.owner: object = None
        self.value: int = 0


@dataclass(slots=True)
class Outcome:
    request: Request
    started: float
    """Wall-clock time the request arrived (``time.time()``)."""
    status: int = 0
    """Status sent (0 when a fault sent none)."""
    route_id: str | None = None
    """The matched route, or ``None`` when unmatched."""
    params: Mapping[str, Any] = field(default_factory=lambda: NO_PARAMS)
    near_misses: list[dict[str, Any]] | None = None
    """For unmatched requests: the closest routes and what differed."""
    session: str | None = None
    """The ``X-Stubforge-Session`` id, if any."""
    profile: str | None = None
    """The profile in force for this request, if any."""
    delay: float = 0.0
    """Injected delay in seconds."""
    fault: str | None = None
    """The wire fault injected, if any."""
    rule: str | None = None
    """Which behaviour rule decided the response (an error rule, a rate limit...)."""
    duration: float = 0.0
    """Seconds from arrival to the end of the response."""
    memo: RouteMemo | None = None
    """The answering route's memo, when it has one (static routes do)."""
    passthrough: str | None = None
    """The upstream the request was forwarded to (``--on-miss proxy|record``), if any."""


Observer = Callable[[Outcome], None]
