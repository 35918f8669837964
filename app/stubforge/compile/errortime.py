"""When errors happened: spread at random, every Nth request, or clustered in an outage.

For one kind of error on a route (a distinct error response or fault) at positions ``p``
among the route's ``n`` requests in time order:

* **Periodic**: at least 3 errors, exactly ``N`` requests apart, none missing at either end
  → ``every: N``.
* **Clustered**: the scan statistic. For ``m`` from all ``k`` errors down to 80 % of them,
  take the shortest run of ``L`` consecutive requests holding ``m`` errors. If the errors
  were placed uniformly at random, the chance that *some* run of length ``L`` holds ``m``
  or more is at most ``(n - L + 1) · P[Hypergeometric(n, k, L) >= m]`` (a union bound
  over the runs). Below :data:`ALPHA` the errors are an outage: a rule with
  ``window: {start, duration}`` counted from the start of the recording (the first
  exchange of the compile), firing always, or with the rate observed inside the window
  when it was under 95 %. Errors outside the window stay a flat rate.
* Otherwise: a flat ``rate``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

ALPHA = 1e-3
"""How unlikely under uniform placement a cluster must be to become a window."""
MIN_ERRORS = 3
"""Fewer errors than this are never a pattern."""
ALWAYS = 0.95
"""Inside a window, a rate at or above this becomes "always"."""


@dataclass(frozen=True)
class Periodic:
    """Every ``every``-th request failed."""

    every: int


@dataclass(frozen=True)
class Window:
    """``count`` of the errors fell in requests ``first``..``last`` (positions), a run of
    ``length`` requests, with ``p_value`` under uniform placement."""

    first: int
    last: int
    count: int
    length: int
    p_value: float


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _tail(n: int, k: int, draws: int, m: int) -> float:
    """P[X >= m] for X ~ Hypergeometric(population n, k successes, ``draws`` drawn)."""
    total = _log_comb(n, draws)
    top = min(k, draws)
    return min(
        1.0,
        sum(
            math.exp(_log_comb(k, j) + _log_comb(n - k, draws - j) - total)
            for j in range(m, top + 1)
            if draws - j <= n - k
        ),
    )


def periodic(positions: list[int], n: int) -> Periodic | None:
    """``every: N`` when the errors are exactly every Nth request."""
    if len(positions) < MIN_ERRORS:
        return None
    gaps = {b - a for a, b in itertools.pairwise(positions)}
    if len(gaps) != 1:
        return None
    (step,) = gaps
    if step < 2 or positions[0] >= step or n - 1 - positions[-1] >= step:
        return None
    return Periodic(step)


def clustered(positions: list[int], n: int) -> Window | None:
    """The window holding most of the errors, when they are too concentrated to be chance."""
    k = len(positions)
    if k < MIN_ERRORS or n < 2 * k:
        return None
    for m in range(k, max(MIN_ERRORS, math.ceil(0.8 * k)) - 1, -1):
        best = min(range(k - m + 1), key=lambda i: (positions[i + m - 1] - positions[i], i))
        length = positions[best + m - 1] - positions[best] + 1
        if 2 * length > n:
            continue
        p_value = min(1.0, (n - length + 1) * _tail(n, k, length, m))
        if p_value < ALPHA:
            return Window(positions[best], positions[best + m - 1], m, length, p_value)
    return None
