"""OpenTelemetry over a real server: the caller's span is the parent of the mock's span,
with the behaviour as attributes and events (the SDK's in-memory exporter); off, nothing
of ours is imported and no observer runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
from opentelemetry import propagate
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from stubforge.serve.config import ServeConfig
from stubforge.serve.tracing import Tracing
from tests.conftest import WriteStubs
from tests.server import running_server

SAMPLE = str(Path(__file__).resolve().parents[2] / "stubs")

STUBS = """
version: 1
routes:
  - id: get-customer
    request: {method: GET, path: "/v1/customers/{id}"}
    response: {status: 200, json: {object: customer}}
    latency: 5ms
  - id: broken
    request: {method: GET, path: /broken}
    errors:
      - {rate: 1.0, response: {status: 503, body: down}}
    response: {status: 200}
"""


def test_the_mock_span_continues_the_callers_trace(stub_dir: Path, write_stub: WriteStubs) -> None:
    write_stub("api.yaml", STUBS)
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("client")
    with running_server(stub_dir, ServeConfig(watch=False)) as server:
        server.app.replay.observers.append(Tracing(provider).observe)
        with httpx.Client(base_url=server.url, timeout=10) as client:
            with tracer.start_as_current_span("checkout") as parent:
                headers: dict[str, str] = {}
                propagate.inject(headers)
                client.get("/v1/customers/cus_1", headers={**headers, "x-stubforge-session": "s1"})
            client.get("/broken")
            client.get("/nowhere")
    spans = {s.name: s for s in exporter.get_finished_spans()}
    mock = spans["GET get-customer"]
    assert mock.parent is not None
    assert mock.parent.span_id == parent.get_span_context().span_id
    assert mock.context.trace_id == parent.get_span_context().trace_id
    assert mock.attributes is not None
    assert mock.attributes["stubforge.route"] == "get-customer"
    assert mock.attributes["stubforge.session"] == "s1"
    assert mock.attributes["http.response.status_code"] == 200
    assert [e.name for e in mock.events] == ["stubforge.delay"]
    assert mock.end_time is not None and mock.start_time is not None
    assert mock.end_time - mock.start_time >= 5_000_000  # the injected delay is inside
    broken = spans["GET broken"]
    assert broken.parent is None  # no traceparent: a new trace
    assert broken.status.status_code == StatusCode.ERROR
    assert "stubforge.rule" in [e.name for e in broken.events]
    miss = spans["GET MISS"]
    assert miss.attributes is not None and miss.attributes["stubforge.matched"] is False


def test_off_by_default_there_is_no_tracing_observer() -> None:
    """(FastAPI may import the OpenTelemetry API for itself; ours stays unloaded.)"""
    code = (
        "import sys\n"
        "from stubforge.serve.config import ServeConfig\n"
        "from stubforge.serve.state import ServerState\n"
        "from stubforge.assemble import build_app\n"
        f"stubs = __import__('pathlib').Path({SAMPLE!r})\n"
        "state, _ = ServerState.initial(ServeConfig(stubs=stubs, watch=False))\n"
        "app = build_app(state)\n"
        "names = [getattr(o, '__qualname__', '') for o in app.replay.observers]\n"
        "assert not any('Tracing' in n for n in names), names\n"
        "sys.exit('stubforge.serve.tracing' in sys.modules or 'opentelemetry.sdk' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
