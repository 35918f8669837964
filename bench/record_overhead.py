"""Added latency and throughput of ``stubforge record`` (loopback only, bounded).

Starts a small keep-alive HTTP upstream (asyncio, its own process), then the
real recorder in reverse mode in front of it (its own process), and drives
both with httpx from this process: the same requests direct and through the
recorder, at 1 and 32 concurrent clients. Prints p50/p99 per mode, the added
latency, and the recorder's throughput; writes JSON to ``bench/results/``.

    .venv/bin/python bench/record_overhead.py [--requests 2000] [--body 1024]

Stops by itself; every process it starts is ended before it exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# --- upstream ------------------------------------------------------------------


async def _serve(port: int, body_size: int) -> None:
    body = json.dumps({"id": "cus_1", "pad": "x" * max(0, body_size - 30)}).encode()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(
        body
    )

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                headers = await reader.readuntil(b"\r\n\r\n")
                m = re.search(rb"(?i)content-length:\s*(\d+)", headers)
                if m:
                    await reader.readexactly(int(m.group(1)))
                writer.write(head + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    print(f"upstream listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


def start_upstream(body_size: int) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve-upstream", "--body", str(body_size)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, int(line.rsplit(":", 1)[1])


def start_recorder(upstream_port: int, out: Path) -> tuple[subprocess.Popen[str], int]:
    env = dict(os.environ, STUBFORGE_REDACT_KEY="bench-key")
    proc = subprocess.Popen(
        [sys.executable, "-m", "stubforge.record", "record", "--upstream",
         f"http://127.0.0.1:{upstream_port}", "--listen", "127.0.0.1:0", "--out", str(out)],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if m:
            return proc, int(m.group(1))
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError("recorder did not start")


def start_mitmdump(upstream_port: int) -> tuple[subprocess.Popen[str], int]:
    """Plain mitmdump in the same mode: the share of the overhead that is mitmproxy's own."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    mitmdump = Path(sys.executable).with_name("mitmdump")
    proc = subprocess.Popen(
        [str(mitmdump), "-q", "--mode", f"reverse:http://127.0.0.1:{upstream_port}",
         "--listen-host", "127.0.0.1", "-p", str(port), "--set", "connection_strategy=lazy"],
        stdout=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("mitmdump did not start")


# --- load ----------------------------------------------------------------------


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
    if m:
        await reader.readexactly(int(m.group(1)))
    else:  # chunked
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def run_load(port: int, concurrency: int, total: int) -> tuple[list[float], float]:
    """``total`` POSTs over ``concurrency`` keep-alive connections; latencies (ms), wall (s).

    A minimal HTTP/1.1 client on raw asyncio streams, so that the client's own
    cost stays far below what is measured.
    """
    latencies: list[float] = []
    counter = iter(range(total))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for i in counter:
                body = json.dumps({"amount": 100 + i, "currency": "usd"}).encode()
                raw = (
                    f"POST /v1/charges?n={i} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    "Authorization: Bearer sk_test_4eC39HqLyjWDarjtT1zdp7dc\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode() + body
                t0 = time.perf_counter()
                status = await _request(reader, writer, raw)
                latencies.append((time.perf_counter() - t0) * 1000)
                assert status == 200, status
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - start


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--requests", type=int, default=2000, help="requests per run (default 2000)")
    ap.add_argument("--body", type=int, default=1024, help="response body bytes (default 1024)")
    ap.add_argument("--serve-upstream", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_upstream:
        asyncio.run(_serve(0, args.body))
        return 0

    results: dict[str, object] = {"requests": args.requests, "body_bytes": args.body}
    upstream, up_port = start_upstream(args.body)
    rows: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        recorder, rec_port = start_recorder(up_port, Path(tmp) / "rec")
        plain, plain_port = start_mitmdump(up_port)
        try:
            for c in (1, 32):
                direct, _ = asyncio.run(run_load(up_port, c, args.requests))
                mitm, mitm_wall = asyncio.run(run_load(plain_port, c, args.requests))
                rec, wall = asyncio.run(run_load(rec_port, c, args.requests))
                rows.append(
                    {
                        "concurrency": c,
                        "direct_p50": pct(direct, 50),
                        "direct_p99": pct(direct, 99),
                        "mitmdump_p50": pct(mitm, 50),
                        "mitmdump_p99": pct(mitm, 99),
                        "mitmdump_rps": args.requests / mitm_wall,
                        "recorded_p50": pct(rec, 50),
                        "recorded_p99": pct(rec, 99),
                        "recorded_rps": args.requests / wall,
                    }
                )
        finally:
            for proc in (recorder, plain, upstream):
                proc.terminate()
                proc.wait(15)
        lines = sum(f.read_bytes().count(b"\n") for f in (Path(tmp) / "rec").glob("*.jsonl"))
    results["runs"] = rows
    results["recorded_lines"] = lines

    print(f"\n{args.requests} POST requests per run, {args.body}-byte JSON responses, loopback\n")
    print("| clients | direct p50 / p99 | recorder p50 / p99 | added p50 / p99 "
          "| recorder throughput | plain mitmdump p50 / p99, throughput |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['concurrency']:.0f} | {r['direct_p50']:.2f} / {r['direct_p99']:.2f} ms "
            f"| {r['recorded_p50']:.2f} / {r['recorded_p99']:.2f} ms "
            f"| +{r['recorded_p50'] - r['direct_p50']:.2f}"
            f" / +{r['recorded_p99'] - r['direct_p99']:.2f} ms "
            f"| {r['recorded_rps']:.0f} req/s "
            f"| {r['mitmdump_p50']:.2f} / {r['mitmdump_p99']:.2f} ms,"
            f" {r['mitmdump_rps']:.0f} req/s |"
        )
    expected = 2 * args.requests
    print(f"\nexchanges recorded: {lines} (expected {expected})")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "record_overhead.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0 if lines == expected else 1


if __name__ == "__main__":
    sys.exit(main())
