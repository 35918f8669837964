"""Group commit: updates of a key queued during a transaction go together in the next one."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from stubforge.store.base import Updater
from stubforge.store.batching import Applied, KeyBatches, apply_all
from stubforge.store.errors import StoreUnavailable


def increment(old: Any) -> tuple[int, int]:
    return (old or 0) + 1, (old or 0) + 1


def broken(old: Any) -> tuple[Any, Any]:
    raise ValueError("bad updater")


class SlowBackend:
    """A value behind a transaction that takes a little while (like a Redis round trip)."""

    def __init__(self, delay: float = 0.005) -> None:
        self.delay = delay
        self.value: Any = None
        self.batches: list[int] = []
        self.down = False

    async def commit(self, fns: list[Updater[Any]]) -> list[Applied]:
        await asyncio.sleep(self.delay)
        if self.down:
            raise StoreUnavailable("backend down")
        self.batches.append(len(fns))
        self.value, applied = apply_all(self.value, fns)
        return applied


def test_updates_queued_during_a_transaction_share_the_next_one() -> None:
    async def main() -> tuple[list[int], SlowBackend, KeyBatches]:
        backend, batches = SlowBackend(delay=0.05), KeyBatches()
        first = asyncio.create_task(batches.submit("k", increment, backend.commit))
        await asyncio.sleep(0.005)  # its transaction is in flight
        rest = await asyncio.gather(
            *(batches.submit("k", increment, backend.commit) for _ in range(499))
        )
        return sorted([await first, *rest]), backend, batches

    results, backend, batches = asyncio.run(main())
    assert results == list(range(1, 501))
    assert backend.value == 500
    assert backend.batches == [1, 499]
    assert len(batches) == 0  # nothing left behind


def test_a_raising_updater_fails_alone() -> None:
    async def main() -> tuple[Any, ...]:
        backend, batches = SlowBackend(), KeyBatches()
        return await asyncio.gather(
            batches.submit("k", increment, backend.commit),
            batches.submit("k", broken, backend.commit),
            batches.submit("k", increment, backend.commit),
            return_exceptions=True,
        )

    first, second, third = asyncio.run(main())
    assert first == 1 and third == 2
    assert isinstance(second, ValueError)


def test_a_failed_transaction_fails_its_batch_and_the_next_one_retries() -> None:
    async def main() -> tuple[list[Any], Any]:
        backend, batches = SlowBackend(), KeyBatches()
        backend.down = True
        failed = await asyncio.gather(
            *(batches.submit("k", increment, backend.commit) for _ in range(3)),
            return_exceptions=True,
        )
        backend.down = False
        return failed, await batches.submit("k", increment, backend.commit)

    failed, after = asyncio.run(main())
    assert all(isinstance(f, StoreUnavailable) for f in failed)
    assert after == 1


@pytest.mark.timeout(10)
def test_a_cancelled_caller_does_not_strand_the_others() -> None:
    async def main() -> list[Any]:
        backend, batches = SlowBackend(), KeyBatches()
        first = asyncio.create_task(batches.submit("k", increment, backend.commit))
        await asyncio.sleep(0)
        others = [
            asyncio.create_task(batches.submit("k", increment, backend.commit)) for _ in range(3)
        ]
        await asyncio.sleep(0)
        first.cancel()
        return await asyncio.gather(*others)

    assert sorted(asyncio.run(main())) == [2, 3, 4]
