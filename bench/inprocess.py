"""Per-request cost of the replay path without the network: the ASGI app called directly.

    .venv/bin/python bench/inprocess.py [--rounds 21] [--requests 10000] [--no-observers]

Builds the same stub sets as the peer harness's S2 (N=1 and N=10,000, one YAML file,
``bench/peers_target.py``), then times alternating rounds of: one stub; the last of
10,000; a random one of 10,000. Prints the median and best microseconds per request and,
per case, the median over rounds of its rate relative to the one-stub case timed in the
same round (the host's speed drifts between rounds; within a round far less).
Needs ../shared/bench beside the repository (for the harness's stub definitions).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1] / "shared" / "bench")]

import peers_target  # noqa: E402

import bench  # noqa: E402  (the shared harness's driver: stub definitions)
from stubforge.assemble import build_app  # noqa: E402
from stubforge.serve.config import ServeConfig  # noqa: E402
from stubforge.serve.state import ServerState  # noqa: E402


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: Any) -> None:
    return None


async def _run(app: Any, paths: list[str]) -> None:
    for path in paths:
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": b"",
            "headers": [(b"host", b"127.0.0.1:8080")],
            "client": ("127.0.0.1", 1),
        }
        await app(scope, _receive, _send)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=21)
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--no-observers", action="store_true", help="journal and metrics off")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="stubforge-inprocess-"))
    apps = {}
    try:
        for n in (1, 10_000):
            stubs = bench.build_scenarios(["S2"], [n])[0].stubs
            peers_target.write_stubs(stubs, work / str(n))
            state, errors = ServerState.initial(ServeConfig(stubs=work / str(n), watch=False))
            assert state is not None, errors
            apps[n] = build_app(state)
            if args.no_observers:
                apps[n].replay.observers.clear()
        cases = [(1, "last"), (10_000, "last"), (10_000, "random")]

        def paths(n: int, mode: str) -> list[str]:
            pick = (lambda: random.randrange(n)) if mode == "random" else (lambda: n - 1)
            return [f"/api/v1/items/{pick()}" for _ in range(args.requests)]

        for n, mode in cases:  # warm-up
            asyncio.run(_run(apps[n], paths(n, mode)))
        results: dict[tuple[int, str], list[float]] = {c: [] for c in cases}
        for _ in range(args.rounds):
            for n, mode in cases:
                batch = paths(n, mode)
                t0 = time.perf_counter()
                asyncio.run(_run(apps[n], batch))
                results[(n, mode)].append((time.perf_counter() - t0) / len(batch) * 1e6)
        # The host's speed drifts between rounds; cases timed in the same round are
        # compared with each other, and the median of those per-round ratios reported.
        base = results[(1, "last")]
        for (n, mode), values in results.items():
            ratios = [b / v for b, v in zip(base, values, strict=True)]
            print(
                f"N={n:>6} {mode:<6} median {statistics.median(values):6.2f} us"
                f"  best {min(values):6.2f} us"
                f"  ({statistics.median(ratios):.0%} of one stub's rate, same-round median)"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
