"""Journal and metrics overhead on the one-stub replay fast path (run by hand).

Starts ``stubforge serve`` on a one-route stubs directory in three configurations —
nothing observed (``--journal-size 0 --no-metrics``), journal only, journal + metrics
(the default) — and loads each with ``wrk`` over loopback, alternating the
configurations for ``--rounds`` rounds to spread machine noise. Prints req/s per round
and the median, and the cost relative to the unobserved server.

    .venv/bin/python bench/journal_overhead.py --duration 10 --rounds 3 --connections 32
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from loadgen import free_port, wait_up, wrk

STUB = """version: 1
routes:
  - id: ping
    request: {method: GET, path: /v1/ping}
    response: {status: 200, json: {ok: true}}
"""
CONFIGS = {
    "no journal, no metrics": ["--journal-size", "0", "--no-metrics"],
    "journal only": ["--no-metrics"],
    "journal + metrics (default)": [],
}


def run_wrk(port: int, args: argparse.Namespace) -> float:
    url = f"http://127.0.0.1:{port}/v1/ping"
    return wrk(url, args.threads, args.connections, args.duration).rps


def measure(stubs: Path, extra: list[str], args: argparse.Namespace) -> float:
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
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_up(port)
        run_wrk(port, argparse.Namespace(**{**vars(args), "duration": 2}))  # warm-up
        return run_wrk(port, args)
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def observer_cost(n: int = 200_000) -> dict[str, float]:
    """Microseconds per request spent in each observer, on a realistic GET outcome."""
    import timeit

    from stubforge.match.request import Request
    from stubforge.serve.journal import Journal
    from stubforge.serve.metrics import Metrics
    from stubforge.serve.outcome import Outcome

    headers = [(b"host", b"127.0.0.1:8080"), (b"user-agent", b"wrk"), (b"accept", b"*/*")]
    outcome = Outcome(
        Request("GET", "/v1/ping", b"", headers, b""), time.time(), 200, "ping", {}, duration=0.0004
    )
    journal, metrics = Journal(), Metrics()
    return {
        name: min(timeit.repeat(lambda f=fn: f(outcome), number=n, repeat=5)) / n * 1e6
        for name, fn in (("journal", journal.observe), ("metrics", metrics.observe))
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found (apt-get install -y wrk)")
    cost = observer_cost()
    print(", ".join(f"{k}.observe: {v:.2f} us/request" for k, v in cost.items()), flush=True)
    results: dict[str, list[float]] = {name: [] for name in CONFIGS}
    with tempfile.TemporaryDirectory() as tmp:
        stubs = Path(tmp)
        (stubs / "ping.yaml").write_text(STUB)
        for r in range(args.rounds):
            for name, extra in CONFIGS.items():
                rps = measure(stubs, extra, args)
                results[name].append(rps)
                print(f"round {r + 1}: {name}: {rps:,.0f} req/s", flush=True)
    base = statistics.median(results["no journal, no metrics"])
    print("\n| configuration | req/s (median) | rounds | cost |")
    print("|---|---:|---|---:|")
    for name, values in results.items():
        med = statistics.median(values)
        rounds = ", ".join(f"{v:,.0f}" for v in values)
        print(f"| {name} | {med:,.0f} | {rounds} | {(1 - med / base) * 100:+.1f} % |")
    per_request = 1e6 / base
    total = sum(cost.values())
    print(
        f"\nobservers: {total:.2f} us of {per_request:.0f} us per request at {base:,.0f} "
        f"req/s = {total / per_request * 100:.1f} % (CPU-bound estimate)"
    )


if __name__ == "__main__":
    main()
