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

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

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
