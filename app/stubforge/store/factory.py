"""Choose the store from the ``--store`` setting: ``memory`` or a ``redis://`` URL."""

from __future__ import annotations

import asyncio
import re

from stubforge.store.base import Store
from stubforge.store.errors import StoreUnavailable
from stubforge.store.memory import MemoryStore

MEMORY = "memory"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
NAMESPACE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def store_setting_error(url: str, namespace: str) -> str | None:
    """Why ``url`` / ``namespace`` are not usable (None when they are)."""
    if url != MEMORY and not url.startswith(REDIS_SCHEMES):
        return (
            f"--store {url!r} is neither 'memory' nor a Redis URL "
            "(redis://host:6379/0, rediss://..., unix:///path/redis.sock)"
        )
    if not NAMESPACE.match(namespace):
        return (
            f"--store-namespace {namespace!r} must be 1-64 characters of letters, "
            "digits, '_', '.' or '-'"
        )
    if url != MEMORY:
        try:
            import redis  # noqa: F401
        except ImportError:
            return "--store needs the redis client: from a checkout, pip install '.[redis]'"
    return None


def open_store(url: str, namespace: str, ttl: float | None = None) -> Store:
    """The store for ``url`` (it connects lazily, on first use); keys live ``ttl`` seconds
    after their last update (None: until cleared)."""
    if url == MEMORY:
        return MemoryStore(ttl)
    from stubforge.store.redis_store import RedisStore

    return RedisStore(url, namespace, ttl=ttl)


def check_reachable(url: str, timeout: float = 3.0) -> str | None:
    """Ping the Redis at ``url`` from a throwaway client; the reason it failed, or None."""
    if url == MEMORY:
        return None
    from stubforge.store.redis_store import RedisStore

    async def ping() -> None:
        probe = RedisStore(url, timeout=timeout)
        try:
            await probe.ping()
        finally:
            await probe.aclose()

    try:
        asyncio.run(ping())
    except StoreUnavailable as exc:
        return str(exc)
    except ValueError as exc:  # a malformed URL
        return f"redis URL {url!r}: {exc}"
    return None
