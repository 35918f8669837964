"""The pure behaviour plans: rate-limit algorithms, windows, sequences, dribble, latency fit."""

from __future__ import annotations

import math
import random

import pytest
from pydantic import TypeAdapter

from stubforge.behave import ratelimit, sequences
from stubforge.behave.dribble import pieces
from stubforge.behave.errors import in_window
from stubforge.behave.latency import lognormal_params
from stubforge.behave.rng import RandomStreams
from stubforge.model.dribble import Dribble
from stubforge.model.errors import ErrorWindow
from stubforge.model.latency import LognormalLatency
from stubforge.model.ratelimit import RateLimit

LIMIT: TypeAdapter[RateLimit] = TypeAdapter(RateLimit)


def _run(spec: RateLimit, times: list[float]) -> list[bool]:
    state = None
    out = []
    for t in times:
        state, decision = ratelimit.step(spec, t)(state)
        out.append(decision.allowed)
    return out


def test_fixed_window_resets_on_the_clock_boundary() -> None:
    spec = LIMIT.validate_python({"limit": 2, "per": "10s"})
    assert _run(spec, [1, 2, 3, 9.9, 10, 11, 12]) == [True, True, False, False, True, True, False]


def test_sliding_window_counts_the_last_period() -> None:
    spec = LIMIT.validate_python({"algorithm": "sliding_window", "limit": 2, "per": "10s"})
    assert _run(spec, [1, 2, 10.5, 11.1, 12.1]) == [True, True, False, True, True]


def test_token_bucket_bursts_then_refills() -> None:
    spec = LIMIT.validate_python({"algorithm": "token_bucket", "limit": 1, "per": "1s", "burst": 3})
    assert _run(spec, [0, 0, 0, 0, 1.0, 1.0]) == [True, True, True, False, True, False]


def test_windows_with_repeat() -> None:
    window = ErrorWindow.model_validate({"start": "50s", "duration": "10s", "repeat": "60s"})
    assert [in_window(window, t) for t in (0, 49, 50, 59.9, 60, 110, 125)] == [
        False,
        False,
        True,
        True,
        False,
        True,
        False,
    ]


def test_sequence_positions() -> None:
    state, seen = None, []
    for _ in range(4):
        state, index = sequences.advance(3, repeat=False)(state)
        seen.append(index)
    assert seen == [0, 1, 2, 2]


def test_dribble_pieces_cover_the_body() -> None:
    parts, pause = pieces(Dribble.model_validate({"chunks": 4, "duration": "3s"}), b"abcdefgh")
    assert parts == [b"ab", b"cd", b"ef", b"gh"] and pause == pytest.approx(1.0)
    parts, pause = pieces(Dribble(bytes_per_second=50), b"x" * 12)
    assert b"".join(parts) == b"x" * 12 and pause == pytest.approx(0.1)


def test_lognormal_fit_hits_the_percentiles() -> None:
    spec = LognormalLatency.model_validate({"p50": "80ms", "p99": "400ms"})
    mu, sigma = lognormal_params(spec)
    assert math.exp(mu) == pytest.approx(0.08)
    assert math.exp(mu + 2.3263478740408408 * sigma) == pytest.approx(0.4)
    rng = random.Random(1)
    draws = sorted(rng.lognormvariate(mu, sigma) for _ in range(100_000))
    assert draws[50_000] == pytest.approx(0.08, rel=0.02)
    assert draws[99_000] == pytest.approx(0.4, rel=0.05)


def test_seeded_streams_are_independent_per_session_and_route() -> None:
    a, b = RandomStreams(1), RandomStreams(1)
    first = [a.stream("s", "r").random() for _ in range(3)]
    b.stream("other", "r").random()
    assert [b.stream("s", "r").random() for _ in range(3)] == first
    assert a.stream("s", "r2").random() != first[0]
