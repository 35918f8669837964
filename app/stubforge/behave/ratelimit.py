"""Rate limiting: the three algorithms as pure steps over a stored state, the counter key
for a request, and the headers every response carries.

Each algorithm is ``step(state, now) -> (new_state, Decision)``; the caller applies it
through the store's atomic ``update``, which is what makes the limit exact under
concurrency (with limit 100, exactly 100 of 1,000 simultaneous requests pass).

- fixed window: windows aligned to the clock (``floor(now / per)``); state ``[start, n]``;
- sliding window: an exact log of the accepted requests in the last ``per``;
- token bucket: ``[tokens, last]``; ``limit / per`` tokens per second up to ``burst``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from stubforge.match.request import Request
from stubforge.model.ratelimit import FixedWindow, RateLimit, SlidingWindow, TokenBucket


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset: float
    """Seconds until the limit is fully available again (window end / bucket full)."""
    retry_after: float
    """Seconds until a refused request could pass (0 when allowed)."""


def fixed_window(spec: FixedWindow, state: Any, now: float) -> tuple[Any, Decision]:
    start = math.floor(now / spec.per) * spec.per
    count = state[1] if state and state[0] == start else 0
    reset = start + spec.per - now
    if count >= spec.limit:
        return [start, count], Decision(False, spec.limit, 0, reset, reset)
    count += 1
    return [start, count], Decision(True, spec.limit, spec.limit - count, reset, 0.0)


def sliding_window(spec: SlidingWindow, state: Any, now: float) -> tuple[Any, Decision]:
    horizon = now - spec.per
    log = [t for t in (state or ()) if t > horizon]
    if len(log) >= spec.limit:
        wait = log[0] + spec.per - now
        return log, Decision(False, spec.limit, 0, log[-1] + spec.per - now, wait)
    log.append(now)
    return log, Decision(True, spec.limit, spec.limit - len(log), log[0] + spec.per - now, 0.0)


def token_bucket(spec: TokenBucket, state: Any, now: float) -> tuple[Any, Decision]:
    capacity = spec.capacity
    rate = spec.limit / spec.per
    tokens, last = (state[0], state[1]) if state else (float(capacity), now)
    tokens = min(float(capacity), tokens + max(0.0, now - last) * rate)
    if tokens >= 1.0:
        tokens -= 1.0
        full = (capacity - tokens) / rate
        return [tokens, now], Decision(True, capacity, math.floor(tokens), full, 0.0)
    full = (capacity - tokens) / rate
    return [tokens, now], Decision(False, capacity, 0, full, (1.0 - tokens) / rate)


def lifetime(spec: RateLimit) -> float:
    """Seconds after its last update when a counter's state can no longer differ from a
    fresh one: the window, or the time an empty bucket takes to fill. The store drops it
    then, so per-client counters do not accumulate."""
    if isinstance(spec, TokenBucket):
        return spec.capacity * spec.per / spec.limit
    return float(spec.per)


def from_store(spec: RateLimit, answer: tuple[int, ...]) -> Decision:
    """The :class:`Decision` of a store that decides in its own clock
    (``(allowed, remaining, reset_ms, retry_ms)``, see ``RedisStore.rate_limit``)."""
    allowed, remaining, reset_ms, retry_ms = answer[:4]
    shown = spec.capacity if isinstance(spec, TokenBucket) else spec.limit
    return Decision(bool(allowed), shown, max(0, remaining), reset_ms / 1000, retry_ms / 1000)


def step(spec: RateLimit, now: float) -> Any:
    """The store updater applying ``spec`` at time ``now``."""
    if isinstance(spec, FixedWindow):
        return lambda state: fixed_window(spec, state, now)
    if isinstance(spec, SlidingWindow):
        return lambda state: sliding_window(spec, state, now)
    return lambda state: token_bucket(spec, state, now)


def client_key(spec: RateLimit, req: Request) -> str:
    """What the counter is kept per, for this request (``-`` when absent)."""
    key = spec.key
    if key == "none":
        return "*"
    if key == "ip":
        return req.client or "-"
    kind, _, name = key.partition(":")
    if kind == "header":
        return req.header(name) or "-"
    values = req.query.get(name)
    return values[0] if values else "-"


def _ceil(seconds: float) -> int:
    return max(0, math.ceil(seconds - 1e-9))


def headers(
    spec: RateLimit, decision: Decision, policy: str, now: float
) -> list[tuple[bytes, bytes]]:
    """The rate-limit headers for one response (``Retry-After`` only when refused)."""
    out: list[tuple[bytes, bytes]] = []
    reset = _ceil(decision.reset)
    if spec.headers in ("x-ratelimit", "both"):
        shown = int(now) + reset if spec.reset == "epoch" else reset
        out += [
            (b"x-ratelimit-limit", str(decision.limit).encode()),
            (b"x-ratelimit-remaining", str(decision.remaining).encode()),
            (b"x-ratelimit-reset", str(shown).encode()),
        ]
    if spec.headers in ("ietf", "both"):
        window = _ceil(spec.per)
        out += [
            (b"ratelimit-policy", f'"{policy}";q={decision.limit};w={window}'.encode()),
            (b"ratelimit", f'"{policy}";r={decision.remaining};t={reset}'.encode()),
        ]
    if not decision.allowed:
        out.append((b"retry-after", str(max(1, _ceil(decision.retry_after))).encode()))
    return out
