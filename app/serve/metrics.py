"""Serving metrics, counted on the hot path with plain dict increments.

:meth:`Metrics.observe` is a replay observer. Rendering in the Prometheus text format is
the admin side's job (:mod:`app.admin.metrics`).
"""

from __future__ import annotations

import time
from bisect import bisect_left

from app.serve.outcome import Outcome

UNMATCHED = ""
"""The route label of requests no stub matched."""

LATENCY_BUCKETS: tuple[float, ...] = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)
"""Upper bounds (seconds) of the served-latency histogram; ``+Inf`` is implicit."""


class Histogram:
    """Counts per bucket (not cumulative; the renderer accumulates) plus sum and count."""

    __slots__ = ("buckets", "count", "sum")

    def __init__(self) -> None:
        self.buckets = [0] * (len(LATENCY_BUCKETS) + 1)
        self.sum = 0.0
        self.count = 0

    def observe(self, value: float) -> None:
        self.buckets[bisect_left(LATENCY_BUCKETS, value)] += 1
        self.sum += value
        self.count += 1


class Metrics:
    """Counters of what the replay path served since start (or the last reset)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.started = time.time()
        self.requests: dict[tuple[str, str, int], int] = {}
        """(route id or "" when unmatched, method, status) → count."""
        self.faults: dict[tuple[str, str], int] = {}
        """(route id, fault) → count."""
        self.rules: dict[tuple[str, str], int] = {}
        """(route id, behaviour rule) → count."""
        self.latency: dict[str, Histogram] = {}
        """route id → histogram of seconds from arrival to the end of the response."""
        self.delay_seconds = 0.0
        """Total injected delay."""
        self.unmatched = 0

    def observe(self, o: Outcome) -> None:
        route = o.route_id
        if route is None:
            route = UNMATCHED
            self.unmatched += 1
        key = (route, o.request.method, o.status)
        requests = self.requests
        requests[key] = requests.get(key, 0) + 1
        hist = self.latency.get(route)
        if hist is None:
            hist = self.latency[route] = Histogram()
        hist.observe(o.duration)
        if o.delay:
            self.delay_seconds += o.delay
        if o.fault is not None:
            fk = (route, o.fault)
            self.faults[fk] = self.faults.get(fk, 0) + 1
        if o.rule is not None:
            rk = (route, o.rule)
            self.rules[rk] = self.rules.get(rk, 0) + 1

    def rate_limited(self) -> dict[str, int]:
        """429 responses per route."""
        out: dict[str, int] = {}
        for (route, _method, status), n in self.requests.items():
            if status == 429:
                out[route] = out.get(route, 0) + n
        return out
