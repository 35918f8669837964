"""The Redis store: behaviour state shared by every replica pointing at one Redis.

Layout (``ns`` is the namespace, ``s`` the session percent-encoded so that it holds no
``:`` and cannot start with ``#``):

- ``stubforge:ns:s:KEY`` -- the JSON-encoded value of ``KEY`` in session ``s``, expiring
  ``ttl`` seconds after its last update (``--state-ttl``);
- ``stubforge:ns:#keys:s:FAMILY`` -- the keys of one family (``scenario``, ``sequence``,
  ...: the part of ``KEY`` before its first ``:``) that session ``s`` holds, so reading a
  session's scenario states touches those alone;
- ``stubforge:ns:s:limit:...`` -- rate-limit state, decided by the scripts of
  :mod:`stubforge.store.redis_ratelimit`, expiring with its window and listed in no set
  (there is one per client key: a set would grow without bound);
- ``stubforge:ns:#sessions`` -- the set of sessions holding any key;
- ``stubforge:ns:#setting:NAME`` -- a server-wide setting (the global profile), announced
  on the channel ``stubforge:ns:#settings`` when it changes.

So ``items`` and ``sessions`` read small sets instead of scanning the database (``clear``,
an admin operation, also scans the session's rate-limit keys), and several mock
deployments share one Redis under different namespaces. A value that is not valid JSON
(a corrupted or foreign key) reads as absent, with a warning.

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
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError, WatchError

from stubforge.model.ratelimit import RateLimit, TokenBucket
from stubforge.store import redis_ratelimit
from stubforge.store.base import R, Updater
from stubforge.store.batching import Applied, KeyBatches, apply_all
from stubforge.store.errors import StoreUnavailable

PREFIX = "stubforge"
log = logging.getLogger("stubforge")


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


_CLEAR = """
local members = redis.call('SMEMBERS', KEYS[1])
local prefix = ARGV[2]
local n = 0
for _, k in ipairs(members) do
  if string.sub(k, 1, #prefix) == prefix then
    n = n + redis.call('DEL', ARGV[1] .. k)
    redis.call('SREM', KEYS[1], k)
  end
end
return n
"""
"""Remove the keys of one of a session's key sets starting with a prefix; how many existed.
KEYS: the key set; ARGV: the session's value-key prefix, key prefix."""

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


def _load(raw: Any, where: str) -> Any:
    """A stored value, or ``None`` (with a warning) when it is not JSON."""
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (ValueError, TypeError, RecursionError):
        log.warning("ignoring a value that is not JSON at %s (corrupted?)", where)
        return None


def _family(key: str) -> str:
    return key.partition(":")[0]


LIMIT_FAMILY = "limit"


POOL_WAIT = 15.0
"""Seconds a request may wait for a free connection of the pool."""


class RedisStore:
    """A :class:`~stubforge.store.base.Store` in Redis, shared by processes using ``namespace``."""

    def __init__(
        self,
        url: str,
        namespace: str = "default",
        *,
        max_connections: int = 64,
        timeout: float = 2.0,
        ttl: float | None = None,
    ) -> None:
        self.ttl = ttl
        """Seconds a key lives after its last update (None: until cleared)."""
        self.url = url
        self.namespace = namespace
        pool = BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            # waiting for a free pooled connection is load, not an outage: a burst of
            # hundreds of requests queues here; an unreachable Redis still fails within
            # ``timeout`` through the socket timeouts below
            timeout=POOL_WAIT,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            decode_responses=True,
            encoding_errors="replace",  # a corrupted value reads as not-JSON, not a crash
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
        self._limiters = {
            "fixed_window": self._redis.register_script(redis_ratelimit.FIXED_WINDOW),
            "sliding_window": self._redis.register_script(redis_ratelimit.SLIDING_WINDOW),
            "token_bucket": self._redis.register_script(redis_ratelimit.TOKEN_BUCKET),
        }

    def _values(self, session: str) -> str:
        """The prefix of ``session``'s value keys."""
        return f"{self._base}{quote(session, safe='')}:"

    def _keyset(self, session: str, key: str) -> str:
        """The set listing ``session``'s keys of ``key``'s family."""
        return f"{self._base}#keys:{quote(session, safe='')}:{_family(key)}"

    def _px(self, ttl: float | None) -> int | None:
        life = self.ttl if ttl is None else ttl
        return None if life is None or life == float("inf") else max(1, int(life * 1000))

    async def ping(self) -> None:
        """Raise :class:`StoreUnavailable` unless Redis answers."""
        try:
            await self._redis.ping()
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc

    async def aclose(self) -> None:
        await self._redis.aclose()

    async def update(self, session: str, key: str, fn: Updater[R], ttl: float | None = None) -> R:
        name = self._values(session) + key
        px = self._px(ttl)

        async def commit(fns: list[Updater[Any]]) -> list[Applied]:
            return await self._commit(session, key, name, fns, px)

        return await self._batches.submit(name, fn, commit)

    async def _commit(
        self, session: str, key: str, name: str, fns: list[Updater[Any]], px: int | None
    ) -> list[Applied]:
        """Apply ``fns`` in order to the value of ``name`` in one optimistic transaction."""
        try:
            async with self._redis.pipeline() as pipe:
                while True:
                    try:
                        await pipe.watch(name)
                        raw = await pipe.get(name)
                        new, applied = apply_all(_load(raw, name), fns)
                        pipe.multi()  # type: ignore[no-untyped-call]
                        pipe.set(name, _dump(new), px=px)
                        if _family(key) != LIMIT_FAMILY:
                            pipe.sadd(self._keyset(session, key), key)
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
        return _load(raw, self._values(session) + key)

    async def put(self, session: str, key: str, value: Any) -> None:
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(self._values(session) + key, _dump(value), px=self._px(None))
                pipe.sadd(self._keyset(session, key), key)
                pipe.sadd(self._sessions_key, session)
                await pipe.execute()
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc

    async def items(self, session: str, prefix: str) -> dict[str, Any]:
        _, sep, rest = prefix.partition(":")
        try:
            if sep and not rest:  # a whole family (the per-request case): its set only
                sets = [self._keyset(session, prefix)]
            else:
                sets = [k async for k in self._redis.scan_iter(match=self._keyset(session, "*"))]
            flat: list[str] = []
            for keyset in sets:
                flat += await self._items(keys=[keyset], args=[self._values(session), prefix])
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc
        n = len(prefix)
        out = {}
        for i in range(0, len(flat), 2):
            value = _load(flat[i + 1], self._values(session) + flat[i])
            if value is not None:
                out[flat[i][n:]] = value
        return out

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
                sets = [k async for k in self._redis.scan_iter(match=self._keyset(name, "*"))]
                for keyset in sets:
                    n = await self._clear(keys=[keyset], args=[self._values(name), prefix])
                    removed += int(n)
                if LIMIT_FAMILY.startswith(prefix) or prefix.startswith(LIMIT_FAMILY + ":"):
                    removed += await self._clear_limits(name, prefix)
                if not [k async for k in self._redis.scan_iter(match=self._values(name) + "*")]:
                    await self._redis.srem(self._sessions_key, name)
            return removed
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc

    async def _clear_limits(self, session: str, prefix: str) -> int:
        """Delete ``session``'s rate-limit keys starting with ``prefix`` (found by SCAN)."""
        pattern = _glob_escape(self._values(session) + max(prefix, LIMIT_FAMILY + ":")) + "*"
        removed = 0
        batch: list[str] = []
        async for name in self._redis.scan_iter(match=pattern, count=1000):
            batch.append(name)
            if len(batch) >= 1000:
                removed += int(await self._redis.delete(*batch))
                batch = []
        if batch:
            removed += int(await self._redis.delete(*batch))
        return removed

    async def rate_limit(self, session: str, key: str, spec: RateLimit) -> tuple[int, ...]:
        """Decide one request against ``spec`` in Redis (atomic, Redis's clock):
        ``(allowed, remaining, reset_ms, retry_ms)``."""
        name = self._values(session) + key
        per_ms = max(1, round(spec.per * 1000))
        try:
            if isinstance(spec, TokenBucket):
                args: list[Any] = [spec.capacity, per_ms / spec.limit]
                keys = [name]
            else:
                args, keys = [spec.limit, per_ms], [name]
                if spec.algorithm == "sliding_window":
                    keys.append(name + "#seq")
            raw = await self._limiters[spec.algorithm](keys=keys, args=args)
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc
        return tuple(int(x) for x in raw)

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
                try:
                    name, value = json.loads(message["data"])
                except (ValueError, TypeError, RecursionError):
                    log.warning("ignoring a malformed settings message: %.100r", message["data"])
                    continue
                yield str(name), value
        except _UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis at {self.url}: {exc}") from exc
        finally:
            with contextlib.suppress(*_UNAVAILABLE):
                await pubsub.aclose()  # type: ignore[no-untyped-call]
