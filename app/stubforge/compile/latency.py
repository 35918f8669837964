"""Latency inference: a lognormal fitted to the samples, or the samples themselves.

The rule (documented in ``docs/compiler.md``):

* fewer than :data:`MIN_SAMPLES` samples → no route latency (the service-wide fit, in the
  file's ``defaults``, applies);
* the log-samples are tested for normality with the Kolmogorov-Smirnov statistic against
  the normal distribution with their own mean and standard deviation (Lilliefors' test,
  critical value 0.886/√n at the 5 % level);
* spread under 1 % (standard deviation of the logs < 0.01) → ``fixed`` at the median;
* passes the test → ``lognormal`` with ``p50 = exp(mean of logs)`` and ``p95``/``p99`` of the fit;
* fails (bimodal, heavy tail, clipped) → ``empirical`` with up to :data:`MAX_SAMPLES`
  evenly spaced quantiles of the observed samples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from stubforge.model.duration import format_duration

MIN_SAMPLES = 20
MAX_SAMPLES = 100
Z95, Z99 = 1.6449, 2.3263


@dataclass(frozen=True)
class LatencyFit:
    """The inferred distribution (stub-file data) and what was observed."""

    spec: dict[str, Any] | str
    n: int
    p50: float
    p95: float
    p99: float
    kind: str
    ks: float
    critical: float

    def comment(self) -> str:
        return (
            f"latency: {self.kind} from {self.n} samples; observed p50 {_ms(self.p50)}, "
            f"p95 {_ms(self.p95)}, p99 {_ms(self.p99)}; KS {self.ks:.3f} "
            f"(lognormal if <= {self.critical:.3f})"
        )


def _ms(seconds: float) -> str:
    return format_duration(round(seconds, 4))


def quantile(sorted_values: list[float], q: float) -> float:
    """Linear-interpolated quantile of sorted values."""
    if not sorted_values:
        return 0.0
    pos = q * (len(sorted_values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _dur(seconds: float) -> str:
    return format_duration(max(round(seconds, 4), 0.0001))


def fit_latency(samples: list[float]) -> LatencyFit | None:
    """Fit ``samples`` (seconds); None when there are too few."""
    values = sorted(s for s in samples if s > 0)
    n = len(values)
    if n < MIN_SAMPLES:
        return None
    p50, p95, p99 = (quantile(values, q) for q in (0.5, 0.95, 0.99))
    logs = [math.log(v) for v in values]
    mu = sum(logs) / n
    sigma = math.sqrt(sum((x - mu) ** 2 for x in logs) / (n - 1))
    critical = 0.886 / math.sqrt(n)
    if sigma < 0.01:
        return LatencyFit(_dur(p50), n, p50, p95, p99, "fixed", 0.0, critical)
    ks = 0.0
    for i, x in enumerate(logs):
        cdf = _phi((x - mu) / sigma)
        ks = max(ks, (i + 1) / n - cdf, cdf - i / n)
    if ks <= critical:
        spec = {
            "p50": _dur(math.exp(mu)),
            "p95": _dur(math.exp(mu + Z95 * sigma)),
            "p99": _dur(math.exp(mu + Z99 * sigma)),
        }
        if spec["p95"] == spec["p50"] or spec["p99"] == spec["p95"]:
            return LatencyFit(_dur(p50), n, p50, p95, p99, "fixed", ks, critical)
        return LatencyFit(spec, n, p50, p95, p99, "lognormal", ks, critical)
    k = min(n, MAX_SAMPLES)
    picks = [quantile(values, (i + 0.5) / k) for i in range(k)]
    return LatencyFit(
        {"samples": [_dur(v) for v in picks]}, n, p50, p95, p99, "empirical", ks, critical
    )
