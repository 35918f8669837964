"""Error rules compiled for serving: decide whether a rule fires for one request.

A rule fires when it is *live* (inside its window, if any) and then: with probability
``rate``, or on every ``every``-th request reaching it (counted per session), or always.
Everything here is pure; the caller keeps the counters in the store and passes the clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from stubforge.model.errors import ErrorRule, ErrorWindow
from stubforge.model.faults import Fault

T = TypeVar("T")


def in_window(window: ErrorWindow | None, elapsed: float) -> bool:
    """Whether ``elapsed`` seconds after the window's origin fall inside it."""
    if window is None:
        return True
    if elapsed < 0:
        return False
    if window.repeat is not None:
        elapsed %= window.repeat
    if elapsed < window.start:
        return False
    return window.duration is None or elapsed < window.start + window.duration


def count_step(every: int) -> Any:
    """A store updater counting requests and reporting whether this one is the Nth."""

    def step(old: Any) -> tuple[int, bool]:
        n = (old or 0) + 1
        return n, n % every == 0

    return step


@dataclass(frozen=True, slots=True)
class CompiledRule(Generic[T]):
    """One rule ready to evaluate. ``response`` is the server's prepared error response
    (``None`` for a fault); ``profile`` names the profile that added it, if any."""

    id: str
    spec: ErrorRule
    response: T | None
    profile: str | None = None

    @property
    def fault(self) -> Fault | None:
        return self.spec.fault

    @property
    def counter_key(self) -> str | None:
        return f"count:{self.id}" if self.spec.every is not None else None

    def live(self, since_start: float, since_profile: float | None) -> bool:
        window = self.spec.window
        if window is None:
            return True
        if window.origin == "profile":
            return since_profile is not None and in_window(window, since_profile)
        return in_window(window, since_start)

    def roll(self, rng: random.Random) -> bool:
        """The probability draw (always true without ``rate``)."""
        rate = self.spec.rate
        return rate is None or rate >= 1.0 or rng.random() < rate
