"""Response sequences: the Nth request of a session gets the Nth response, then the
sequence repeats or sticks to the last one."""

from __future__ import annotations

from typing import Any

PREFIX = "sequence:"


def key(route_id: str) -> str:
    return PREFIX + route_id


def advance(length: int, repeat: bool) -> Any:
    """A store updater returning the index of the response for this request."""

    def step(old: Any) -> tuple[int, int]:
        n = old if isinstance(old, int) else 0
        index = n % length if repeat else min(n, length - 1)
        return n + 1, index

    return step
