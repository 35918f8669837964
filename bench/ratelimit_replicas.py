"""Rate limits across replica processes under continuous load (run by hand; loopback).

Starts a ``redis-server`` (free port, no persistence) and two ``stubforge serve`` processes
sharing it, then loads a fixed window (40 per 1 s) and a token bucket (20 tokens, 30 per
second) through both replicas for ``--duration`` seconds each, and prints what was let
through against the most an exact limit allows over the run (measured on Redis's clock).

    .venv/bin/python bench/ratelimit_replicas.py --duration 30
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "app")]

from tests.store.conftest import start_redis  # noqa: E402
from tests.store.replica_load import (  # noqa: E402
    fixed_window_bound,
    load,
    replicas,
    token_bucket_bound,
)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--duration", type=float, default=30.0)
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--workers", type=int, default=8, help="concurrent clients per replica")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_redis(Path(tmp))
        try:
            stubs = Path(tmp) / "stubs"
            stubs.mkdir()
            namespace = f"bench{uuid.uuid4().hex[:8]}"
            with replicas(stubs, server.url, namespace, args.replicas) as urls:
                for path, bound in (
                    ("/fixed", fixed_window_bound),
                    ("/bucket", token_bucket_bound),
                ):
                    run = load(server.url, urls, path, args.duration, args.workers)
                    span = run.ended - run.started
                    print(
                        f"{path}: {args.replicas} replicas x {span:.1f}s: "
                        f"{run.allowed + run.refused} requests, {run.allowed} let through, "
                        f"exact bound {bound(run)}, over by {max(0, run.allowed - bound(run))}"
                    )
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
