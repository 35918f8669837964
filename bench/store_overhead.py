"""What the shared Redis store costs a rate-limited route (run by hand; loopback only).

Starts a ``redis-server`` (free port, no persistence) and ``stubforge serve`` on one
rate-limited route (``GET /v1/limited``, a fixed window far above the load, one global
counter: every request is an atomic update of the same hot key) with ``--store memory``
and with ``--store redis://...``, alternating for ``--rounds`` rounds. Each is loaded with
``wrk --latency`` over loopback; prints req/s, p50 and p99 per round and the medians.

    .venv/bin/python bench/store_overhead.py --duration 10 --rounds 3 --connections 32
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from loadgen import free_port, wait_up, wrk

STUB = """version: 1
routes:
  - id: limited
    request: {method: GET, path: /v1/limited}
    response: {status: 200, json: {ok: true}}
    rate_limit: {limit: 1000000000, per: 1h}
"""


def run_wrk(port: int, args: argparse.Namespace, duration: int) -> tuple[float, float, float]:
    """``(req/s, p50 ms, p99 ms)``."""
    result = wrk(f"http://127.0.0.1:{port}/v1/limited", args.threads, args.connections, duration)
    return result.rps, result.p50_ms, result.p99_ms


def measure(stubs: Path, store: str, args: argparse.Namespace) -> tuple[float, float, float]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stubforge.cli",
            "serve",
            "--stubs",
            str(stubs),
            "--port",
            str(port),
            "--no-watch",
            "--log-level",
            "warning",
            "--journal-size",
            "0",
            "--no-metrics",
            "--store",
            store,
            "--store-namespace",
            f"bench{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_up(port)
        run_wrk(port, args, 2)  # warm-up
        return run_wrk(port, args, args.duration)
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is needed")
    with tempfile.TemporaryDirectory() as tmp:
        stubs = Path(tmp) / "stubs"
        stubs.mkdir()
        (stubs / "api.yaml").write_text(STUB)
        redis_port = free_port()
        redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                tmp,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_up(redis_port, b"PING\r\n")
            configs = {"memory": "memory", "redis": f"redis://127.0.0.1:{redis_port}/0"}
            results: dict[str, list[tuple[float, float, float]]] = {k: [] for k in configs}
            for rnd in range(args.rounds):
                for name, store in configs.items():
                    rps, p50, p99 = measure(stubs, store, args)
                    results[name].append((rps, p50, p99))
                    print(
                        f"round {rnd + 1} {name:7s} {rps:9.0f} req/s  p50 {p50:6.2f} ms  "
                        f"p99 {p99:6.2f} ms",
                        flush=True,
                    )
        finally:
            redis.terminate()
            redis.wait(timeout=15)
    print()
    base = statistics.median(r[0] for r in results["memory"])
    for name, runs in results.items():
        rps = statistics.median(r[0] for r in runs)
        p50 = statistics.median(r[1] for r in runs)
        p99 = statistics.median(r[2] for r in runs)
        print(
            f"{name:7s} median {rps:9.0f} req/s ({rps / base:6.1%} of memory)  "
            f"p50 {p50:6.2f} ms  p99 {p99:6.2f} ms"
        )


if __name__ == "__main__":
    main()
