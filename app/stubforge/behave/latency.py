"""Latency plans: draw the delay (seconds) a response waits before it starts.

Lognormal fit: with the median p50, mu = ln(p50). Each given percentile pXX yields an
estimate sigma = ln(pXX / p50) / z(XX) (z95 = 1.644854, z99 = 2.326348); with both p95 and
p99 the least-squares sigma over the two, sum(z*ln(pXX/p50)) / sum(z^2).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from stubforge.model.latency import (
    EmpiricalLatency,
    FixedLatency,
    LognormalLatency,
    UniformLatency,
)

Z95 = 1.6448536269514722
Z99 = 2.3263478740408408

Sampler = Callable[[random.Random], float]
LatencySpec = FixedLatency | UniformLatency | LognormalLatency | EmpiricalLatency


def lognormal_params(spec: LognormalLatency) -> tuple[float, float]:
    """(mu, sigma) of the lognormal fitted to the spec's percentiles."""
    mu = math.log(spec.p50)
    pairs = [(z, math.log(p / spec.p50)) for z, p in ((Z95, spec.p95), (Z99, spec.p99)) if p]
    sigma = sum(z * y for z, y in pairs) / sum(z * z for z, _ in pairs)
    return mu, sigma


def sampler(spec: LatencySpec | None) -> Sampler | None:
    """A function drawing one delay from ``rng``; ``None`` when there is no delay."""
    if spec is None:
        return None
    if isinstance(spec, FixedLatency):
        delay = spec.delay
        return None if delay == 0 else (lambda rng: delay)
    if isinstance(spec, UniformLatency):
        lo, hi = spec.min, spec.max
        return lambda rng: rng.uniform(lo, hi)
    if isinstance(spec, LognormalLatency):
        mu, sigma = lognormal_params(spec)
        cap = spec.max
        if cap is None:
            return lambda rng: rng.lognormvariate(mu, sigma)
        return lambda rng: min(cap, rng.lognormvariate(mu, sigma))
    samples = list(spec.samples)
    return lambda rng: rng.choice(samples)


def scaled(draw: Sampler | None, factor: float) -> Sampler | None:
    """``draw`` with every delay multiplied by ``factor`` (a profile's or the server's)."""
    if draw is None or factor == 1.0:
        return draw
    inner = draw
    return lambda rng: inner(rng) * factor
