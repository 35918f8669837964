"""The memory store: keys expire after their time to live, memory follows the live keys,
and reading a session's scenario states does not depend on how many other keys it has."""

from __future__ import annotations

import asyncio
from typing import Any

from stubforge.behave import ratelimit
from stubforge.model.ratelimit import FixedWindow, TokenBucket
from stubforge.store.memory import MemoryStore


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _inc(old: Any) -> tuple[int, int]:
    new = (old or 0) + 1
    return new, new


def test_a_key_expires_after_its_ttl_and_reads_as_absent() -> None:
    clock = Clock()
    store = MemoryStore(ttl=60, clock=clock)

    async def body() -> None:
        assert await store.update("s", "count:a", _inc) == 1
        assert await store.update("s", "limit:x:k", _inc, ttl=1.0) == 1
        clock.now += 1.5
        assert await store.get("s", "limit:x:k") is None  # its own window is over
        assert await store.get("s", "count:a") == 1
        assert await store.update("s", "limit:x:k", _inc, ttl=1.0) == 1  # fresh state
        clock.now += 61
        assert await store.get("s", "count:a") is None
        assert await store.items("s", "") == {}
        assert await store.sessions() == []

    asyncio.run(body())


def test_memory_stays_flat_over_many_distinct_keys() -> None:
    """200,000 distinct API keys at 10,000 per second against a 1 s window: the store holds
    about one second's worth of buckets, not all of them (bench/state_memory.py: 1M)."""
    clock = Clock()
    store = MemoryStore(clock=clock)
    spec = FixedWindow(limit=10, per="1s")
    most = 0

    async def body() -> None:
        nonlocal most
        for i in range(200_000):
            clock.now += 0.0001
            await store.update(
                "",
                f"limit:r:key-{i}",
                ratelimit.step(spec, clock.now),
                ttl=ratelimit.lifetime(spec),
            )
            most = max(most, store.key_count())

    asyncio.run(body())
    assert most <= 10_000 + 10


def test_scenario_states_are_read_without_touching_other_keys() -> None:
    store = MemoryStore()

    async def body() -> None:
        await store.put("s", "scenario:checkout", "paid")
        for i in range(50_000):
            await store.update("s", f"limit:r:key-{i}", _inc, ttl=3600)
        families = store._data["s"]
        scenario_families = [f for (name, _), f in families.items() if name == "scenario"]
        assert [len(f) for f in scenario_families] == [1]  # read alone, in its own family
        assert await store.items("s", "scenario:") == {"checkout": "paid"}
        assert len(await store.items("s", "limit:")) == 50_000

    asyncio.run(body())


def test_lifetimes_are_the_time_after_which_state_is_fresh_again() -> None:
    assert ratelimit.lifetime(FixedWindow(limit=5, per="2s")) == 2.0
    assert ratelimit.lifetime(TokenBucket(limit=10, per="1s", burst=30)) == 3.0
