"""Memory of per-key rate-limit state over a million distinct keys (run by hand).

Feeds ``--keys`` distinct API keys through the in-memory store's rate-limit path (a fixed
window of 10 per 1 s), ``--rate`` keys per simulated second, and prints the most keys the
store held at once and the process's peak RSS growth.

    .venv/bin/python bench/state_memory.py --keys 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))

from stubforge.behave import ratelimit
from stubforge.model.ratelimit import FixedWindow
from stubforge.store.memory import MemoryStore


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--keys", type=int, default=1_000_000)
    p.add_argument("--rate", type=float, default=10_000.0, help="new keys per simulated second")
    args = p.parse_args()
    now = [1_000_000.0]
    store = MemoryStore(clock=lambda: now[0])
    spec = FixedWindow(limit=10, per="1s")
    life = ratelimit.lifetime(spec)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    most = 0

    async def feed() -> None:
        nonlocal most
        for i in range(args.keys):
            now[0] += 1 / args.rate
            await store.update("", f"limit:r:key-{i}", ratelimit.step(spec, now[0]), ttl=life)
            if i % 1000 == 0:
                most = max(most, store.key_count())

    began = time.perf_counter()
    asyncio.run(feed())
    took = time.perf_counter() - began
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    print(
        f"{args.keys} distinct keys at {args.rate:.0f}/s (1 s window): at most {most} held, "
        f"peak RSS +{grown:.1f} MiB, {took / args.keys * 1e6:.2f} us per update"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
