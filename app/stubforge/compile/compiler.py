"""The compiler's pure core: exchanges in, stub documents (and a report) out.

No I/O happens here: :func:`compile_exchanges` takes normalised exchanges, the hints and
the ids of routes owned by hand-written files, and returns the text of every compiled
file and body file. Same input, same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from stubforge.compile import rpc, unknownop
from stubforge.compile.behaviour import (
    error_rules,
    infer_throttle,
    is_error,
    is_throttled,
    rate_limit_spec,
)
from stubforge.compile.dribble import infer_dribble
from stubforge.compile.exchange import Exchange
from stubforge.compile.grouping import RouteGroup, group_exchanges
from stubforge.compile.head import get_bodies, with_get_bodies
from stubforge.compile.hints import Hints
from stubforge.compile.latency import fit_latency
from stubforge.compile.report import Report, RouteReport
from stubforge.compile.resources import collapse_variants, infer_resources
from stubforge.compile.responses import build_responses, error_builder
from stubforge.compile.streams import infer_stream, with_events
from stubforge.compile.yamltext import Commented, dump
from stubforge.model.duration import format_duration
from stubforge.model.path_syntax import parse_path_template

COMPILED_SUFFIX = ".compiled.yaml"


@dataclass
class CompileOutput:
    """Files to write (path relative to the output directory → content) and the report."""

    files: dict[str, str] = field(default_factory=dict)
    body_files: dict[str, bytes] = field(default_factory=dict)
    report: Report = field(default_factory=Report)


def _stamp(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _span(exchanges: list[Exchange]) -> str:
    times = [ex.started for ex in exchanges if ex.started]
    if not times:
        return "time unknown"
    return f"{_stamp(min(times))} .. {_stamp(max(times))}"


def _window(exchanges: list[Exchange]) -> dict[str, Any] | None:
    """The route's recording window as stub data (``recorded``), None without times."""
    times = [ex.started for ex in exchanges if ex.started]
    if not times:
        return None
    return {"from": _stamp(min(times)), "to": _stamp(max(times)), "exchanges": len(exchanges)}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.]+", "-", text).strip("-") or "root"


def route_id(group: RouteGroup) -> str:
    """``GET /v1/users/{user_id:int}`` → ``get-v1-users-user_id``; RPC: plus the operation."""
    parts = []
    for seg in parse_path_template(group.template):
        parts.append(seg.literal if seg.name is None else seg.name)
    base = f"{group.method.lower()}-{_slug('-'.join(p for p in parts if p))}"
    op = group.operation
    if op is not None:
        base += "-" + _slug(op.value[:12] if op.kind == "graphql-hash" else op.value)
    return base


def _param_types(template: str) -> dict[str, str]:
    return {s.name: s.type for s in parse_path_template(template) if s.name is not None}


def _status_summary(exchanges: list[Exchange]) -> str:
    counts = Counter("fault" if ex.failed else str(ex.status) for ex in exchanges)
    return ", ".join(f"{k} x{v}" for k, v in sorted(counts.items()))


def compile_exchanges(
    exchanges: Iterable[Exchange],
    hints: Hints,
    hand_routes: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> CompileOutput:
    """Compile ``exchanges``; ``hand_routes`` maps route ids defined by hand → their file."""
    hand_routes = hand_routes or {}
    out = CompileOutput()
    grouping = group_exchanges(exchanges, hints)
    services = sorted({g.service for g in grouping.groups})
    volatile = {v.lower() for v in hints.volatile}
    times = [ex.started for g in grouping.groups for ex in g.exchanges if ex.started]
    origin = min(times) if times else 0.0
    for service in services:
        groups = [g for g in grouping.groups if g.service == service]
        out.report.ambiguities.extend(grouping.templates[service].ambiguities)
        doc = _service_document(
            service,
            groups,
            grouping.upstreams[service],
            hints,
            volatile,
            hand_routes,
            len(services) > 1,
            out,
            progress,
            origin,
        )
        out.files[f"{service}{COMPILED_SUFFIX}"] = doc
    return out


def _service_document(
    service: str,
    groups: list[RouteGroup],
    upstream: str,
    hints: Hints,
    volatile: set[str],
    hand_routes: dict[str, str],
    prefix_ids: bool,
    out: CompileOutput,
    progress: Callable[[int], None] | None,
    origin: float,
) -> str:
    everything = [ex for g in groups for ex in g.exchanges]
    throttled_routes = [g for g in groups if any(is_throttled(ex) for ex in g.exchanges)]
    file_throttle = infer_throttle(everything) if len(throttled_routes) > 1 else None
    defaults: dict[str, Any] = {}
    service_fit = fit_latency([ex.latency for ex in everything if not ex.failed])
    header = [
        f"Compiled by 'stubforge compile' from {len(everything)} exchanges with {upstream}",
        f"recorded {_span(everything)}.",
        f"Do not edit: re-compiling replaces this file. Put hand edits in {service}.overrides.yaml",
        "(a route there with the same id replaces the compiled one; see docs/compiler.md).",
    ]
    if service_fit is not None:
        defaults["latency"] = Commented(service_fit.spec, [service_fit.comment()])
    else:
        samples = sorted(ex.latency for ex in everything if not ex.failed and ex.latency > 0)
        if samples:
            defaults["latency"] = Commented(
                format_duration(max(round(samples[len(samples) // 2], 4), 0.0001)),
                [f"latency: median of {len(samples)} samples (too few to fit a distribution)"],
            )
    if file_throttle is not None:
        defaults["rate_limit"] = Commented(
            rate_limit_spec(file_throttle, "file"), [f"rate limit: {file_throttle.evidence}"]
        )
    routes: list[Commented] = []
    used: set[str] = set()
    gets = get_bodies(everything)
    compiled: list[tuple[RouteGroup, Commented, RouteReport]] = []
    resources = infer_resources(groups)
    for res in [r for r in resources if f"resource:{r.spec['name']}" in hand_routes]:
        resources.remove(res)  # the hand-written resource answers these routes
        header.append(
            f"Resource {res.spec['name']} defined by hand in "
            f"{hand_routes['resource:' + res.spec['name']]} (not compiled here)"
        )
    for group in groups:
        rid = route_id(group)
        if prefix_ids:
            rid = f"{service}.{rid}"
        base, n = rid, 2
        while rid in used:
            rid, n = f"{base}-{n}", n + 1
        used.add(rid)
        report = RouteReport(
            service,
            rid,
            group.method,
            group.template,
            len(group.exchanges),
            _status_summary(group.exchanges),
        )
        out.report.routes.append(report)
        if progress is not None:
            progress(len(group.exchanges))
        if rid in hand_routes:
            report.notes.append(f"defined by hand in {hand_routes[rid]}; not compiled")
            report.hand = True
            continue
        route = _route(
            service, rid, group, hints, volatile, file_throttle is None, report, out, origin, gets
        )
        for res in resources:  # the resource answers by id: variants per id are redundant
            if (group.method, group.template) in res.routes and collapse_variants(route.value, res):
                report.notes.append(
                    f"variants keyed on the id collapsed into resource {res.spec['name']}"
                )
        routes.append(route)
        compiled.append((group, route, report))
    routes.extend(_unknown_operation_routes(compiled, used))
    document: dict[str, Any] = {"version": 1, "service": service, "upstream": upstream}
    if defaults:
        document["defaults"] = defaults
    document["routes"] = routes
    if resources:
        document["resources"] = [r.commented() for r in resources]
    skipped = sorted(r.id for r in out.report.routes if r.service == service and r.hand)
    if skipped:
        header.append(f"Routes defined by hand (not compiled here): {', '.join(skipped)}")
    return dump(document, header)


def _unknown_operation_routes(
    compiled: list[tuple[RouteGroup, Commented, RouteReport]], used: set[str]
) -> list[Commented]:
    """Low-priority routes answering operations never recorded (see
    :mod:`stubforge.compile.unknownop`): never another operation's success."""
    families: dict[unknownop.Family, list[tuple[Exchange, dict[str, Any] | None]]] = {}
    reports: dict[unknownop.Family, RouteReport] = {}
    for group, route, report in compiled:
        family = group.operation and unknownop.family_of(
            group.method, group.template, group.operation
        )
        if not family:
            continue
        response = route.value.get("response")
        single = response if isinstance(response, dict) else None
        families.setdefault(family, []).extend((ex, single) for ex in group.exchanges)
        reports.setdefault(family, report)
    out = []
    answers = unknownop.unknown_answers(families)
    for family in sorted(answers, key=lambda f: (f.method, f.template, f.kind, f.field)):
        response, why = answers[family]
        base = route_id(RouteGroup("", family.method, family.template, None))
        rid = f"{base}-unknown-{_slug(family.field or family.kind)}"
        stem, n = rid, 2
        while rid in used:
            rid, n = f"{stem}-{n}", n + 1
        used.add(rid)
        reports[family].notes.append(f"{rid}: operations never recorded get {why}")
        request = {"method": family.method, "path": family.template, **family.condition()}
        fallback = {"id": rid, "priority": -1, "request": request, "response": response}
        out.append(Commented(fallback, [f"operations never recorded get {why}"]))
    return out


def _route(
    service: str,
    rid: str,
    group: RouteGroup,
    hints: Hints,
    volatile: set[str],
    own_throttle: bool,
    report: RouteReport,
    out: CompileOutput,
    origin: float,
    gets: dict[str, list[Exchange]] | None = None,
) -> Commented:
    exchanges = group.exchanges
    head_notes: list[str] = []
    if group.method == "HEAD" and gets:
        exchanges, head_notes = with_get_bodies(exchanges, gets)
        report.notes.extend(head_notes)
    ptypes = _param_types(group.template)
    request: dict[str, Any] = {"method": group.method, "path": group.template}
    request.update(rpc.conditions(group.operation))
    route: dict[str, Any] = {"id": rid, "request": request}
    comments = [
        f"{len(exchanges)} exchanges {_span(exchanges)}; statuses {report.statuses}",
    ]
    fit = fit_latency([ex.latency for ex in exchanges if not ex.failed])
    if fit is not None:
        route["latency"] = fit.spec
        comments.append(fit.comment())
    slow = infer_dribble([ex for ex in exchanges if not is_throttled(ex) and not is_error(ex)])
    if slow is not None:
        route["dribble"] = slow.spec
        comments.append(slow.comment())
    throttled = [ex for ex in exchanges if is_throttled(ex)]
    if throttled and own_throttle:
        t = infer_throttle(exchanges)
        if t is not None:
            route["rate_limit"] = rate_limit_spec(t)
            comments.append(f"rate limit: {t.evidence}")
    considered = [ex for ex in exchanges if not is_throttled(ex)]
    normal = [ex for ex in considered if not is_error(ex)]
    errors_from = considered
    if not normal:
        normal = [ex for ex in considered if not ex.failed]
        errors_from = [ex for ex in considered if ex.failed]
    body_prefix = f"{service}/{rid}"
    err_builder = error_builder(
        body_prefix + "-error",
        ptypes,
        hints.body_file_bytes,
        [e for e in errors_from if is_error(e)],
    )

    def response_of(ex: Exchange) -> tuple[str, dict[str, Any]]:
        key, data = err_builder.classify(ex)
        return key, err_builder.finish(data, ex, f"-{ex.status}")

    timeline = sorted(considered, key=lambda ex: (ex.started, ex.index))
    mix = error_rules(
        errors_from,
        len(considered),
        response_of,
        timeline if errors_from is considered else None,
        origin,
    )
    if mix.rules:
        route["errors"] = mix.rules
        shown = ", ".join(f"{label} x{n} ({n / len(considered):.1%})" for label, n in mix.counts)
        comments.append(f"errors: {shown} of {len(considered)}")
        out.body_files.update(err_builder.body_files)
    report.notes.extend(err_builder.notes)
    if not normal:
        route["response"] = {"status": 502, "json": {"error": "no response was recorded"}}
        report.notes.append("only upstream faults were recorded; answering 502 otherwise")
    else:
        built = build_responses(
            body_prefix, normal, ptypes, hints.body_file_bytes, hints.max_variants, volatile
        )
        out.body_files.update(built.body_files)
        report.notes.extend(built.notes)
        report.variants = max(len(built.variants), 1)
        comments.extend(f"header {n}" for n in built.header_notes)
        if group.method == "HEAD" and exchanges is not group.exchanges:
            comments.append("HEAD: the body is the GET body of the same path, never sent;")
            comments.append("it gives Content-Length and the headers derived from it")
        if built.features:
            comments.append(
                "responses depend on " + ", ".join(f.describe() for f in built.features)
            )
        if built.sequence:
            route["sequence"] = {"responses": built.sequence}
            comments.append(f"sequence of {len(built.sequence)} responses (then: stick)")
        elif built.variants:
            route["responses"] = built.variants
        else:
            route["response"] = built.response
        stream = infer_stream(normal) if "response" in route else None
        if stream is not None:  # events with their timing replace the body and its dribble
            route["response"] = with_events(route["response"], stream)
            route.pop("dribble", None)
            comments = [c for c in comments if not c.startswith("slow body:")]
            comments.append(stream.comment())
    window = _window(exchanges)
    if window is not None:
        route["recorded"] = window
    order = (
        "id",
        "request",
        "response",
        "responses",
        "sequence",
        "latency",
        "dribble",
        "rate_limit",
        "errors",
        "recorded",
    )
    return Commented({k: route[k] for k in order if k in route}, comments)
