"""The in-memory store: updated without awaiting (so atomically, as far as the event loop
is concerned), with every key expiring.

Keys are kept per session and per *family* (the part before the first ``:``:
``scenario``, ``sequence``, ``limit``, ... and the keys' time to live), each family an
ordered dict from the rest of the key to ``(value, expires_at)``. So

- reading a session's scenario states (every request, when a route needs them) touches
  the scenario family only, however many rate-limit keys the session holds;
- an update moves its key to the end of its family, which keeps each family roughly in
  expiry order, and drops expired keys from the front -- a few per update, so memory
  follows the live keys (a million distinct API keys in a 1 s window leave about one
  second's worth of buckets behind) at O(1) cost per update.

A key expires ``ttl`` seconds after its last update (the updater's own ``ttl``, e.g. a
rate-limit window, else the store's default): an expired value reads as absent.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from stubforge.store.base import R, Updater

Entry = tuple[Any, float]
Family = OrderedDict[str, Entry]
FamilyId = tuple[str, float]
"""The key's first segment and its time to live: within one family, the last updated key
is the last to expire."""
_SWEEP = 4
"""Expired keys dropped (at most) per update, from the front of the updated family."""


def split(key: str) -> tuple[str, str]:
    family, sep, rest = key.partition(":")
    return (family, rest) if sep else ("", key)


class MemoryStore:
    """The default store for a single server process."""

    def __init__(self, ttl: float | None = None, clock: Callable[[], float] = time.time) -> None:
        self.ttl = ttl if ttl is not None else math.inf
        """Seconds a key lives after its last update unless the update says otherwise."""
        self._clock = clock
        self._data: dict[str, dict[FamilyId, Family]] = {}

    def _family(self, session: str, family: FamilyId) -> Family:
        families = self._data.get(session)
        if families is None:
            families = self._data[session] = {}
        found = families.get(family)
        if found is None:
            found = families[family] = OrderedDict()
        return found

    def _live(self, entry: Entry | None, now: float) -> Any:
        return None if entry is None or entry[1] <= now else entry[0]

    async def update(self, session: str, key: str, fn: Updater[R], ttl: float | None = None) -> R:
        now = self._clock()
        name, rest = split(key)
        life = self.ttl if ttl is None else ttl
        family = self._family(session, (name, life))
        old = self._live(family.get(rest), now)
        if old is None and family.get(rest) is None:
            old = self._elsewhere(session, name, rest, life, now)
        new, result = fn(old)
        family[rest] = (new, now + life)
        family.move_to_end(rest)
        _sweep(family, now)
        return result

    def _elsewhere(self, session: str, name: str, rest: str, life: float, now: float) -> Any:
        """The key's live value in a family of another lifetime (moved there), or None."""
        for (fam, other), entries in self._data.get(session, {}).items():
            if fam == name and other != life and rest in entries:
                return self._live(entries.pop(rest), now)
        return None

    async def get(self, session: str, key: str) -> Any:
        name, rest = split(key)
        now = self._clock()
        for (fam, _), entries in self._data.get(session, {}).items():
            if fam == name and rest in entries:
                return self._live(entries[rest], now)
        return None

    async def put(self, session: str, key: str, value: Any) -> None:
        await self.update(session, key, lambda _old: (value, None))

    async def items(self, session: str, prefix: str) -> dict[str, Any]:
        families = self._data.get(session)
        if not families:
            return {}
        now = self._clock()
        name, rest = split(prefix)
        if prefix.endswith(":") and rest == "":  # a whole family: read only that one
            return {
                k: e[0]
                for (fam, _), family in families.items()
                if fam == name
                for k, e in family.items()
                if e[1] > now
            }
        out = {}
        for (fam, _), entries in families.items():
            for k, (value, expires) in entries.items():
                full = f"{fam}:{k}" if fam else k
                if expires > now and full.startswith(prefix):
                    out[full[len(prefix) :]] = value
        return out

    async def sessions(self) -> list[str]:
        now = self._clock()
        return sorted(
            s
            for s, families in self._data.items()
            if any(e[1] > now for f in families.values() for e in f.values())
        )

    async def clear(self, session: str | None = None, prefix: str = "") -> int:
        targets = list(self._data) if session is None else [session]
        removed = 0
        now = self._clock()
        for name in targets:
            families = self._data.get(name)
            if not families:
                continue
            for fid in list(families):
                fam = fid[0]
                entries = families[fid]
                doomed = [k for k in entries if (f"{fam}:{k}" if fam else k).startswith(prefix)]
                removed += sum(1 for k in doomed if entries[k][1] > now)
                for k in doomed:
                    del entries[k]
                if not entries:
                    del families[fid]
            if not families:
                del self._data[name]
        return removed

    def key_count(self) -> int:
        """Keys held, expired ones not yet dropped included (for tests and benchmarks)."""
        return sum(len(f) for families in self._data.values() for f in families.values())


def _sweep(family: Family, now: float) -> None:
    for _ in range(_SWEEP):
        if not family:
            return
        first = next(iter(family.items()))
        if first[1][1] > now:
            return
        del family[first[0]]
