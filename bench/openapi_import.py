"""Import time and served memory of a large OpenAPI spec.

    python bench/openapi_import.py SPEC [--copies N]

With ``--copies N`` the spec's paths are repeated N times under ``/copyK`` prefixes (same
components), to reach a given operation count from a real spec. Prints the operation
count, the import time (``stubforge import openapi`` in a fresh process: wall clock and CPU
time, the latter less disturbed by other load on a shared machine), the
importer's peak RSS, and the RSS of ``stubforge serve`` on the result after start-up and
after one request to every route.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml


def _load(path: Path) -> dict:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return json.loads(raw)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("spec", type=Path)
    ap.add_argument("--copies", type=int, default=1)
    args = ap.parse_args()
    doc = _load(args.spec)
    if args.copies > 1:
        paths = doc["paths"]
        doc["paths"] = {
            f"/copy{k}{p}": item for k in range(args.copies) for p, item in paths.items()
        }
    ops = sum(
        1
        for item in doc["paths"].values()
        for m in item
        if m in ("get", "put", "post", "delete", "patch", "head", "options", "trace")
    )
    tmp = Path(tempfile.mkdtemp(prefix="sf-openapi-"))
    spec = tmp / "spec.json"
    spec.write_text(json.dumps(doc))
    env = {**os.environ}
    started = time.perf_counter()
    done = subprocess.run(
        [
            "/usr/bin/time",
            "-f",
            "%M %U %S",
            sys.executable,
            "-m",
            "stubforge.cli",
            "import",
            "openapi",
            str(spec),
            "-o",
            str(tmp / "stubs"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    seconds = time.perf_counter() - started
    rss_text, user, system = done.stderr.strip().splitlines()[-1].split()
    import_rss, cpu = int(rss_text), float(user) + float(system)
    stub_files = sorted((tmp / "stubs").rglob("*.yaml"))
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    routes = [r for f in stub_files for r in yaml.load(f.read_text(), Loader=loader)["routes"]]
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stubforge.cli",
            "serve",
            "--stubs",
            str(tmp / "stubs"),
            "--port",
            str(port),
            "--no-watch",
            "--log-level",
            "error",
        ],
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/__admin/health", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        rss_start = _rss_kib(server.pid)
        with httpx.Client(base_url=base, timeout=5) as client:
            for r in routes:
                method = r["request"]["method"]
                path = re.sub(r"\{[^}]*\}", "1", r["request"]["path"])
                client.request(method, path, headers={"authorization": "Bearer x"})
        rss_after = _rss_kib(server.pid)
    finally:
        server.terminate()
        server.wait(10)
    size = sum(f.stat().st_size for f in stub_files) // 1024
    print(f"operations: {ops}, routes: {len(routes)}, {len(stub_files)} stub file(s): {size} KiB")
    print(
        f"import: {seconds:.2f} s wall, {cpu:.2f} s CPU (user+sys), "
        f"peak RSS {import_rss / 1024:.0f} MiB"
    )
    print(
        f"serve: RSS {rss_start / 1024:.0f} MiB after start, {rss_after / 1024:.0f} MiB "
        f"after one request per route"
    )


if __name__ == "__main__":
    main()
