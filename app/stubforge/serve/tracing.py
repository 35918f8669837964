"""OpenTelemetry: one server span per replayed request, continuing the caller's trace.

Off by default (``stubforge serve --otel`` turns it on) and then free: nothing of
OpenTelemetry is imported and no observer is registered. On, it is an observer like the
journal: after the response, a span is made from the :class:`Outcome` with the request's
own start and end times, its parent taken from the incoming ``traceparent`` (W3C Trace
Context), the route, session, profile, rule, delay, fault and match/miss as attributes,
and the behaviour decisions as span events. Export is the SDK's: ``--otel`` installs a
``TracerProvider`` with a batching OTLP/HTTP exporter configured by the standard
``OTEL_*`` variables (``OTEL_EXPORTER_OTLP_ENDPOINT``, ``OTEL_SERVICE_NAME``...), unless
the process already has one.
"""

from __future__ import annotations

from typing import Any

from stubforge import __version__
from stubforge.serve.outcome import Outcome

_CONTEXT_HEADERS = (b"traceparent", b"tracestate", b"baggage")


class Tracing:
    """The span-making observer (``opentelemetry-api`` needed; the SDK for export)."""

    def __init__(self, tracer_provider: Any = None) -> None:
        from opentelemetry import propagate, trace
        from opentelemetry.trace import SpanKind, Status, StatusCode

        provider = tracer_provider or trace.get_tracer_provider()
        self.tracer = provider.get_tracer("stubforge", __version__)
        self.propagator = propagate.get_global_textmap()
        self._server = SpanKind.SERVER
        self._error = Status(StatusCode.ERROR)
        self._status = Status

    def observe(self, o: Outcome) -> None:
        req = o.request
        carrier = {
            k.decode("latin-1"): v.decode("latin-1")
            for k, v in req.raw_headers
            if k in _CONTEXT_HEADERS
        }
        parent = self.propagator.extract(carrier) if carrier else None
        start = int(o.started * 1e9)
        attributes: dict[str, Any] = {
            "http.request.method": req.method,
            "url.path": req.path,
            "http.response.status_code": o.status,
            "stubforge.matched": o.route_id is not None,
            "stubforge.delay_ms": round(o.delay * 1000, 3),
        }
        optional = {
            "http.route": o.route_id,
            "stubforge.route": o.route_id,
            "stubforge.session": o.session,
            "stubforge.profile": o.profile,
            "stubforge.rule": o.rule,
            "stubforge.fault": o.fault,
            "stubforge.passthrough": o.passthrough,
        }
        attributes.update({k: v for k, v in optional.items() if v})
        name = f"{req.method} {o.route_id or 'MISS'}"
        span = self.tracer.start_span(
            name, context=parent, kind=self._server, start_time=start, attributes=attributes
        )
        for event, value in self._decisions(o):
            span.add_event(event, value, timestamp=start)
        if o.fault is not None or o.status >= 500:
            span.set_status(self._error)
        span.end(end_time=start + int(o.duration * 1e9))

    @staticmethod
    def _decisions(o: Outcome) -> list[tuple[str, dict[str, Any]]]:
        out: list[tuple[str, dict[str, Any]]] = []
        if o.route_id is None:
            closest = [m.get("route") for m in (o.near_misses or []) if m.get("route")]
            out.append(("stubforge.miss", {"closest": [str(c) for c in closest][:3]}))
        if o.rule:
            out.append(("stubforge.rule", {"rule": o.rule}))
        if o.delay > 0:
            out.append(("stubforge.delay", {"seconds": o.delay}))
        if o.fault:
            out.append(("stubforge.fault", {"fault": o.fault}))
        return out


def install_exporter() -> None:
    """``stubforge serve --otel``: an SDK provider with a batching OTLP/HTTP exporter,
    configured by the ``OTEL_*`` environment, unless one is installed already."""
    import os

    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    name = os.environ.get("OTEL_SERVICE_NAME") or "stubforge"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
