"""The state store interface: values kept per session under string keys.

Every read-modify-write goes through :meth:`Store.update` with a *pure* function of the
old value, so an implementation can make it atomic (the in-memory store runs it without
awaiting; a Redis store can use optimistic transactions or a script). Values are plain
JSON data (numbers, strings, lists, dicts) so that any backend can hold them.

Keys are namespaced by a prefix: ``scenario:NAME``, ``sequence:ROUTE``, ``count:RULE``,
``limit:LIMITER:KEY``, ``profile-seen:NAME``. The session ``""`` is the default session
(requests without ``X-Stubforge-Session``). Every key expires: ``ttl`` seconds after its
last update when the updater gives one (a rate-limit window), else after the store's
time to live (``--state-ttl``, 24 h by default); an expired key reads as absent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol, TypeVar, runtime_checkable

R = TypeVar("R")

Updater = Callable[[Any], tuple[Any, R]]
"""``fn(old_value_or_None) -> (new_value, result)``; must not raise or do I/O."""


class Store(Protocol):
    """Where the server keeps behaviour state, isolated per session."""

    async def update(self, session: str, key: str, fn: Updater[R], ttl: float | None = None) -> R:
        """Atomically replace the value of ``key`` with ``fn(old)[0]``; return ``fn(old)[1]``.
        The key expires ``ttl`` seconds later (default: the store's own time to live)."""
        ...

    async def get(self, session: str, key: str) -> Any:
        """The value of ``key`` in ``session`` or ``None``."""
        ...

    async def put(self, session: str, key: str, value: Any) -> None:
        """Set ``key`` in ``session`` to ``value``."""
        ...

    async def items(self, session: str, prefix: str) -> dict[str, Any]:
        """Every key of ``session`` starting with ``prefix``, with the prefix removed."""
        ...

    async def sessions(self) -> list[str]:
        """The sessions holding any state."""
        ...

    async def clear(self, session: str | None = None, prefix: str = "") -> int:
        """Remove the keys starting with ``prefix`` in ``session`` (every session when
        ``None``); return how many were removed."""
        ...


@runtime_checkable
class SharedSettings(Protocol):
    """A store that also carries server-wide settings shared by replicas (the Redis store):
    the global profile, the ephemeral stubs."""

    async def put_setting(self, name: str, value: Any) -> None:
        """Set a setting and announce it to every replica."""
        ...

    async def get_setting(self, name: str) -> Any:
        """A setting, or ``None`` when never set."""
        ...

    def setting_changes(self, poll: float = 1.0) -> AsyncIterator[tuple[str, Any] | None]:
        """``(name, value)`` per announcement; ``None`` when (re)subscribed and every
        ``poll`` seconds without news."""
        ...


def shared_settings(store: object) -> SharedSettings | None:
    """``store`` as :class:`SharedSettings`, or ``None`` (the memory store)."""
    return store if isinstance(store, SharedSettings) else None
