"""Stub-count scaling with the host's drift taken out: one stub against 10,000, alternating.

    .venv/bin/python bench/scaling.py [--rounds 12] [--duration 5] [--n 10000]

The shared harness (``bench/run_peers.sh``) starts a fresh server per stub set and runs
the modes one after the other, minutes apart; on this shared host the speed drifts by
+/-20% over minutes, which swamps a 10% criterion. This script uses the harness's own
pieces (its S2 stub sets, ``wrk -t2 -c32`` with its Lua script, its CPU accounting) but
keeps three stubforge servers running -- S1's one stub, S2's one stub, and S2's N
stubs -- and alternates short measured runs between them: each round measures both
one-stub servers, then N stubs hit at the last and at a random stub, in a rotating
order. Each run is compared with the one-stub runs of the same round; the report gives
the medians of those ratios next to the medians of the raw figures, plus requests per
second of server CPU.

Needs wrk and ../shared/bench beside the repository; servers on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1] / "shared" / "bench")]

import peers_target  # noqa: E402

import bench  # noqa: E402  (the shared harness's driver)


class _Server:
    def __init__(self, stubs: list[Any], work: Path, name: str) -> None:
        self.dir = work / name
        peers_target.write_stubs(stubs, self.dir)
        self.port = bench.free_port()
        ctx = {"stub_dir": self.dir, "port": self.port}
        self.proc = subprocess.Popen(
            peers_target.command(ctx), start_new_session=True, stdout=subprocess.DEVNULL
        )
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(self.base() + "/__admin/health", timeout=2):
                    break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"{name}: server did not start") from None
                time.sleep(0.2)

    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def _measure(server: _Server, run: Any, seconds: int, work: Path) -> dict[str, float]:
    cpu0, t0 = bench.group_cpu_seconds(server.proc.pid), time.time()
    result, _ = bench.wrk(server, run, seconds, 5, work)
    wall = time.time() - t0
    cores = (bench.group_cpu_seconds(server.proc.pid) - cpu0) / wall
    rps = result["requests"] / (result["duration_us"] / 1e6)
    if result["non2xx"] or result["err_timeout"]:
        raise RuntimeError(
            f"{run.mode}: {result['non2xx']} non-2xx, {result['err_timeout']} timeouts"
        )
    return {"rps": rps, "cores": cores, "p99_ms": result["p99_us"] / 1000}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--duration", type=int, default=5, help="seconds per measured run")
    ap.add_argument("--warmup", type=int, default=3, help="seconds per run, first round")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=HERE / "results")
    args = ap.parse_args()
    ping_set = bench.build_scenarios(["S1"], [])[0]
    one_set = bench.build_scenarios(["S2"], [1])[0]
    many_set = bench.build_scenarios(["S2"], [args.n])[0]
    runs = {("S1", "fixed"): ping_set.runs[0], ("1", "last"): one_set.runs[0]}
    runs.update({(str(args.n), r.mode): r for r in many_set.runs if r.mode in ("last", "random")})
    work = Path(tempfile.mkdtemp(prefix="stubforge-scaling-"))
    servers = {
        "S1": _Server(ping_set.stubs, work, "ping"),
        "1": _Server(one_set.stubs, work, "one"),
        str(args.n): _Server(many_set.stubs, work, "many"),
    }
    rows: list[dict[str, Any]] = []
    try:
        for key, run in runs.items():  # warm-up (and a check that each run answers)
            _measure(servers[key[0]], run, args.warmup, work)
        keys = list(runs)
        for rnd in range(args.rounds):
            order = keys[rnd % len(keys) :] + keys[: rnd % len(keys)]
            for key in order:
                m = _measure(servers[key[0]], runs[key], args.duration, work)
                rows.append({"round": rnd, "n": key[0], "mode": key[1], **m})
                print(
                    f"round {rnd:2d} N={key[0]:>6} {key[1]:<6} {m['rps']:9,.0f} req/s "
                    f"server {m['cores']:.2f} cores p99 {m['p99_ms']:.1f} ms",
                    flush=True,
                )
    finally:
        for server in servers.values():
            server.stop()
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    lines = "".join(json.dumps(r) + "\n" for r in rows)
    (args.out / f"alternating-{stamp}.jsonl").write_text(lines)
    report = _report(rows, args)
    (args.out / f"alternating-{stamp}.md").write_text(report + "\n")
    print(report)


def _report(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    s1 = {r["round"]: r["rps"] for r in rows if r["n"] == "S1"}
    one = {r["round"]: r["rps"] for r in rows if r["n"] == "1"}
    lines = [
        f"{args.rounds} rounds of {args.duration} s per run, wrk -t2 -c32 (harness Lua script);"
        " ratios: median over rounds of the run's req/s over the one-stub run's of the same"
        " round (S1 ping, or S2 with N=1)",
        "",
        "| stubs | mode | req/s median (min-max) | vs. S1 | vs. S2 N=1 |"
        " req/s per server core (median) |",
        "|---|---|---|---:|---:|---:|",
    ]
    for n, mode in dict.fromkeys((r["n"], r["mode"]) for r in rows):
        sel = [r for r in rows if (r["n"], r["mode"]) == (n, mode)]
        rps = [r["rps"] for r in sel]
        vs_s1 = statistics.median(r["rps"] / s1[r["round"]] for r in sel)
        vs_one = statistics.median(r["rps"] / one[r["round"]] for r in sel)
        per_core = statistics.median(r["rps"] / r["cores"] for r in sel if r["cores"] > 0)
        spread = f"{min(rps):,.0f}-{max(rps):,.0f}"
        label = "1 (S1 ping)" if n == "S1" else f"{int(n):,}"
        lines.append(
            f"| {label} | {mode} | {statistics.median(rps):,.0f} ({spread})"
            f" | {vs_s1:.0%} | {vs_one:.0%} | {per_core:,.0f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
