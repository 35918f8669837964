"""The Redis store: behaviour state shared by every replica pointing at one Redis.

Layout (``ns`` is the namespace, ``s`` the session percent-encoded so that it holds no
``:`` and cannot start with ``#``):

- ``stubforge:ns:s:KEY`` -- the JSON-encoded value of ``KEY`` in session ``s``;
- ``stubforge:ns:#keys:s`` -- the set of keys session ``s`` holds;
- ``stubforge:ns:#sessions`` -- the set of sessions holding any key;
- ``stubforge:ns:#setting:NAME`` -- a server-wide setting (the global profile), announced
  on the channel ``stubforge:ns:#settings`` when it changes.

So ``items``, ``sessions`` and ``clear`` read two small sets instead of scanning the
database, and several mock deployments share one Redis under different namespaces.

``update`` is atomic across processes: WATCH the key, read it, run the pure function,
then MULTI/SET/EXEC; if another process wrote the key in between, EXEC fails and the
function runs again on the new value. Within one process, updates of a key that arrive
while its transaction is in flight are batched into the next one (see
:mod:`stubforge.store.batching`), so a hot key costs one transaction per batch and transactions
only race with the other replicas. ``clear`` is one Lua script, atomic with respect to
updates. Connection failures raise :class:`~stubforge.store.errors.StoreUnavailable`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError, WatchError

from stubforge.store.base import R, Updater
from stubforge.store.batching import Applied, KeyBatches, apply_all
from stubforge.store.errors import StoreUnavailable

PREFIX = "stubforge"

_CLEAR = """
local members = redis.call('SMEMBERS', KEYS[1])
local prefix = ARGV[2]
local n = 0
for _, k in ipairs(members) do
  if string.sub(k, 1, #prefix) == prefix then
    redis.call('DEL', ARGV[1] .. k)
    redis.call('SREM', KEYS[1], k)
    n = n + 1
  end
end
if redis.call('SCARD', KEYS[1]) == 0 then
  redis.call('SREM', KEYS[2], ARGV[3])
end
return n
"""
"""Remove one session's keys starting with a prefix; forget the session once empty.
KEYS: key set, sessions set; ARGV: the session's value-key prefix, key prefix, session."""

_ITEMS = """
local members = redis.call('SMEMBERS', KEYS[1])
local prefix = ARGV[2]
local out = {}
for _, k in ipairs(members) do
  if string.sub(k, 1, #prefix) == prefix then
    local v = redis.call('GET', ARGV[1] .. k)
    if v then
      out[#out + 1] = k
      out[#out + 1] = v
    end
  end
end
return out
"""
"""One session's keys starting with a prefix and their values, in one round trip.
KEYS: key set; ARGV: the session's value-key prefix, key prefix."""

_UNAVAILABLE = (RedisError, OSError)
"""Connection refused or lost, timeouts, and Redis refusing commands (OOM, read-only,
authentication): all mean the shared state cannot be used right now."""


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class RedisStore:
    """A :class:`~stubforge.store.base.Store` in Redis, shared by processes using ``namespace``."""

    def __init__(
        self,
        url: str,
        namespace: str = "default",
        *,
        max_connections: int = 64,
        timeout: float = 2.0,
    ) -> None:
        self.url = url
        self.namespace = namespace
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            decode_responses=True,
            # one immediate retry on a fresh connection: a pooled connection may be stale
            # after Redis restarted; more would only delay the 503 while Redis is down
            retry=Retry(NoBackoff(), 1),
        )
        self._redis: Redis = Redis(connection_pool=pool)
        self._base = f"{PREFIX}:{namespace}:"
        self._sessions_key = f"{self._base}#sessions"
        self._channel = f"{self._base}#settings"
        self._batches = KeyBatches()
        self._clear = self._redis.register_script(_CLEAR)
        self._items = self._redis.register_script(_ITEMS)

    def _values(self, session: str) -> str:
        """The prefix of ``session``'s value keys."""
        return f"{self._base}{quote(session, safe='')}:"

    def _keyset(self, session: str) -> str:
        return f"{self._base}#keys:{quote(session, safe='')}"

    async def ping(self) -> None:
        """Raise :class:`StoreUnavailable` unless Redis answers."""
        try:
            await self._redis.ping()
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc

    async def aclose(self) -> None:
        await self._redis.aclose()

    async def update(self, session: str, key: str, fn: Updater[R]) -> R:
        name = self._values(session) + key

        async def commit(fns: list[Updater[Any]]) -> list[Applied]:
            return await self._commit(session, key, name, fns)

        return await self._batches.submit(name, fn, commit)

    async def _commit(
        self, session: str, key: str, name: str, fns: list[Updater[Any]]
    ) -> list[Applied]:
        """Apply ``fns`` in order to the value of ``name`` in one optimistic transaction."""
        try:
            async with self._redis.pipeline() as pipe:
                while True:
                    try:
                        await pipe.watch(name)
                        raw = await pipe.get(name)
                        new, applied = apply_all(None if raw is None else json.loads(raw), fns)
                        pipe.multi()  # type: ignore[no-untyped-call]
                        pipe.set(name, _dump(new))
                        pipe.sadd(self._keyset(session), key)
                        pipe.sadd(self._sessions_key, session)
                        await pipe.execute()
                        return applied
                    except WatchError:
                        continue  # another replica wrote the key: run the batch on the new value
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc

    async def get(self, session: str, key: str) -> Any:
        try:
            raw = await self._redis.get(self._values(session) + key)
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc
        return None if raw is None else json.loads(raw)

    async def put(self, session: str, key: str, value: Any) -> None:
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(self._values(session) + key, _dump(value))
                pipe.sadd(self._keyset(session), key)
                pipe.sadd(self._sessions_key, session)
                await pipe.execute()
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc

    async def items(self, session: str, prefix: str) -> dict[str, Any]:
        try:
            flat = await self._items(
                keys=[self._keyset(session)], args=[self._values(session), prefix]
            )
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc
        n = len(prefix)
        return {flat[i][n:]: json.loads(flat[i + 1]) for i in range(0, len(flat), 2)}

    async def sessions(self) -> list[str]:
        try:
            members: set[str] = await self._redis.smembers(self._sessions_key)  # type: ignore[assignment]
            return sorted(members)
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc

    async def clear(self, session: str | None = None, prefix: str = "") -> int:
        try:
            targets = await self.sessions() if session is None else [session]
            removed = 0
            for name in targets:
                n = await self._clear(
                    keys=[self._keyset(name), self._sessions_key],
                    args=[self._values(name), prefix, name],
                )
                removed += int(n)
            return removed
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc

    async def put_setting(self, name: str, value: Any) -> None:
        """Set a server-wide setting and announce it to every replica."""
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(f"{self._base}#setting:{name}", _dump(value))
                pipe.publish(self._channel, _dump([name, value]))
                await pipe.execute()
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc

    async def get_setting(self, name: str) -> Any:
        """A server-wide setting, or ``None`` when never set."""
        try:
            raw = await self._redis.get(f"{self._base}#setting:{name}")
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc
        return None if raw is None else json.loads(raw)

    async def setting_changes(self, poll: float = 1.0) -> AsyncIterator[tuple[str, Any] | None]:
        """``(name, value)`` for each setting announced from now on; ``None`` once subscribed
        (read the current settings then, so no change falls in between) and every ``poll``
        seconds without news. Raises :class:`StoreUnavailable` when the connection is lost:
        subscribe again and re-read."""
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self._channel)
            yield None
            while True:
                message = await pubsub.get_message(timeout=poll)
                if message is None or message.get("type") != "message":
                    yield None
                    continue
                name, value = json.loads(message["data"])
                yield str(name), value
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc
        finally:
            with contextlib.suppress(*_UNAVAILABLE):
                await pubsub.aclose()  # type: ignore[no-untyped-call]
