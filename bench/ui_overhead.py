"""Does an open UI cost the replay path anything? S1 (one static stub, ``wrk -t2 -c32``)
against one server, alternating rounds with and without a live journal stream open
(``GET /__admin/events``, what the UI's journal view holds open).

    .venv/bin/python bench/ui_overhead.py [--rounds 6] [--duration 5]

Loopback only; stops by itself. Prints req/s per round and the median ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import httpx
from loadgen import free_port, wait_up, wrk

STUB = "version: 1\nroutes:\n  - request: {method: GET, path: /hello}\n    response: {body: hi}\n"


def hold_stream(port: int, stop: threading.Event, got: list[int]) -> None:
    with (
        httpx.Client(timeout=None) as c,
        c.stream("GET", f"http://127.0.0.1:{port}/__admin/events?backlog=0") as r,
    ):
        for line in r.iter_lines():
            if line.startswith("data: "):
                got[0] += 1
            if stop.is_set():
                return


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--duration", type=int, default=5)
    args = ap.parse_args()
    stubs = Path(tempfile.mkdtemp(prefix="stubforge-ui-bench-"))
    (stubs / "s1.yaml").write_text(STUB)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "stubforge.cli", "serve", "--stubs", str(stubs), "--port",
         str(port), "--no-watch", "--no-access-log", "--log-level", "warning"],
    )  # fmt: skip
    try:
        wait_up(port)
        url = f"http://127.0.0.1:{port}/hello"
        wrk(url, 2, 32, 2)  # warm-up
        rows: list[tuple[float, float]] = []
        for _ in range(args.rounds):
            closed = wrk(url, 2, 32, args.duration).rps
            stop, got = threading.Event(), [0]
            t = threading.Thread(target=hold_stream, args=(port, stop, got), daemon=True)
            t.start()
            opened = wrk(url, 2, 32, args.duration).rps
            stop.set()
            httpx.get(url)  # one more event, so the stream reader wakes up and ends
            t.join(5)
            rows.append((closed, opened))
            print(f"closed {closed:,.0f} req/s | open {opened:,.0f} req/s "
                  f"({got[0]:,} events streamed)")  # fmt: skip
        ratio = statistics.median(o / c for c, o in rows)
        print(f"median open/closed: {ratio:.3f}")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
