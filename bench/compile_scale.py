"""Compiler scale benchmark: 100,000 synthetic exchanges across 200 routes.

    .venv/bin/python bench/compile_scale.py [--exchanges 100000] [--routes 200]

Writes the recordings to a temporary directory, compiles them (reading included) and
prints wall time, peak RSS and the size of the output. Run by hand; loopback only.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from pathlib import Path


def entry(i: int, route: int, rng: random.Random) -> dict[str, object]:
    kind = route % 4
    item = rng.randint(1, 500)
    method, path, status = "GET", f"/v1/area{route // 8}/res{route % 8}/{item}", 200
    body: object = {"id": item, "name": f"item-{item % 7}", "kind": f"r{route}"}
    req_body = None
    if kind == 1:
        path = f"/v1/area{route // 8}/res{route % 8}"
        body = {"data": [{"id": k} for k in range(10)], "page": item % 5}
        path += f"?page={item % 5}"
    elif kind == 2:
        method, path, status = "POST", f"/v1/area{route // 8}/res{route % 8}", 201
        req_body = json.dumps({"name": f"n{item}", "amount": item})
        body = {"id": f"{rng.getrandbits(128):032x}", "name": f"n{item}", "amount": item}
    if rng.random() < 0.02:
        status, body = 503, {"error": "unavailable"}
    started = 1714564800 + i * 0.01
    request: dict[str, object] = {
        "method": method,
        "url": f"https://api.bench.example{path}",
        "headers": [{"name": "x-request-id", "value": f"{rng.getrandbits(64):016x}"}],
        "queryString": [],
    }
    if req_body:
        request["postData"] = {"mimeType": "application/json", "text": req_body}
    return {
        "_schema": 1,
        "startedDateTime": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started)) + "+00:00",
        "time": 30,
        "request": request,
        "response": {
            "status": status,
            "headers": [{"name": "content-type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": json.dumps(body)},
        },
        "timings": {"wait": rng.lognormvariate(3.4, 0.35), "send": 0, "receive": 1},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exchanges", type=int, default=100_000)
    parser.add_argument("--routes", type=int, default=200)
    args = parser.parse_args()
    from stubforge.compile.hints import Hints
    from stubforge.compile.merge import write_output
    from stubforge.compile.pipeline import compile_directory

    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        rec = Path(tmp) / "recordings"
        rec.mkdir()
        with (rec / "0001-20240501T120000Z.jsonl").open("w") as fh:
            for i in range(args.exchanges):
                fh.write(json.dumps(entry(i, i % args.routes, rng)) + "\n")
        size_in = sum(p.stat().st_size for p in rec.iterdir())
        start = time.perf_counter()
        output = compile_directory(rec, Hints())
        elapsed = time.perf_counter() - start
        out = Path(tmp) / "stubs"
        write_output(out, output)
        size_out = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"exchanges {args.exchanges}, recordings {size_in / 2**20:.1f} MiB")
        routes = len(output.report.routes)
        print(f"routes {routes}, compile {elapsed:.1f} s, peak RSS {rss:.0f} MiB")
        files = len(list(out.rglob("*.yaml")))
        print(f"output {size_out / 2**10:.0f} KiB in {files} YAML file(s)")


if __name__ == "__main__":
    main()
