"""Behaviour fidelity benchmark: do delays and error rates on the wire match the stubs?

Runs ``stubforge serve`` as a subprocess on 127.0.0.1 and drives it with a small asyncio
HTTP/1.1 keep-alive client (raw streams, uvloop), measuring each request's latency:

1. lognormal p50 80 ms / p99 400 ms, 64 concurrent clients: measured p50 and p99 within
   5% of the specification;
2. fixed 100 ms, 64 concurrent clients: >= 620 req/s and p99 <= 110 ms;
3. 5,000 concurrent connections, each request held 1 s by a delay: no errors;
4. a 2% error rate over 20,000 requests: the count inside the 99% binomial interval.

Usage: ``.venv/bin/python bench/fidelity.py [--only 1,2,3,4] [--seed N] [--requests N]``.
Loopback only, bounded (about two minutes in all); prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

STUBS = """
version: 1
service: fidelity
routes:
  - id: lognormal
    request: {path: /lognormal}
    response: {json: {ok: true}}
    latency: {p50: 80ms, p99: 400ms}
  - id: fixed
    request: {path: /fixed}
    response: {json: {ok: true}}
    latency: 100ms
  - id: held
    request: {path: /held}
    response: {json: {ok: true}}
    latency: 1s
  - id: errors
    request: {path: /errors}
    response: {json: {ok: true}}
    errors: [{rate: 0.02, response: {status: 503}}]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(seed: int | None) -> Iterator[int]:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "fidelity.yaml").write_text(STUBS)
        cmd = [
            sys.executable,
            "-m",
            "stubforge.cli",
            "serve",
            "--stubs",
            tmp,
            "--port",
            str(port),
            "--no-watch",
            "--log-level",
            "warning",
        ]
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


class Conn:
    """One keep-alive HTTP/1.1 connection; ``get`` returns (status, seconds)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Conn:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def get(self, path: str) -> tuple[int, float]:
        started = time.perf_counter()
        self.writer.write(f"GET {path} HTTP/1.1\r\nhost: bench\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await self.reader.readexactly(length)
        return status, time.perf_counter() - started

    def close(self) -> None:
        self.writer.close()


async def closed_loop(
    port: int, path: str, clients: int, total: int
) -> tuple[list[float], list[int], float]:
    """``clients`` connections each sending requests back to back until ``total`` are done."""
    latencies: list[float] = []
    statuses: list[int] = []
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        conn = await Conn.open(port)
        try:
            while remaining > 0:
                remaining -= 1
                status, took = await conn.get(path)
                statuses.append(status)
                latencies.append(took)
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies, statuses, time.perf_counter() - started


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def row(name: str, target: str, measured: str, ok: bool) -> str:
    return f"| {name} | {target} | {measured} | {'pass' if ok else 'FAIL'} |"


async def lognormal(port: int, n: int) -> str:
    lat, statuses, _ = await closed_loop(port, "/lognormal", 64, n)
    p50, p99 = quantile(lat, 0.50), quantile(lat, 0.99)
    e50, e99 = p50 / 0.080 - 1, p99 / 0.400 - 1
    ok = abs(e50) <= 0.05 and abs(e99) <= 0.05 and set(statuses) == {200}
    return row(
        f"1. lognormal, 64 clients, {n} requests",
        "p50 80 ms, p99 400 ms (±5%)",
        f"p50 {p50 * 1000:.1f} ms ({e50:+.1%}), p99 {p99 * 1000:.1f} ms ({e99:+.1%})",
        ok,
    )


async def fixed(port: int, n: int) -> str:
    lat, statuses, took = await closed_loop(port, "/fixed", 64, n)
    rate, p99 = len(lat) / took, quantile(lat, 0.99)
    ok = rate >= 620 and p99 <= 0.110 and set(statuses) == {200}
    return row(
        f"2. fixed 100 ms, 64 clients, {n} requests",
        ">= 620 req/s, p99 <= 110 ms",
        f"{rate:.0f} req/s, p50 {quantile(lat, 0.5) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms",
        ok,
    )


async def held(port: int, n: int) -> str:
    conns: list[Conn] = []
    sem = asyncio.Semaphore(500)

    async def connect() -> None:
        async with sem:
            conns.append(await Conn.open(port))

    await asyncio.gather(*(connect() for _ in range(n)))
    started = time.perf_counter()
    results = await asyncio.gather(*(c.get("/held") for c in conns), return_exceptions=True)
    took = time.perf_counter() - started
    for c in conns:
        c.close()
    errors = [r for r in results if isinstance(r, BaseException) or r[0] != 200]
    worst = max(r[1] for r in results if not isinstance(r, BaseException))
    return row(
        f"3. {n} concurrent connections held 1 s",
        "no errors",
        f"{len(errors)} errors, all done in {took:.2f} s (slowest {worst:.2f} s)",
        not errors,
    )


async def error_rate(port: int, n: int) -> str:
    _, statuses, _ = await closed_loop(port, "/errors", 64, n)
    failed = statuses.count(503)
    mean, sd = n * 0.02, math.sqrt(n * 0.02 * 0.98)
    lo, hi = math.ceil(mean - 2.5758 * sd), math.floor(mean + 2.5758 * sd)
    ok = lo <= failed <= hi and statuses.count(200) + failed == n
    return row(
        f"4. 2% error rate, {n} requests",
        f"503s in [{lo}, {hi}] (99% binomial)",
        f"{failed} ({failed / n:.2%})",
        ok,
    )


async def main(args: argparse.Namespace, port: int) -> list[str]:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    only = {int(x) for x in args.only.split(",")}
    rows = []
    if 1 in only:
        rows.append(await lognormal(port, args.requests))
    if 2 in only:
        rows.append(await fixed(port, 8000))
    if 3 in only:
        rows.append(await held(port, 5000))
    if 4 in only:
        rows.append(await error_rate(port, 20000))
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="1,2,3,4", help="which checks (default all)")
    parser.add_argument("--seed", type=int, default=None, help="server --seed")
    parser.add_argument(
        "--requests",
        type=int,
        default=20000,
        help="requests for the lognormal check (default 20000)",
    )
    args = parser.parse_args()
    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()
    os.environ.setdefault("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    with server(args.seed) as port:
        lines = asyncio.run(main(args, port))
    print(f"\nload average before/after: {os.getloadavg()[0]:.2f}")
    print("| check | target | measured | result |\n|---|---|---|---|")
    print("\n".join(lines))
    sys.exit(0 if all(line.endswith("pass |") for line in lines) else 1)
