"""Event stream timing: do the time to first event and the gaps on the wire match the stub?

Runs ``stubforge serve`` as a subprocess on 127.0.0.1 with one Server-Sent Events route
(``first: {p50: 50ms, p99: 120ms}``, ``gap: {p50: 20ms, p99: 60ms}``) and reads
``--streams`` streams (``--concurrency`` at a time) with httpx-sse, timing each event's
arrival in the client. Pass: the measured p50 of the time to first event (from the
response headers, where ``first`` starts) and of the gaps within 10% of the stub's p50.

Usage: ``.venv/bin/python bench/sse_timing.py [--streams 200] [--events 20]
[--concurrency 10] [--seed N]``. Loopback only, bounded (a few seconds); prints a
Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from httpx_sse import aconnect_sse

FIRST_P50, GAP_P50 = 0.050, 0.020


def stubs(events: int) -> str:
    lines = "\n".join(f'        - {{data: "token {i}", id: "{i}"}}' for i in range(events))
    return f"""
version: 1
service: sse-bench
routes:
  - id: stream
    request: {{path: /stream}}
    response:
      events:
{lines}
      event_timing: {{first: {{p50: 50ms, p99: 120ms}}, gap: {{p50: 20ms, p99: 60ms}}}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(events: int, seed: int | None) -> Iterator[int]:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "sse.yaml").write_text(stubs(events))
        cmd = [sys.executable, "-m", "stubforge.cli", "serve", "--stubs", tmp]
        cmd += ["--port", str(port), "--no-watch", "--log-level", "warning", "--no-access-log"]
        if seed is not None:
            cmd += ["--seed", str(seed)]
        proc = subprocess.Popen(cmd)
        try:
            deadline = time.monotonic() + 15
            while True:
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), timeout=0.2),
                ):
                    break
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("server did not start")
                time.sleep(0.05)
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=10)


async def one_stream(client: httpx.AsyncClient, url: str) -> tuple[float, list[float]]:
    """(time from the response headers to the first event, gaps) as the client sees them."""
    arrivals: list[float] = []
    async with aconnect_sse(client, "GET", url) as source:
        start = time.perf_counter()  # the headers are in: event_timing.first starts here
        async for _ in source.aiter_sse():
            arrivals.append(time.perf_counter())
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    return arrivals[0] - start, gaps


async def run(port: int, streams: int, concurrency: int) -> tuple[list[float], list[float]]:
    limit = asyncio.Semaphore(concurrency)
    url = f"http://127.0.0.1:{port}/stream"
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def bounded() -> tuple[float, list[float]]:
            async with limit:
                return await one_stream(client, url)

        results = await asyncio.gather(*(bounded() for _ in range(streams)))
    firsts = [first for first, _ in results]
    gaps = [gap for _, stream_gaps in results for gap in stream_gaps]
    return firsts, gaps


def row(name: str, samples: list[float], target: float) -> tuple[str, bool]:
    p50 = statistics.median(samples)
    error = (p50 - target) / target
    ok = abs(error) <= 0.10
    text = (
        f"| {name} | {len(samples)} | {target * 1000:.1f} ms | {p50 * 1000:.1f} ms "
        f"({error:+.1%}) | {'pass' if ok else 'FAIL'} |"
    )
    return text, ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    with server(args.events, args.seed) as port:
        began = time.perf_counter()
        firsts, gaps = asyncio.run(run(port, args.streams, args.concurrency))
        took = time.perf_counter() - began
    print(
        f"{args.streams} streams x {args.events} events, {args.concurrency} at a time, {took:.1f} s"
    )
    print("| measure | samples | stub p50 | measured p50 | result |")
    print("|---|---|---|---|---|")
    passed = True
    for name, samples, target in (
        ("time to first event", firsts, FIRST_P50),
        ("gap between events", gaps, GAP_P50),
    ):
        text, ok = row(name, samples, target)
        passed = passed and ok
        print(text)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
