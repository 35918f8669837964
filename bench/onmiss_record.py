"""Reverse-proxy recording: ``stubforge serve --on-miss record`` against ``stubforge record``
(mitmproxy) on the same upstream (loopback only, bounded).

Reuses ``record_overhead.py``'s keep-alive upstream and raw-asyncio load client: the same
POSTs (a bearer token and a JSON body, so redaction has work) go direct, through
``serve --on-miss proxy``, through ``serve --on-miss record`` and through the recorder,
at 1 and 32 concurrent clients. Prints req/s and the added p50/p99 per mode and writes
JSON to ``bench/results/onmiss_record.json``.

    .venv/bin/python bench/onmiss_record.py [--requests 2000] [--recorder-python PY]

``--recorder-python``: the interpreter that has mitmproxy (the recorder needs Python 3.12+);
the default is this one. Every process it starts is ended before it exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from record_overhead import pct, run_load, start_upstream

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, STUBFORGE_REDACT_KEY="bench-key", PYTHONPATH=str(ROOT / "app"))


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def start_serve(policy: str, upstream_port: int, tmp: Path) -> tuple[subprocess.Popen[bytes], int]:
    stubs = tmp / "stubs"
    stubs.mkdir(exist_ok=True)
    (stubs / "ping.yaml").write_text(
        "version: 1\nroutes:\n  - {request: {method: GET, path: /ping}, response: {status: 204}}\n"
    )
    port = _port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "stubforge.cli", "serve", "--stubs", str(stubs), "--port",
         str(port), "--no-watch", "--no-access-log", "--log-level", "warning", "--on-miss",
         policy, "--upstream", f"http://127.0.0.1:{upstream_port}", "--recordings",
         str(tmp / f"serve-{policy}")],
        cwd=ROOT, env=ENV, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _wait(port, proc)
    return proc, port


def start_recorder(python: str, upstream_port: int, out: Path) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [python, "-m", "stubforge.record", "record", "--upstream",
         f"http://127.0.0.1:{upstream_port}", "--listen", "127.0.0.1:0", "--out", str(out)],
        cwd=ROOT, env=ENV, stderr=subprocess.PIPE, text=True,
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


def _lines(directory: Path) -> int:
    return sum(f.read_bytes().count(b"\n") for f in directory.glob("*.jsonl"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--requests", type=int, default=2000, help="requests per run (default 2000)")
    ap.add_argument("--body", type=int, default=1024, help="response body bytes (default 1024)")
    ap.add_argument(
        "--clients",
        type=lambda t: [int(x) for x in t.split(",")],
        default=[1, 32],
        help="concurrent clients, comma-separated (default 1,32)",
    )
    ap.add_argument("--rounds", type=int, default=3, help="rounds per mode (median kept)")
    ap.add_argument("--recorder-python", default=sys.executable, help="Python with mitmproxy")
    args = ap.parse_args()
    n = args.requests
    warm = min(50, n)
    upstream, up_port = start_upstream(args.body)
    rows: list[dict[str, float]] = []
    procs: list[subprocess.Popen[bytes] | subprocess.Popen[str]] = [upstream]
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        try:
            proxy, proxy_port = start_serve("proxy", up_port, tmp)
            record, record_port = start_serve("record", up_port, tmp)
            recorder, recorder_port = start_recorder(
                args.recorder_python, up_port, tmp / "recorder"
            )
            procs += [proxy, record, recorder]
            for c in args.clients:
                row: dict[str, float] = {"clients": c}
                samples: dict[str, list[tuple[float, float, float]]] = {}
                for _ in range(args.rounds):  # modes interleaved: a busy machine hits all
                    for mode, port in (
                        ("direct", up_port),
                        ("serve_proxy", proxy_port),
                        ("serve_record", record_port),
                        ("recorder", recorder_port),
                    ):
                        asyncio.run(run_load(port, c, warm))
                        lat, wall = asyncio.run(run_load(port, c, n))
                        samples.setdefault(mode, []).append((n / wall, pct(lat, 50), pct(lat, 99)))
                        print(f"{mode} at {c} client(s): {n / wall:.0f} req/s", file=sys.stderr)
                for mode, runs in samples.items():  # the median round of each mode
                    rps, p50, p99 = sorted(runs)[len(runs) // 2]
                    row[f"{mode}_rps"], row[f"{mode}_p50"], row[f"{mode}_p99"] = rps, p50, p99
                rows.append(row)
            time.sleep(1)  # the capture thread finishes its queue
        finally:
            for proc in reversed(procs):
                proc.terminate()
                proc.wait(15)
        recorded = {
            "serve_record": _lines(tmp / "serve-record"),
            "recorder": _lines(tmp / "recorder"),
        }
    expected = len(args.clients) * args.rounds * (n + warm)
    print(f"\n{n} POST requests per run, {args.body}-byte JSON responses, loopback\n")
    print("| clients | mode | req/s | p50 / p99 | added p50 / p99 over direct |")
    print("|---:|---|---:|---:|---:|")
    for r in rows:
        for mode in ("direct", "serve_proxy", "serve_record", "recorder"):
            added = (
                f"+{r[mode + '_p50'] - r['direct_p50']:.2f} / "
                f"+{r[mode + '_p99'] - r['direct_p99']:.2f} ms"
                if mode != "direct"
                else "-"
            )
            print(
                f"| {r['clients']:.0f} | {mode} | {r[mode + '_rps']:.0f} "
                f"| {r[mode + '_p50']:.2f} / {r[mode + '_p99']:.2f} ms | {added} |"
            )
    for r in rows:
        print(
            f"clients {r['clients']:.0f}: serve --on-miss record / stubforge record = "
            f"{r['serve_record_rps'] / r['recorder_rps']:.2f}x req/s"
        )
    print(f"exchanges recorded: {recorded} (expected {expected} each)")
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "onmiss_record.json").write_text(
        json.dumps({"requests": n, "body_bytes": args.body, "runs": rows, "recorded": recorded})
        + "\n"
    )
    return 0 if all(v == expected for v in recorded.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
