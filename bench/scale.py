"""Loading at scale: start time, RSS, bytes per route and reload time of ``stubforge serve``.

    PYTHONPATH=app .venv/bin/python bench/scale.py [--sizes 1000,10000,100000] [--files 10000]
        [--budget 60] [--paths fast|careful|fast,careful]

For each size it writes a stub set in a temporary directory -- all routes in one file --
and, for ``--files``, the same number of routes as one route per file. It starts
``stubforge serve`` on 127.0.0.1 (an ephemeral port) as a subprocess and reports:

- start: seconds from launching the process until ``/__admin/health`` answers;
- RSS: the server's resident set (``VmRSS`` of ``/proc/PID/status``) once it answers;
- bytes per route: (RSS with N routes - RSS with one route) / N;
- reload: after touching one file (a changed status in one route), seconds that
  ``POST /__admin/reload`` takes to answer, and whether the change is then served.

Everything is bounded: each server gets ``--budget`` seconds to start (a size that takes
longer is reported as skipped, and larger sizes are skipped too), and every server is
stopped when its measurement ends. ``--paths careful`` makes the server read every stub
file the position-keeping way (no libyaml fast path); ``--paths fast,careful`` measures
both back to back for each set, which is the only fair comparison on a shared host.
``start_cpu_s`` is the CPU time the server used until it answered: steadier than the
wall-clock start when other processes share the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def route(i: int) -> dict[str, Any]:
    """Route ``i`` of a generated set: a mix of literal and templated paths, methods,
    header and query conditions, JSON and text bodies."""
    kind = i % 4
    if kind == 0:
        return {
            "id": f"r{i}",
            "request": {"method": "GET", "path": f"/svc{i % 50}/items/{i}"},
            "response": {"status": 200, "json": {"id": i, "name": f"item {i}", "ok": True}},
        }
    if kind == 1:
        return {
            "id": f"r{i}",
            "request": {"method": "POST", "path": f"/svc{i % 50}/orders{i}"},
            "response": {
                "status": 201,
                "headers": {"location": f"/svc{i % 50}/orders{i}/1"},
                "json": {"order": i, "lines": [1, 2, 3]},
            },
        }
    if kind == 2:
        return {
            "id": f"r{i}",
            "request": {
                "method": "GET",
                "path": f"/svc{i % 50}/users{i}/{{user_id}}",
                "headers": {"x-tenant": f"t{i % 7}"},
            },
            "response": {"status": 200, "body": f"user of route {i}\n"},
        }
    return {
        "id": f"r{i}",
        "request": {"method": "GET", "path": f"/svc{i % 50}/search{i}", "query": {"q": f"v{i}"}},
        "response": {"status": 200, "json": {"results": [i], "total": 1}},
    }


def request_for(i: int) -> tuple[str, str, dict[str, str]]:
    """A request (method, path with query, headers) that route ``i`` answers."""
    kind = i % 4
    if kind == 0:
        return "GET", f"/svc{i % 50}/items/{i}", {}
    if kind == 1:
        return "POST", f"/svc{i % 50}/orders{i}", {}
    if kind == 2:
        return "GET", f"/svc{i % 50}/users{i}/u42", {"x-tenant": f"t{i % 7}"}
    return "GET", f"/svc{i % 50}/search{i}?q=v{i}", {}


def write_one_file(directory: Path, n: int, service: str = "bench") -> list[Path]:
    """``n`` routes in one file (JSON is YAML: written fast, parsed by the YAML loader)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{service}.yaml"
    doc = {"version": 1, "service": service, "routes": [route(i) for i in range(n)]}
    path.write_text(_flow_yaml(doc), encoding="utf-8")
    return [path]


def write_many_files(directory: Path, n: int) -> list[Path]:
    """``n`` routes, one per file, in 100 subdirectories."""
    paths = []
    for i in range(n):
        sub = directory / f"g{i % 100:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"s{i}.yaml"
        doc = {"version": 1, "service": f"s{i}", "routes": [route(i)]}
        path.write_text(_flow_yaml(doc), encoding="utf-8")
        paths.append(path)
    return paths


def _flow_yaml(doc: dict[str, Any]) -> str:
    """Block YAML at the top, one flow mapping per route: what an editor would keep."""
    head = f"version: 1\nservice: {doc['service']}\nroutes:\n"
    return head + "".join(f"  - {json.dumps(r)}\n" for r in doc["routes"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """``stubforge serve`` on 127.0.0.1, started as a subprocess, stopped on exit."""

    def __init__(self, stubs: Path, budget: float, careful: bool = False) -> None:
        self.port = _free_port()
        env = dict(os.environ, PYTHONPATH=str(REPO / "app"))
        run = "import sys; from stubforge.cli import main; sys.exit(main())"
        if careful:  # the position-keeping reader for every file, for comparison
            run = "from stubforge.load import loader; loader.FAST_YAML = False; " + run
        cmd = [sys.executable, "-c", run, "serve", "--stubs", str(stubs)]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port), "--no-watch"]
        begin = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        self.start_s: float | None = None
        deadline = begin + budget
        while time.perf_counter() < deadline and self.proc.poll() is None:
            try:
                with urllib.request.urlopen(self.url("/__admin/health"), timeout=2):
                    self.start_s = time.perf_counter() - begin
                    break
            except OSError:
                time.sleep(0.05)
        self.rss_kib = _rss_kib(self.proc.pid) if self.start_s is not None else 0
        self.cpu_s = _cpu_s(self.proc.pid) if self.start_s is not None else 0.0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def reload(self) -> float:
        begin = time.perf_counter()
        req = urllib.request.Request(self.url("/__admin/reload"), method="POST", data=b"")
        with urllib.request.urlopen(req, timeout=120) as resp:
            resp.read()
        return time.perf_counter() - begin

    def status_of(self, i: int) -> int:
        method, path, headers = request_for(i)
        req = urllib.request.Request(self.url(path), method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _touch_one(path: Path, i: int) -> None:
    """Change route ``i``'s status in ``path`` (418 instead of 200 or 201)."""
    text = path.read_text(encoding="utf-8")
    old = f'"id": "r{i}", '
    start = text.index(old)
    status_at = text.index('"status": ', start) + len('"status": ')
    path.write_text(text[:status_at] + "418" + text[status_at + 3 :], encoding="utf-8")


def measure(
    label: str, directory: Path, files: list[Path], n: int, budget: float, careful: bool
) -> dict[str, Any]:
    server = Server(directory, budget, careful)
    try:
        row: dict[str, Any] = {"set": label, "routes": n, "path": "careful" if careful else "fast"}
        if server.start_s is None:
            row["skipped"] = f"not answering within {budget:.0f} s"
            return row
        row["start_s"] = round(server.start_s, 2)
        row["start_cpu_s"] = round(server.cpu_s, 2)
        row["rss_mib"] = round(server.rss_kib / 1024, 1)
        touched = n // 2
        _touch_one(files[0] if len(files) == 1 else files[touched], touched)
        row["reload_s"] = round(server.reload(), 2)
        row["reload_served"] = server.status_of(touched) == 418
        return row
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument(
        "--files", type=int, default=10000, help="routes as one file each (0: skip)"
    )
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds a server may take to start"
    )
    parser.add_argument(
        "--paths",
        default="fast",
        help="fast, careful (every file read the position-keeping way) or fast,careful: "
        "both, one right after the other for each set",
    )
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="stubforge-scale-") as tmp:
        work = Path(tmp)
        base = Server(Path(write_one_file(work / "one", 1)[0]), args.budget)
        base_kib = base.rss_kib
        base.stop()
        print(f"baseline: 1 route, RSS {base_kib / 1024:.1f} MiB", flush=True)
        sets = [(f"{int(s):,} routes, one file", int(s), False) for s in args.sizes.split(",")]
        if args.files:
            sets.append((f"{args.files:,} routes, one per file", args.files, True))
        too_slow = False
        for label, n, many in sets:
            if too_slow and not many:
                rows.append({"set": label, "routes": n, "skipped": "a smaller set was too slow"})
                continue
            directory = work / label.replace(" ", "_").replace(",", "")
            for careful in [p == "careful" for p in args.paths.split(",")]:
                files = write_many_files(directory, n) if many else write_one_file(directory, n)
                row = measure(label, directory, files, n, args.budget, careful)
                if "rss_mib" in row:
                    row["bytes_per_route"] = round((row["rss_mib"] * 1024 - base_kib) * 1024 / n)
                elif not many:
                    too_slow = True
                rows.append(row)
                print(json.dumps(row), flush=True)
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
