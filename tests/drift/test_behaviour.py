"""Behaviour as distributions: percentiles of latency models, the error-rate interval, and
the rate limit a provider advertises."""

from __future__ import annotations

import pytest

from stubforge.compile.exchange import NO_JSON, Exchange
from stubforge.drift.behaviour import (
    advertised_limit,
    model_percentiles,
    percentile,
    quantile_bounds,
    wilson,
)
from stubforge.model.latency import FixedLatency, LognormalLatency, UniformLatency


def _answer(**headers: str) -> Exchange:
    return Exchange(
        0, 0.0, "http", "h", "GET", "/", [], {}, None, NO_JSON,
        200, dict(headers), None, None, NO_JSON, "", 0.0, None,
    )  # fmt: skip


def test_percentile_interpolates() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([5.0], 0.99) == 5.0


def test_model_percentiles() -> None:
    assert model_percentiles(FixedLatency(delay="100ms")) == (0.1, 0.1)
    assert model_percentiles(UniformLatency(min="0s", max="1s")) == (0.5, 0.99)
    p50, p99 = model_percentiles(LognormalLatency(p50="100ms", p95="200ms"))
    assert p50 == 0.1 and p99 == pytest.approx(0.1 * 2 ** (2.3263 / 1.6449))


def test_quantile_bounds_need_enough_answers() -> None:
    assert quantile_bounds([1.0, 2.0, 3.0, 4.0], 0.5) == (None, None)
    assert quantile_bounds([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == (1.0, 5.0)
    twenty = [float(i) for i in range(1, 21)]
    assert quantile_bounds(twenty, 0.99) == (19.0, None)  # can be shown slower, not faster


def test_wilson_interval() -> None:
    lo, hi = wilson(0, 10)
    assert lo == 0.0 and 0.27 < hi < 0.28
    lo, hi = wilson(5, 10)
    assert lo < 0.5 < hi and lo == pytest.approx(1 - hi)


def test_advertised_limit_and_window() -> None:
    answers = [
        _answer(**{"x-ratelimit-limit": "100", "ratelimit-policy": "100;w=60"}),
        _answer(**{"ratelimit-limit": "100"}),
    ]
    assert advertised_limit(answers) == (100, 60.0)
    assert advertised_limit([_answer()]) == (None, None)
