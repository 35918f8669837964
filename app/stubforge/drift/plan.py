"""Which requests a live run sends: recorded requests (or, for literal read routes, one
built from the stubs), matched to their route, deduplicated, checked for safety and for
secrets, at most ``per_route`` distinct requests per route, routes interleaved.

Pure: the plan is data; :mod:`stubforge.drift.probe` sends it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from stubforge.compile.exchange import NO_JSON, Exchange
from stubforge.drift.compare import Skipped, request_key
from stubforge.drift.expected import RouteStubs, StubIndex
from stubforge.drift.safety import Allowed, refusal
from stubforge.drift.secrets import Secrets, unresolved_kinds
from stubforge.model.path_syntax import parse_path_template

_NOT_FORWARDED = frozenset(
    ["host", "content-length", "connection", "transfer-encoding", "keep-alive", "te", "upgrade"]
)


@dataclass(frozen=True)
class Outgoing:
    """A request ready to send: method, path and query, headers and body, secrets in."""

    method: str
    target: str
    """Path (quoted) and query, appended to the upstream URL."""
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Planned:
    """One distinct request to probe and the recorded exchange it comes from."""

    route_id: str
    recorded: Exchange
    outgoing: Outgoing


@dataclass
class Plan:
    requests: list[Planned] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def outgoing(ex: Exchange, secrets: Secrets) -> tuple[Outgoing, set[str]]:
    """The request to send for ``ex`` and the placeholder kinds left unresolved."""
    from stubforge.drift.entries import recorded_url

    url = urlsplit(recorded_url(ex))
    target = url.path + (f"?{url.query}" if url.query else "")
    target = secrets.resolve(target)
    headers: list[tuple[str, str]] = []
    for name, value in ex.headers.items():
        if name in _NOT_FORWARDED:
            continue
        headers.append((name, secrets.resolve(value, name)))
    present = {name for name, _ in headers}
    for name in secrets.added_headers():
        if name not in present:
            headers.append((name, secrets.values[name]))
    body = secrets.resolve(ex.body or "")
    left = unresolved_kinds(target) | unresolved_kinds(body)
    for _, value in headers:
        left |= unresolved_kinds(value)
    return Outgoing(ex.method, target, headers, body.encode("utf-8")), left


def _synthetic(stubs: RouteStubs, host: str, scheme: str) -> Exchange | None:
    """A request for a literal-path route with one method and no conditions."""
    req = stubs.route.request
    methods = req.methods
    if len(methods) != 1 or methods[0] == "ANY":
        return None
    if any(seg.name is not None for seg in parse_path_template(req.path)):
        return None
    if req.query or req.headers or req.body is not None or req.cookies:
        return None
    return Exchange(
        0, 0.0, scheme, host, methods[0], req.path, [], {}, None, NO_JSON,
        0, {}, None, None, NO_JSON, "", 0.0, None,
    )  # fmt: skip


def build_plan(
    index: StubIndex,
    recorded: Iterable[Exchange],
    secrets: Secrets,
    allowed: list[Allowed],
    upstream: str,
    per_route: int = 5,
) -> Plan:
    """Every distinct request worth probing, per route, in route order."""
    plan = Plan()
    chosen: dict[str, dict[str, Exchange]] = {}
    unmatched = 0
    for ex in recorded:
        found = index.match(ex)
        if found is None:
            unmatched += 1
            continue
        stubs = found[0]
        per = chosen.setdefault(stubs.id, {})
        if len(per) < per_route:
            per.setdefault(request_key(ex), ex)
    if unmatched:
        plan.notes.append(f"{unmatched} recorded request(s) match no stub route: not probed")
    base = urlsplit(upstream)
    for stubs in index.routes:
        requests = list(chosen.get(stubs.id, {}).values())
        if not requests:
            made = _synthetic(stubs, base.netloc, base.scheme or "http")
            if made is None:
                plan.skipped.append(
                    Skipped(
                        stubs.id,
                        "no-request",
                        "not probed: no recorded request for this route (give --recordings)",
                    )
                )
                continue
            requests = [made]
        reasons: list[str] = []
        for ex in requests:
            why = refusal(ex, stubs.route, allowed)
            if why is not None:
                reasons.append(why)
                continue
            out, left = outgoing(ex, secrets)
            if left:
                reasons.append(
                    "not probed: the recorded request carries redacted value(s) of kind "
                    f"{', '.join(sorted(left))}; give them with --secrets"
                )
                continue
            plan.requests.append(Planned(stubs.id, ex, out))
        if reasons and not any(p.route_id == stubs.id for p in plan.requests):
            kind = "unsafe" if "is not a read" in reasons[0] else "secrets"
            plan.skipped.append(Skipped(stubs.id, kind, reasons[0]))
    # Interleave routes (every route's first request, then every second one...) so that a
    # budget cut still leaves every route an answer.
    seen: dict[str, int] = {}
    ranked = []
    for n, planned in enumerate(plan.requests):
        rank = seen.get(planned.route_id, 0)
        seen[planned.route_id] = rank + 1
        ranked.append((rank, n, planned))
    plan.requests = [p for _, _, p in sorted(ranked, key=lambda t: (t[0], t[1]))]
    return plan
