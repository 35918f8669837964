"""Serving metrics, counted on the hot path with plain dict increments.

:meth:`Metrics.observe` is a replay observer. Rendering in the Prometheus text format is
the admin side's job (:mod:`stubforge.admin.metrics`).
"""

from __future__ import annotations

import time
from array import array
from bisect import bisect_left
from collections.abc import Iterator

from stubforge.serve.outcome import Outcome

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
_ROW = _FIRST_BUCKET + len(LATENCY_BUCKETS) + 1
"""Width of one (route, method, status) row: count, sum of durations, bucket counts."""
_ZERO_ROW = array("d", [0.0] * _ROW)


class Metrics:
    """Counters of what the replay path served since start (or the last reset).

    The hot path touches one row per (route, method, status) in a single flat array of
    doubles: its request count, the sum of durations and the histogram buckets lie side
    by side, with no number objects to allocate or free. Traffic spread over thousands of
    routes therefore costs one dictionary lookup and a cache line or two per request.
    ``requests`` and ``latency`` are derived when the metrics are read.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.started = time.time()
        self.rows: dict[tuple[str, str, int], int] = {}
        """(route id or "" when unmatched, method, status) → offset of its row in ``data``."""
        self.data = array("d")
        """The rows: [count, sum, bucket 0, ..., bucket +Inf] each."""
        self.faults: dict[tuple[str, str], int] = {}
        """(route id, fault) → count."""
        self.rules: dict[tuple[str, str], int] = {}
        """(route id, behaviour rule) → count."""
        self.delay_seconds = 0.0
        """Total injected delay."""
        self.unmatched = 0
        self.passthrough: dict[tuple[str, int], int] = {}
        """(upstream, status) → requests forwarded to the real upstream."""

    def _row(self, key: tuple[str, str, int]) -> int:
        offset = self.rows[key] = len(self.data)
        self.data.extend(_ZERO_ROW)
        return offset

    def _cells(self) -> Iterator[tuple[tuple[str, str, int], array[float]]]:
        data = self.data
        for key, offset in list(self.rows.items()):
            yield key, data[offset : offset + _ROW]

    @property
    def requests(self) -> dict[tuple[str, str, int], int]:
        """(route id or "" when unmatched, method, status) → count."""
        return {key: int(row[_COUNT]) for key, row in self._cells()}

    @property
    def latency(self) -> dict[str, Histogram]:
        """route id → histogram of seconds from arrival to the end of the response."""
        out: dict[str, Histogram] = {}
        for (route, _method, _status), row in self._cells():
            hist = out.get(route)
            if hist is None:
                hist = out[route] = Histogram()
            hist.count += int(row[_COUNT])
            hist.sum += row[_SUM]
            for i, n in enumerate(row[_FIRST_BUCKET:]):
                hist.buckets[i] += int(n)
        return out

    def observe(self, o: Outcome) -> None:
        route = o.route_id
        if route is None:
            route = UNMATCHED
            self.unmatched += 1
        rows = self.rows
        memo = o.memo
        if memo is not None and memo.owner is rows:
            offset = memo.value
        else:
            key = (route, o.request.method, o.status)
            found = rows.get(key)
            offset = self._row(key) if found is None else found
            if memo is not None:  # remember the row on the route (until the next reset)
                memo.owner, memo.value = rows, offset
        data = self.data
        duration = o.duration
        data[offset] += 1
        data[offset + _SUM] += duration
        data[offset + _FIRST_BUCKET + bisect_left(LATENCY_BUCKETS, duration)] += 1
        if o.delay:
            self.delay_seconds += o.delay
        if o.fault is not None:
            fk = (route, o.fault)
            self.faults[fk] = self.faults.get(fk, 0) + 1
        if o.rule is not None:
            rk = (route, o.rule)
            self.rules[rk] = self.rules.get(rk, 0) + 1
        if o.passthrough is not None:
            pk = (o.passthrough, o.status)
            self.passthrough[pk] = self.passthrough.get(pk, 0) + 1

    def rate_limited(self) -> dict[str, int]:
        """429 responses per route."""
        out: dict[str, int] = {}
        for (route, _method, status), row in self._cells():
            if status == 429:
                out[route] = out.get(route, 0) + int(row[_COUNT])
        return out
