"""Continuous load on rate-limited routes across replica processes sharing one Redis, and
the bounds an exact limit must keep (used by the store tests and bench/)."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis

FIXED_LIMIT, FIXED_PER = 40, 1.0
BUCKET_CAPACITY, BUCKET_RATE = 20, 30.0  # tokens, tokens per second

STUBS = f"""version: 1
routes:
  - id: fixed
    request: {{method: GET, path: /fixed}}
    response: {{json: {{ok: true}}}}
    rate_limit: {{limit: {FIXED_LIMIT}, per: {FIXED_PER:g}s}}
  - id: bucket
    request: {{method: GET, path: /bucket}}
    response: {{json: {{ok: true}}}}
    rate_limit: {{algorithm: token_bucket, limit: {int(BUCKET_RATE)}, per: 1s,
                  burst: {BUCKET_CAPACITY}}}
"""


def redis_now(url: str) -> float:
    seconds, micros = redis.Redis.from_url(url).time()
    return float(seconds) + micros / 1e6


@contextlib.contextmanager
def replicas(stubs: Path, redis_url: str, namespace: str, count: int = 2) -> Iterator[list[str]]:
    """``count`` ``stubforge serve`` processes on one Redis; their base URLs."""
    (stubs / "limits.yaml").write_text(STUBS)
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "app")}
    try:
        for _ in range(count):
            with __import__("socket").socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "stubforge.cli",
                        "serve",
                        "--stubs",
                        str(stubs),
                        "--port",
                        str(port),
                        "--store",
                        redis_url,
                        "--store-namespace",
                        namespace,
                        "--no-watch",
                        "--journal-size",
                        "0",
                        "--no-access-log",
                        "--log-level",
                        "warning",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 20
        for url in urls:
            while True:
                try:
                    if httpx.get(url + "/__admin/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError("replica did not start")
                time.sleep(0.05)
        yield urls
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


@dataclass
class Run:
    started: float
    ended: float
    allowed: int = 0
    refused: int = 0
    remaining: list[int] = field(default_factory=list)


async def _load(
    urls: list[str], path: str, seconds: float, workers: int
) -> tuple[int, int, list[int]]:
    allowed = refused = 0
    remaining: list[int] = []
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=workers * len(urls))

    async def worker(client: httpx.AsyncClient, url: str) -> None:
        nonlocal allowed, refused
        while time.monotonic() < stop:
            r = await client.get(url + path)
            if r.status_code == 200:
                allowed += 1
                remaining.append(int(r.headers["x-ratelimit-remaining"]))
            elif r.status_code == 429:
                refused += 1
            else:
                raise AssertionError(f"unexpected {r.status_code}: {r.text[:200]}")

    async with httpx.AsyncClient(timeout=10, limits=limits) as client:
        await asyncio.gather(*(worker(client, url) for url in urls for _ in range(workers)))
    return allowed, refused, remaining


def load(redis_url: str, urls: list[str], path: str, seconds: float, workers: int = 8) -> Run:
    """Requests to ``path`` on every replica (``workers`` at a time each) for ``seconds``;
    the run's span is read from Redis's clock, the one the limits use."""
    started = redis_now(redis_url)
    allowed, refused, remaining = asyncio.run(_load(urls, path, seconds, workers))
    run = Run(started, redis_now(redis_url), allowed, refused, remaining)
    return run


def fixed_window_bound(run: Run) -> int:
    """The most a fixed window of FIXED_LIMIT per FIXED_PER may let through in ``run``."""
    windows = math.floor(run.ended / FIXED_PER) - math.floor(run.started / FIXED_PER) + 1
    return FIXED_LIMIT * windows


def token_bucket_bound(run: Run) -> int:
    """A full bucket plus the refill over the run."""
    return BUCKET_CAPACITY + math.ceil(BUCKET_RATE * (run.ended - run.started))
