"""The in-memory store: one dict per session, updated without awaiting (so atomically,
as far as the event loop is concerned)."""

from __future__ import annotations

from typing import Any

from stubforge.store.base import R, Updater


class MemoryStore:
    """The default store for a single server process."""

    def __init__(self) -> None:
        self._data: dict[str, dict[str, Any]] = {}

    async def update(self, session: str, key: str, fn: Updater[R]) -> R:
        values = self._data.get(session)
        if values is None:
            values = self._data[session] = {}
        new, result = fn(values.get(key))
        values[key] = new
        return result

    async def get(self, session: str, key: str) -> Any:
        values = self._data.get(session)
        return None if values is None else values.get(key)

    async def put(self, session: str, key: str, value: Any) -> None:
        self._data.setdefault(session, {})[key] = value

    async def items(self, session: str, prefix: str) -> dict[str, Any]:
        values = self._data.get(session)
        if not values:
            return {}
        n = len(prefix)
        return {k[n:]: v for k, v in values.items() if k.startswith(prefix)}

    async def sessions(self) -> list[str]:
        return sorted(s for s, values in self._data.items() if values)

    async def clear(self, session: str | None = None, prefix: str = "") -> int:
        targets = list(self._data) if session is None else [session]
        removed = 0
        for name in targets:
            values = self._data.get(name)
            if not values:
                continue
            doomed = [k for k in values if k.startswith(prefix)]
            for k in doomed:
                del values[k]
            removed += len(doomed)
            if not values:
                del self._data[name]
        return removed
