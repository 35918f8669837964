"""Behaviour compared as distributions: latency percentiles, error rate, rate limits.

* **Latency**: the answers' p50 and p99 against the route's own latency model (the
  compiler writes one for routes with enough answers; a file-wide default mixes every
  route's latencies and says little about one route, so it is not compared). A move
  counts when a one-sided 95 % confidence bound of the percentile (an order statistic,
  from the binomial distribution) is beyond ``tolerance`` (default ±25 %) *and* beyond
  ``floor`` (default 10ms): "slower" needs the lower bound above the threshold, "faster"
  the upper bound below it. A few slow answers (a busy machine, one scheduler hiccup) do
  not make a slower provider: the p50 needs 5 answers to be tested at all (all 5 slow),
  the p99 50 (the third slowest of 50 is then its lower bound): real machines have
  heavier tails than any sample of a few answers shows, so a smaller p99 test would
  report every hiccup.
* **Error rate**: 5xx, 408 and faults among the answers (429s left out). The route's
  rate (its error rules combined) must lie in the 95 % Wilson score interval of the
  observed rate; rules with time windows make the rate unknown and skip the test.
* **Rate limit**: the limit (and window) the provider advertises in ``X-RateLimit-Limit``
  / ``RateLimit-Limit`` / ``RateLimit-Policy`` against the route's ``rate_limit``; a 429
  on a route without one is a new limit.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from stubforge.compile.behaviour import is_error, is_throttled
from stubforge.compile.exchange import Exchange
from stubforge.drift.expected import RouteStubs
from stubforge.drift.findings import Category, Finding
from stubforge.model.duration import format_duration
from stubforge.model.latency import (
    EmpiricalLatency,
    FixedLatency,
    Latency,
    LognormalLatency,
    UniformLatency,
)

Z95, Z99 = 1.6449, 2.3263
_POLICY = re.compile(r"^\s*(\d+)\s*(?:;.*?\bw=(\d+))?")


@dataclass(frozen=True)
class Thresholds:
    """When a behaviour change counts."""

    tolerance: float = 0.25
    floor: float = 0.010
    """Seconds: latency moves smaller than this never count."""


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation."""
    data = sorted(values)
    if not data:
        return 0.0
    pos = (len(data) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def model_percentiles(latency: Latency) -> tuple[float, float]:
    """(p50, p99) of a latency model, in seconds."""
    if isinstance(latency, FixedLatency):
        return latency.delay, latency.delay
    if isinstance(latency, UniformLatency):
        span = latency.max - latency.min
        return latency.min + span / 2, latency.min + span * 0.99
    if isinstance(latency, LognormalLatency):
        p99 = latency.p99
        if p99 is None and latency.p95 is not None:
            sigma = math.log(latency.p95 / latency.p50) / Z95
            p99 = latency.p50 * math.exp(Z99 * sigma)
        return latency.p50, p99 if p99 is not None else latency.p50
    assert isinstance(latency, EmpiricalLatency)
    samples = list(latency.samples)
    return percentile(samples, 0.5), percentile(samples, 0.99)


CONFIDENCE = 0.95
MIN_ANSWERS = {"p50": 5, "p99": 50}


def _at_least(n: int, q: float, k: int) -> float:
    """P(Binomial(n, q) >= k)."""
    return sum(math.comb(n, i) * q**i * (1 - q) ** (n - i) for i in range(k, n + 1))


def quantile_bounds(
    values: list[float], q: float, conf: float = CONFIDENCE
) -> tuple[float | None, float | None]:
    """One-sided ``conf`` bounds of the ``q`` quantile: the largest order statistic below
    it and the smallest above it with that confidence (None when ``values`` are too few).

    ``X(k) <= quantile`` holds with probability P(Binomial(n, q) >= k).
    """
    data = sorted(values)
    n = len(data)
    lower = upper = None
    for k in range(1, n + 1):
        if _at_least(n, q, k) >= conf:
            lower = data[k - 1]
        else:
            break
    for k in range(1, n + 1):
        if 1.0 - _at_least(n, q, k) >= conf:
            upper = data[k - 1]
            break
    return lower, upper


def _moved(
    expected: float, bounds: tuple[float | None, float | None], limits: Thresholds
) -> float | None:
    """The bound that shows a move beyond the thresholds, or None."""
    margin = max(limits.floor, limits.tolerance * expected)
    lower, upper = bounds
    if lower is not None and lower - expected > margin:
        return lower
    if upper is not None and expected - upper > margin:
        return upper
    return None


def latency_findings(
    stubs: RouteStubs, answers: list[Exchange], limits: Thresholds
) -> list[Finding]:
    if stubs.route.latency is None:
        return []
    times = [ex.latency for ex in answers if not ex.failed and not is_throttled(ex)]
    if not times:
        return []
    exp50, exp99 = model_percentiles(stubs.route.latency)
    out = []
    for name, q, expected in (("p50", 0.5, exp50), ("p99", 0.99, exp99)):
        if len(times) < MIN_ANSWERS[name]:
            continue
        bound = _moved(expected, quantile_bounds(times, q), limits)
        if bound is None:
            continue
        observed = percentile(times, q)
        change = (observed - expected) / expected if expected > 0 else math.inf
        side = "at least" if bound > expected else "at most"
        out.append(
            Finding(
                Category.BEHAVIOURAL,
                f"latency-{name}",
                f"latency {name} {format_duration(expected)} → {format_duration(observed)} "
                f"({change:+.0%}; {side} {format_duration(bound)} with 95% confidence; "
                f"threshold ±{limits.tolerance:.0%}, {len(times)} answers)",
                (
                    f"- stub: {name} {format_duration(expected)}",
                    f"+ provider: {name} {format_duration(observed)}",
                ),
            )
        )
    return out


def wilson(errors: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of ``errors / total``."""
    if total == 0:
        return 0.0, 1.0
    p = errors / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def error_rate_findings(stubs: RouteStubs, answers: list[Exchange]) -> list[Finding]:
    if stubs.error_rate is None:
        return []
    counted = [ex for ex in answers if not is_throttled(ex)]
    errors = [ex for ex in counted if is_error(ex)]
    if not counted or len(errors) == len(counted):
        return []  # nothing to compare, or a storm: unreachable, reported elsewhere
    lo, hi = wilson(len(errors), len(counted))
    if lo <= stubs.error_rate <= hi:
        return []
    kinds = Counter(ex.fault or str(ex.status) for ex in errors)
    shown = ", ".join(f"{k} x{n}" for k, n in sorted(kinds.items())) or "none"
    return [
        Finding(
            Category.BEHAVIOURAL,
            "error-rate",
            f"error rate {stubs.error_rate:.1%} → {len(errors) / len(counted):.1%} "
            f"({len(errors)} of {len(counted)}; 95% interval {lo:.1%}..{hi:.1%})",
            (f"- stub: {stubs.error_rate:.1%} (errors rules)", f"+ provider: {shown}"),
        )
    ]


def advertised_limit(answers: list[Exchange]) -> tuple[int | None, float | None]:
    """The most common limit (and window, seconds) the provider advertises."""
    limits: Counter[int] = Counter()
    windows: Counter[float] = Counter()
    for ex in answers:
        h = ex.resp_headers
        for name in ("x-ratelimit-limit", "ratelimit-limit", "ratelimit-policy"):
            m = _POLICY.match(h.get(name, ""))
            if m is not None:
                limits[int(m.group(1))] += 1
                break
        m = _POLICY.match(h.get("ratelimit-policy", ""))
        if m is not None and m.group(2):
            windows[float(m.group(2))] += 1
    limit = limits.most_common(1)[0][0] if limits else None
    window = windows.most_common(1)[0][0] if windows else None
    return limit, window


def rate_limit_findings(stubs: RouteStubs, answers: list[Exchange]) -> list[Finding]:
    spec = stubs.rate_limit
    limit, window = advertised_limit(answers)
    throttled = sum(1 for ex in answers if is_throttled(ex))
    if spec is None:
        if not throttled:
            return []
        return [
            Finding(
                Category.BEHAVIOURAL,
                "rate-limit-new",
                f"{throttled} of {len(answers)} answers were 429 where the stubs set no "
                "rate limit" + (f" (provider advertises {limit})" if limit else ""),
                ("- stub: no rate_limit", f"+ provider: 429 x{throttled}"),
            )
        ]
    changes = []
    if limit is not None and limit != spec.limit:
        changes.append(f"limit {spec.limit} → {limit}")
    if window is not None and abs(window - spec.per) > 1e-9:
        changes.append(f"window {format_duration(spec.per)} → {format_duration(window)}")
    if not changes:
        return []
    return [
        Finding(
            Category.BEHAVIOURAL,
            "rate-limit-changed",
            "rate limit: " + ", ".join(changes),
            (
                f"- stub: rate_limit {spec.limit} per {format_duration(spec.per)}",
                f"+ provider: {limit} per "
                + (format_duration(window) if window is not None else "(window not advertised)"),
            ),
        )
    ]


def behaviour_findings(
    stubs: RouteStubs, answers: list[Exchange], limits: Thresholds
) -> list[Finding]:
    """Latency, error-rate and rate-limit findings for every answer of a route."""
    return [
        *latency_findings(stubs, answers, limits),
        *error_rate_findings(stubs, answers),
        *rate_limit_findings(stubs, answers),
    ]
