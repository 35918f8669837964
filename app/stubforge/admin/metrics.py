"""``/__admin/metrics``: the serving counters in the Prometheus text format (0.0.4).

Only under ``/__admin`` (behind the admin token): a root ``/metrics`` would shadow a
stubbed ``/metrics`` of the service being mocked. Point Prometheus at
``/__admin/metrics`` with ``authorization: {credentials: <token>}``.
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from stubforge import __version__
from stubforge.serve.metrics import LATENCY_BUCKETS, Metrics
from stubforge.serve.state import ServerState

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**labels: object) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_escape(str(v))}"' for k, v in labels.items()) + "}"


def _num(value: float) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str) -> None:
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")

    def sample(self, name: str, value: float, **labels: object) -> None:
        self.lines.append(f"{name}{_labels(**labels)} {_num(value)}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def render(metrics: Metrics, state: ServerState) -> str:
    """Every metric family, sorted for stable output."""
    w = _Writer()
    w.family(
        "stubforge_requests_total",
        "counter",
        "Requests answered by the replay path, by route ('' when unmatched), method and "
        "status (0: a fault sent no status).",
    )
    for (route, method, status), n in sorted(metrics.requests.items()):
        w.sample("stubforge_requests_total", n, route=route, method=method, status=status)
    w.family("stubforge_unmatched_requests_total", "counter", "Requests no stub matched.")
    w.sample("stubforge_unmatched_requests_total", metrics.unmatched)
    w.family("stubforge_faults_total", "counter", "Wire faults injected, by route and fault.")
    for (route, fault), n in sorted(metrics.faults.items()):
        w.sample("stubforge_faults_total", n, route=route, fault=fault)
    w.family("stubforge_rate_limited_total", "counter", "429 responses, by route.")
    for route, n in sorted(metrics.rate_limited().items()):
        w.sample("stubforge_rate_limited_total", n, route=route)
    w.family(
        "stubforge_behaviour_rules_total",
        "counter",
        "Responses decided by a behaviour rule (error rule, rate limit...), by route.",
    )
    for (route, rule), n in sorted(metrics.rules.items()):
        w.sample("stubforge_behaviour_rules_total", n, route=route, rule=rule)
    w.family(
        "stubforge_passthrough_requests_total",
        "counter",
        "Unmatched requests forwarded to the real upstream (--on-miss proxy|record).",
    )
    w.sample("stubforge_passthrough_requests_total", sum(metrics.passthrough.values()))
    w.family(
        "stubforge_passthrough_responses_total",
        "counter",
        "Forwarded requests by upstream and the status the client got.",
    )
    for (upstream, status), n in sorted(metrics.passthrough.items()):
        w.sample("stubforge_passthrough_responses_total", n, upstream=upstream, status=str(status))
    w.family("stubforge_injected_delay_seconds_total", "counter", "Latency injected in total.")
    w.sample("stubforge_injected_delay_seconds_total", metrics.delay_seconds)
    name = "stubforge_request_duration_seconds"
    w.family(
        name,
        "histogram",
        "Seconds from arrival to the end of the response (injected latency included).",
    )
    for route, hist in sorted(metrics.latency.items()):
        running = 0
        for bound, n in zip(LATENCY_BUCKETS, hist.buckets, strict=False):
            running += n
            w.sample(f"{name}_bucket", running, route=route, le=_num(bound))
        w.sample(f"{name}_bucket", hist.count, route=route, le="+Inf")
        w.sample(f"{name}_sum", hist.sum, route=route)
        w.sample(f"{name}_count", hist.count, route=route)
    w.family("stubforge_journal_entries", "gauge", "Requests held in the journal.")
    w.sample("stubforge_journal_entries", len(state.journal))
    w.family("stubforge_journal_capacity", "gauge", "Size of the journal ring buffer.")
    w.sample("stubforge_journal_capacity", state.journal.size)
    w.family("stubforge_stubs", "gauge", "Routes served, from files and ephemeral.")
    w.sample("stubforge_stubs", len(state.file_stubs.routes), source="file")
    w.sample("stubforge_stubs", len(state.ephemeral), source="ephemeral")
    w.family("stubforge_reloads_total", "counter", "Successful reloads of the stubs directory.")
    w.sample("stubforge_reloads_total", state.reloads)
    w.family("stubforge_load_errors", "gauge", "Errors of the last failed reload (0: healthy).")
    w.sample("stubforge_load_errors", len(state.load_errors))
    w.family(
        "stubforge_info", "gauge", "Version and stub-set hash: which replicas serve which stubs."
    )
    w.sample("stubforge_info", 1, version=__version__, stubs_hash=stub_set_hash(state))
    return w.text()


_HASHES: dict[int, tuple[object, str]] = {}


def stub_set_hash(state: ServerState) -> str:
    """12 hex digits of SHA-256 over the file stubs as loaded (file names and validated
    content): equal on replicas serving the same stubs. Cached per loaded set."""
    stubs = state.file_stubs
    cached = _HASHES.get(id(stubs))
    if cached is not None and cached[0] is stubs:
        return cached[1]
    digest = hashlib.sha256()
    for f in sorted(stubs.files, key=lambda f: f.display):
        digest.update(f.display.encode())
        digest.update(f.model.model_dump_json().encode())
    value = digest.hexdigest()[:12]
    _HASHES.clear()
    _HASHES[id(stubs)] = (stubs, value)
    return value


def metrics_router(state: ServerState) -> APIRouter:
    api = APIRouter(tags=["server"])

    @api.get("/__admin/metrics", response_class=PlainTextResponse)
    async def metrics() -> PlainTextResponse:
        """Prometheus metrics of what the replay path served."""
        return PlainTextResponse(render(state.metrics, state), media_type=CONTENT_TYPE)

    return api
