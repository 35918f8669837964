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


_COUNT, _SUM, _FIRST_BUCKET = 0, 1, 2


class Metrics:
    """Counters of what the replay path served since start (or the last reset).

    The hot path touches one list per (route, method, status): its request count, the sum
    of durations and the histogram buckets live together, so that traffic spread over
    thousands of routes costs one dictionary lookup and one small list per request.
    ``requests`` and ``latency`` are derived when the metrics are read.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.started = time.time()
        self.cells: dict[tuple[str, str, int], list[float]] = {}
        """(route id or "" when unmatched, method, status) → [count, sum, buckets...]."""
        self.faults: dict[tuple[str, str], int] = {}
        """(route id, fault) → count."""
        self.rules: dict[tuple[str, str], int] = {}
        """(route id, behaviour rule) → count."""
        self.delay_seconds = 0.0
        """Total injected delay."""
        self.unmatched = 0

    @property
    def requests(self) -> dict[tuple[str, str, int], int]:
        """(route id or "" when unmatched, method, status) → count."""
        return {key: int(cell[_COUNT]) for key, cell in self.cells.items()}

    @property
    def latency(self) -> dict[str, Histogram]:
        """route id → histogram of seconds from arrival to the end of the response."""
        out: dict[str, Histogram] = {}
        for (route, _method, _status), cell in self.cells.items():
            hist = out.get(route)
            if hist is None:
                hist = out[route] = Histogram()
            hist.count += int(cell[_COUNT])
            hist.sum += cell[_SUM]
            for i, n in enumerate(cell[_FIRST_BUCKET:]):
                hist.buckets[i] += int(n)
        return out

    def observe(self, o: Outcome) -> None:
        route = o.route_id
        if route is None:
            route = UNMATCHED
            self.unmatched += 1
        key = (route, o.request.method, o.status)
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = [0, 0.0] + [0] * (len(LATENCY_BUCKETS) + 1)
        duration = o.duration
        cell[_COUNT] += 1
        cell[_SUM] += duration
        cell[_FIRST_BUCKET + bisect_left(LATENCY_BUCKETS, duration)] += 1
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
        for (route, _method, status), cell in self.cells.items():
            if status == 429:
                out[route] = out.get(route, 0) + int(cell[_COUNT])
        return out
