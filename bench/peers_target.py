"""stubforge as a target of the shared peer benchmark harness (../shared/bench).

    cd ../shared/bench
    ./run_peers.sh --extra-targets ../../main/bench/peers_target.py \
        --targets stubforge,wiremock,mountebank,py-raw-stubs --scenarios S1,S2,S3,S4

All stubs of a set go into one YAML file, in definition order, so ``first``/``last`` mean
what they mean for the other targets. The server is the repository's own install
(``.venv/bin/stubforge``; override with ``STUBFORGE_BIN``), one uvicorn worker.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from bench import Stub, Target  # the harness's driver module

REPO = Path(__file__).resolve().parents[1]
BIN = Path(os.environ.get("STUBFORGE_BIN", REPO / ".venv" / "bin" / "stubforge"))


def _route(i: int, s: Stub) -> str:
    lines = [
        f"  - id: r{i:06d}",
        "    request:",
        f"      method: {s.method}",
        f"      path: {json.dumps(s.path)}",
    ]
    if s.match_json is not None:
        lines.append(f"      body: {{json: {json.dumps(s.match_json)}}}")
    lines += ["    response:", f"      status: {s.status}", f"      json: {json.dumps(s.body)}"]
    if s.delay_ms:
        lines.append(f"    latency: {s.delay_ms}ms")
    return "\n".join(lines)


def write_stubs(stubs: list[Stub], stub_dir: Path) -> None:
    stub_dir.mkdir(parents=True, exist_ok=True)
    body = "\n".join(_route(i, s) for i, s in enumerate(stubs))
    (stub_dir / "bench.yaml").write_text(f"version: 1\nservice: bench\nroutes:\n{body}\n")


def command(ctx: dict[str, Any]) -> list[str]:
    return [
        str(BIN),
        "serve",
        "--stubs",
        str(ctx["stub_dir"]),
        "--host",
        "127.0.0.1",
        "--port",
        str(ctx["port"]),
        "--no-watch",
        "--log-level",
        "warning",
    ]


def _versions() -> dict[str, str]:
    return {"stubforge": "0.1.0 (repo)"}


def targets() -> list[Target]:
    return [
        Target(
            name="stubforge",
            description="stubforge serve: raw ASGI fast path, indexed router, uvicorn 1 worker "
            "(httptools, uvloop)",
            write_stubs=write_stubs,
            command=command,
            ready_path=lambda ctx: f"http://127.0.0.1:{ctx['port']}/__admin/health",
            scenarios=("S1", "S2", "S3", "S4"),
            versions=_versions,
        )
    ]
