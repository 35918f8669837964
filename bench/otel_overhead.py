"""Cost of ``--otel`` per request, without the network: the replay app called directly.

    .venv/bin/python bench/otel_overhead.py [--rounds 15] [--requests 5000]

Times alternating rounds of the sample stubs' ``GET /v1/customers/cus_42`` through three
apps over one stub set: observers as ``stubforge serve`` has them (journal, metrics),
the same plus the OpenTelemetry observer exporting to a no-op span processor (the SDK's
cost, not a collector's), and the same plus the observer with the SDK's batching
processor over an in-memory exporter. Prints microseconds per request, median of rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path
from typing import Any

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from stubforge.assemble import build_app
from stubforge.serve.config import ServeConfig
from stubforge.serve.state import ServerState
from stubforge.serve.tracing import Tracing

STUBS = Path(__file__).resolve().parents[1] / "stubs"
TRACEPARENT = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: Any) -> None:
    return None


async def _run(app: Any, n: int) -> float:
    scope = {
        "type": "http", "method": "GET", "path": "/v1/customers/cus_42", "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), (b"traceparent", TRACEPARENT)],
        "client": ("127.0.0.1", 1),
    }  # fmt: skip
    start = time.perf_counter()
    for _ in range(n):
        await app(dict(scope), _receive, _send)
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--requests", type=int, default=5000)
    args = ap.parse_args()
    apps: dict[str, Any] = {}
    for name in ("off", "on, no export", "on, batch export"):
        state, errors = ServerState.initial(ServeConfig(stubs=STUBS, watch=False))
        assert state is not None, errors
        app = build_app(state)
        if name != "off":
            provider = TracerProvider()
            if name == "on, batch export":
                provider.add_span_processor(BatchSpanProcessor(InMemorySpanExporter()))
            app.replay.observers.append(Tracing(provider).observe)
        apps[name] = app
    times: dict[str, list[float]] = {k: [] for k in apps}
    loop = asyncio.new_event_loop()
    for r in range(args.rounds):
        order = list(apps)[r % 3 :] + list(apps)[: r % 3]
        for name in order:
            times[name].append(loop.run_until_complete(_run(apps[name].replay, args.requests)))
    base = statistics.median(times["off"])
    print("| otel | us per request (median) | vs. off |")
    print("|---|---:|---:|")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {med:.1f} | {med / base:.2f}x |")


if __name__ == "__main__":
    main()
