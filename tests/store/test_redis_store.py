"""The Redis store keeps the store contract (the memory store's behaviour) and is atomic
across clients and processes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from stubforge.store.base import Store
from stubforge.store.errors import StoreUnavailable
from stubforge.store.memory import MemoryStore
from stubforge.store.redis_store import RedisStore
from tests.store.conftest import RedisServer, free_port

T = TypeVar("T")
pytestmark = pytest.mark.timeout(60)


def run(store_factory: Callable[[], Store], body: Callable[[Store], Awaitable[T]]) -> T:
    """Run ``body(store)`` in a fresh event loop (closing a Redis store afterwards)."""

    async def main() -> T:
        store = store_factory()
        try:
            return await body(store)
        finally:
            if isinstance(store, RedisStore):
                await store.aclose()

    return asyncio.run(main())


def increment(old: Any) -> tuple[int, int]:
    new = (old or 0) + 1
    return new, new


@pytest.fixture(params=["memory", "redis"])
def make_store(
    request: pytest.FixtureRequest, redis_server: RedisServer, namespace: str
) -> Callable[[], Store]:
    if request.param == "memory":
        memory = MemoryStore()
        return lambda: memory
    return lambda: RedisStore(redis_server.url, namespace)


def test_update_get_put_items_sessions(make_store: Callable[[], Store]) -> None:
    async def body(store: Store) -> None:
        assert await store.get("", "count:a") is None
        assert await store.update("", "count:a", increment) == 1
        assert await store.update("", "count:a", increment) == 2
        await store.put("", "scenario:checkout", "paid")
        await store.put("ci-1", "scenario:checkout", "started")
        await store.put("ci-1", "limit:r:*", [1.5, {"n": 2}])
        assert await store.get("", "count:a") == 2
        assert await store.get("ci-1", "limit:r:*") == [1.5, {"n": 2}]
        assert await store.items("", "scenario:") == {"checkout": "paid"}
        assert await store.items("ci-1", "") == {
            "scenario:checkout": "started",
            "limit:r:*": [1.5, {"n": 2}],
        }
        assert await store.items("nobody", "") == {}
        assert await store.sessions() == ["", "ci-1"]

    run(make_store, body)


def test_clear_by_session_and_prefix(make_store: Callable[[], Store]) -> None:
    async def body(store: Store) -> None:
        for session in ("", "a", "b"):
            await store.put(session, "scenario:x", "done")
            await store.put(session, "count:r", 3)
        assert await store.clear("a", "scenario:") == 1
        assert await store.items("a", "") == {"count:r": 3}
        assert await store.clear("a") == 1
        assert await store.sessions() == ["", "b"]
        assert await store.clear() == 4
        assert await store.sessions() == []
        assert await store.get("b", "count:r") is None
        assert await store.update("b", "count:r", increment) == 1  # starts afresh

    run(make_store, body)


def test_sessions_with_separators_do_not_collide(redis_server: RedisServer, namespace: str) -> None:
    async def body(store: Store) -> None:
        await store.put("a:b", "c", 1)
        await store.put("a", "b:c", 2)
        await store.put("#keys", "x", 3)
        assert await store.get("a:b", "c") == 1
        assert await store.get("a", "b:c") == 2
        assert await store.items("a:b", "") == {"c": 1}
        assert await store.items("a", "") == {"b:c": 2}
        assert await store.sessions() == ["#keys", "a", "a:b"]
        assert await store.clear("#keys") == 1
        assert await store.items("a", "") == {"b:c": 2}

    run(lambda: RedisStore(redis_server.url, namespace), body)


def test_namespaces_are_separate(redis_server: RedisServer, namespace: str) -> None:
    async def body(store: Store) -> None:
        other = RedisStore(redis_server.url, namespace + "-other")
        try:
            await store.put("", "scenario:x", "a")
            await other.put("", "scenario:x", "b")
            assert await store.clear() == 1
            assert await other.get("", "scenario:x") == "b"
            assert await other.sessions() == [""]
        finally:
            await other.aclose()

    run(lambda: RedisStore(redis_server.url, namespace), body)


def test_update_is_atomic_under_concurrent_tasks_and_clients(
    redis_server: RedisServer, namespace: str
) -> None:
    """Two clients (as two replicas would) with 300 concurrent increments each: none lost."""

    async def body(store: Store) -> list[int]:
        other = RedisStore(redis_server.url, namespace)
        try:
            results = await asyncio.gather(
                *(s.update("", "count:hot", increment) for _ in range(300) for s in (store, other))
            )
        finally:
            await other.aclose()
        assert await store.get("", "count:hot") == 600
        return sorted(results)

    assert run(lambda: RedisStore(redis_server.url, namespace), body) == list(range(1, 601))


CHILD = """
import asyncio, sys
from stubforge.store.redis_store import RedisStore

def increment(old):
    return (old or 0) + 1, None

async def main():
    store = RedisStore(sys.argv[1], sys.argv[2])
    await asyncio.gather(*(store.update("", "count:hot", increment) for _ in range(400)))
    await store.aclose()

asyncio.run(main())
"""


def test_update_is_atomic_across_processes(redis_server: RedisServer, namespace: str) -> None:
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, redis_server.url, namespace])
        for _ in range(2)
    ]

    async def body(store: Store) -> Any:
        await asyncio.gather(*(store.update("", "count:hot", increment) for _ in range(400)))
        for child in children:
            assert await asyncio.to_thread(child.wait, 30) == 0
        return await store.get("", "count:hot")

    assert run(lambda: RedisStore(redis_server.url, namespace), body) == 1200


def test_an_unreachable_redis_raises_store_unavailable() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"

    async def body(store: Store) -> None:
        for call in (
            lambda: store.update("", "k", increment),
            lambda: store.get("", "k"),
            lambda: store.put("", "k", 1),
            lambda: store.items("", ""),
            lambda: store.sessions(),
            lambda: store.clear(),
        ):
            with pytest.raises(StoreUnavailable, match=r"redis at redis://127\.0\.0\.1"):
                await call()

    run(lambda: RedisStore(url, timeout=0.5), body)


def test_redis_keys_expire_with_their_window_or_the_state_ttl(
    redis_server: RedisServer, namespace: str
) -> None:
    import redis as redis_sync

    from stubforge.model.ratelimit import FixedWindow

    async def body(store: Store) -> None:
        assert isinstance(store, RedisStore)
        await store.update("s", "scenario:checkout", lambda old: ("paid", None))
        answer = await store.rate_limit("s", "limit:r:key-1", FixedWindow(limit=5, per="2s"))
        assert answer[0] == 1 and answer[1] == 4

    run(lambda: RedisStore(redis_server.url, namespace, ttl=600), body)
    raw = redis_sync.Redis.from_url(redis_server.url)
    base = f"stubforge:{namespace}:s:"
    assert 0 < raw.pttl(base + "scenario:checkout") <= 600_000
    assert 0 < raw.pttl(base + "limit:r:key-1") <= 2001
    # rate-limit keys are in no set: a million clients leave no trace once their window ends
    assert not [k for k in raw.scan_iter(f"stubforge:{namespace}:#keys:*") if b"limit" in k]


def test_a_corrupt_value_reads_as_absent(redis_server: RedisServer, namespace: str) -> None:
    import redis as redis_sync

    raw = redis_sync.Redis.from_url(redis_server.url)
    raw.set(f"stubforge:{namespace}:s:count:a", b"\xff{not json")
    raw.set(f"stubforge:{namespace}:s:scenario:x", b"[[[")
    raw.sadd(f"stubforge:{namespace}:#keys:s:scenario", "scenario:x")

    async def body(store: Store) -> None:
        assert await store.get("s", "count:a") is None
        assert await store.items("s", "scenario:") == {}
        assert await store.update("s", "count:a", increment) == 1  # starts over

    run(lambda: RedisStore(redis_server.url, namespace), body)
