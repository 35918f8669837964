"""Rate limits are exact across two replica processes under continuous load: every
decision is made atomically in Redis, on Redis's clock (bounded here to a few seconds;
bench/ratelimit_replicas.py runs 30 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.conftest import RedisServer
from tests.store.replica_load import (
    BUCKET_CAPACITY,
    FIXED_LIMIT,
    fixed_window_bound,
    load,
    replicas,
    token_bucket_bound,
)

pytestmark = pytest.mark.timeout(90)


def test_two_replicas_never_let_more_than_the_limit_through(
    tmp_path: Path, redis_server: RedisServer, namespace: str
) -> None:
    with replicas(tmp_path, redis_server.url, namespace) as urls:
        fixed = load(redis_server.url, urls, "/fixed", seconds=3.0)
        bucket = load(redis_server.url, urls, "/bucket", seconds=3.0)
    # the load is far above the limits: they bind
    assert fixed.refused > fixed.allowed and bucket.refused > bucket.allowed
    assert fixed.allowed <= fixed_window_bound(fixed)
    assert fixed.allowed >= FIXED_LIMIT * 2  # at least two windows were used in full
    assert bucket.allowed <= token_bucket_bound(bucket)
    assert bucket.allowed >= BUCKET_CAPACITY
    # every allowed request of a window took its own slot: no remaining value twice per window
    windows = -(-fixed.allowed // FIXED_LIMIT)
    counts = [fixed.remaining.count(k) for k in range(FIXED_LIMIT)]
    assert max(counts) <= windows
