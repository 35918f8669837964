"""Recorded event streams replayed: is the timing the client sees within 10% of the recording?

An sse-starlette upstream (``uvicorn``, 127.0.0.1) sends ``--streams`` streams of
``--events`` events: the first after 40-60 ms, then gaps drawn uniformly from 10-30 ms
(seeded). They are read through ``stubforge record`` with httpx-sse, compiled with
``stubforge compile``, served by ``stubforge serve`` and read again with httpx-sse. The
recording's p50 time to first event and p50 gap (from its ``_chunks``) are compared with
the p50s the client measures on the replay (the time to first event from the response
headers, where the stubs' ``first`` starts). Pass: both within 10%.

Usage: ``.venv/bin/python bench/sse_replay.py [--streams 10] [--events 30] [--seed 1]``.
Loopback only, bounded (about 10 s); prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from httpx_sse import aconnect_sse, connect_sse
from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from stubforge.compile.streams import arrivals, parse_events
from stubforge.model.recording import read_recordings


def upstream_app(events: int, seed: int) -> Starlette:
    rng = random.Random(seed)

    async def stream(request: Request) -> EventSourceResponse:
        first = rng.uniform(0.040, 0.060)
        gaps = [rng.uniform(0.010, 0.030) for _ in range(events - 1)]

        async def produce() -> AsyncIterator[dict[str, str]]:
            loop = asyncio.get_running_loop()
            due = loop.time() + first
            for i in range(events):
                await asyncio.sleep(max(0.0, due - loop.time()))
                yield {"data": f'{{"token":{i}}}', "id": str(i)}
                if i < len(gaps):
                    due += gaps[i]

        return EventSourceResponse(produce(), ping=3600)

    return Starlette(routes=[Route("/v1/stream", stream)])


@contextmanager
def upstream(events: int, seed: int) -> Iterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(upstream_app(events, seed), "127.0.0.1", 0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def recorder(upstream_url: str, out: Path) -> Iterator[str]:
    env = {**os.environ, "STUBFORGE_REDACT_KEY": "bench-key"}
    cmd = [sys.executable, "-m", "stubforge.record", "record", "--listen", "127.0.0.1:0"]
    proc = subprocess.Popen(
        [*cmd, "--out", str(out), "--upstream", upstream_url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    port = 0
    for line in proc.stderr:
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if m:
            port = int(m.group(1))
            break
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(stubs: Path, seed: int) -> Iterator[str]:
    port = free_port()
    cmd = [sys.executable, "-m", "stubforge.cli", "serve", "--stubs", str(stubs), "--port"]
    cmd += [str(port), "--no-watch", "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen([*cmd, "--seed", str(seed)])
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def client_timing(url: str) -> tuple[float, list[float]]:
    async with (
        httpx.AsyncClient(timeout=30) as client,
        aconnect_sse(client, "GET", url) as source,
    ):
        start = time.perf_counter()
        times = [time.perf_counter() async for _ in source.aiter_sse()]
    return times[0] - start, [b - a for a, b in itertools.pairwise(times)]


def recorded_timing(out: Path) -> tuple[list[float], list[float]]:
    firsts: list[float] = []
    gaps: list[float] = []
    for entry in read_recordings(out):
        text = entry.response.content.text or ""
        events = parse_events(text)
        times = arrivals(text.encode(), events, entry.chunks or [])
        assert times is not None, "chunk sizes do not describe the body"
        firsts.append(times[0])
        gaps.extend(b - a for a, b in itertools.pairwise(times))
    return firsts, gaps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--streams", type=int, default=10)
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out, stubs = Path(tmp, "recordings"), Path(tmp, "stubs")
        with upstream(args.events, args.seed) as up, recorder(up, out) as rec:
            for _ in range(args.streams):
                with (
                    httpx.Client(timeout=30) as client,
                    connect_sse(client, "GET", rec.rstrip("/") + "/v1/stream") as source,
                ):
                    assert sum(1 for _ in source.iter_sse()) == args.events
            time.sleep(0.5)  # the last line is flushed when its exchange completes
        rec_firsts, rec_gaps = recorded_timing(out)
        subprocess.run(
            [sys.executable, "-m", "stubforge.cli", "compile", str(out), "-o", str(stubs)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        firsts: list[float] = []
        gaps: list[float] = []
        with served(stubs, args.seed) as url:
            for _ in range(args.streams):
                first, stream_gaps = asyncio.run(client_timing(url + "/v1/stream"))
                firsts.append(first)
                gaps.extend(stream_gaps)
    print(f"{args.streams} streams x {args.events} events recorded, compiled and replayed")
    print("| measure | samples (recorded / replayed) | recorded p50 | replayed p50 | result |")
    print("|---|---|---|---|---|")
    passed = True
    for name, recorded, replayed in (
        ("time to first event", rec_firsts, firsts),
        ("gap between events", rec_gaps, gaps),
    ):
        want, got = statistics.median(recorded), statistics.median(replayed)
        error = (got - want) / want
        ok = abs(error) <= 0.10
        passed = passed and ok
        print(
            f"| {name} | {len(recorded)} / {len(replayed)} | {want * 1000:.1f} ms | "
            f"{got * 1000:.1f} ms ({error:+.1%}) | {'pass' if ok else 'FAIL'} |"
        )
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
