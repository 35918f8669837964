"""Group commit for one process: updates of a key that arrive while a transaction on it is
in flight are applied together in the next transaction.

A hot key (a global rate limit) then costs one Redis transaction per *batch* instead of
one per request, and within a process updates of one key never race each other, so the
optimistic transactions only ever conflict with the other replicas.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from stubforge.store.base import R, Updater

Applied = tuple[bool, Any]
"""``(True, result)`` or ``(False, exception)`` for one updater of a batch."""
Commit = Callable[[list[Updater[Any]]], Awaitable[list[Applied]]]
"""Applies the updaters in order to the stored value, atomically; one outcome each."""


def apply_all(value: Any, fns: list[Updater[Any]]) -> tuple[Any, list[Applied]]:
    """Run ``fns`` one after the other from ``value``; an updater that raises changes
    nothing and gets its exception back."""
    applied: list[Applied] = []
    for fn in fns:
        try:
            new, result = fn(value)
        except Exception as exc:  # updaters are pure and should not raise; isolate one that does
            applied.append((False, exc))
            continue
        value = new
        applied.append((True, result))
    return value, applied


class KeyBatches:
    """At most one transaction in flight per key; followers queue for the next one."""

    def __init__(self) -> None:
        self._pending: dict[str, list[tuple[Updater[Any], asyncio.Future[Any]]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._pending)

    async def submit(self, name: str, fn: Updater[R], commit: Commit) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        queue = self._pending.get(name)
        if queue is not None:
            queue.append((fn, future))
        else:
            self._pending[name] = [(fn, future)]
            # a task of its own: a cancelled request must not strand the queued ones
            task = loop.create_task(self._flush(name, commit))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    async def _flush(self, name: str, commit: Commit) -> None:
        queue = self._pending[name]
        try:
            while queue:
                batch = queue[:]
                queue.clear()  # arrivals during the commit queue up for the next round
                try:
                    applied = await commit([fn for fn, _ in batch])
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), (ok, value) in zip(batch, applied, strict=True):
                    if future.done():  # its caller went away
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
        finally:
            del self._pending[name]
            for _, future in queue:  # only when cancelled (server shutdown)
                future.cancel()
