"""What the stubs would answer: every route of a loaded stub set, indexed for matching.

Routes are matched with the server's own router (:mod:`stubforge.match`), so an answer is
compared with the route — and the response variant — that would have answered its request.
For each route the index keeps the answers it can give (variants, sequence steps, error
rules) with their status, content type, headers and JSON body, and the behaviour it
promises (latency, error rate, rate limit).
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from stubforge.compile.exchange import NO_JSON, Exchange
from stubforge.load.loader import LoadedFile, LoadResult
from stubforge.match.predicates import Check, compile_conditions, compile_when
from stubforge.match.request import Request
from stubforge.match.router import Match, MatchRoute, Router
from stubforge.model.latency import Latency
from stubforge.model.path_syntax import parse_path_template
from stubforge.model.ratelimit import RateLimit
from stubforge.model.response import ResponseSpec, resolve_body_file
from stubforge.model.stub import Route


@dataclass(frozen=True)
class Answer:
    """One answer a route can give, as drift compares it."""

    label: str
    """Where it is written: ``response``, ``responses[1]``, ``sequence[0]``, ``errors[0]``."""
    status: int
    content_type: str | None
    """The media type (``application/json``), None when the stub sends no body."""
    headers: dict[str, str]
    """Response headers, lower-case names (file defaults included)."""
    json: Any = NO_JSON
    all_headers: bool = True
    """False where the compiler keeps only some headers (a resource's ``not_found``):
    headers the provider adds there are not new."""


@dataclass
class RouteStubs:
    """A route and what it promises."""

    id: str
    service: str
    file: str
    line: int
    route: Route
    variants: list[tuple[tuple[Check, ...], Answer]] = field(default_factory=list)
    sequence: list[Answer] = field(default_factory=list)
    errors: list[Answer] = field(default_factory=list)
    error_rate: float | None = 0.0
    """The probability of an error rule firing (None when time windows make it unknown)."""
    latency: Latency | None = None
    rate_limit: RateLimit | None = None
    not_found: Answer | None = None
    """For a resource's item route: what an unknown id gets."""
    item_param: str | None = None
    seed_ids: set[str] | None = None
    """The ids a resource starts with (None: unknown, so any id may exist)."""

    @property
    def method(self) -> str:
        return "|".join(self.route.request.methods)

    @property
    def path(self) -> str:
        return self.route.request.path

    def answers(self) -> list[Answer]:
        """Every answer the route can give."""
        extra = [self.not_found] if self.not_found is not None else []
        return [a for _, a in self.variants] + self.sequence + self.errors + extra

    def expected(self, req: Request, params: dict[str, Any]) -> list[Answer]:
        """The answers the route gives ``req``: the first variant whose ``when`` holds (or
        every step of a sequence)."""
        if self.not_found is not None and self.item_param is not None:
            value = params.get(self.item_param)
            if value is not None and self.seed_ids is not None and str(value) not in self.seed_ids:
                return [self.not_found]
        if self.sequence:
            return list(self.sequence)
        for checks, answer in self.variants:
            if all(check(req, params) for check in checks):
                return [answer]
        return [a for _, a in self.variants[-1:]]


def _media(value: str) -> str:
    return value.split(";")[0].strip().lower()


def answer_of(
    spec: ResponseSpec, label: str, defaults: dict[str, str], file_dir: Path, root: Path
) -> Answer:
    """The comparable form of one response spec."""
    headers = {k.lower(): v for k, v in defaults.items()}
    headers.update({k.lower(): v for k, v in spec.headers.items()})
    fields = spec.model_fields_set
    body: Any = NO_JSON
    kind: str | None = None
    if "json_" in fields:
        body, kind = spec.json_, "application/json"
    elif spec.body is not None:
        kind = "text/plain"
    elif spec.body_base64 is not None:
        kind = "application/octet-stream"
    elif spec.body_file is not None:
        target = resolve_body_file(spec.body_file, {"root": root, "file_dir": file_dir})
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if "json" in (headers.get("content-type") or kind):
            try:
                body = json.loads(target.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                body = NO_JSON
    if "content-type" in headers:
        kind = headers["content-type"]
    return Answer(label, spec.status, _media(kind) if kind else None, headers, body)


def _error_rate(route: Route, defaults: LoadedFile) -> tuple[list[Any], float | None]:
    rules = route.errors if route.errors is not None else defaults.model.defaults.errors
    survive = 1.0
    for rule in rules:
        if rule.window is not None:
            return list(rules), None
        if rule.every is not None:
            survive *= 1.0 - 1.0 / rule.every
        elif rule.rate is not None:
            survive *= 1.0 - rule.rate
        else:
            survive = 0.0
    return list(rules), 1.0 - survive


def route_stubs(loaded: LoadedFile, index: int, root: Path) -> RouteStubs:
    """Everything drift needs to know about route ``index`` of ``loaded``."""
    route = loaded.model.routes[index]
    defaults = loaded.model.defaults
    file_dir = loaded.path.parent
    out = RouteStubs(
        loaded.route_ids[index],
        loaded.service,
        loaded.display,
        loaded.route_line(index),
        route,
        latency=route.latency or defaults.latency,
        rate_limit=route.rate_limit or defaults.rate_limit,
    )
    heads = dict(defaults.headers)
    if route.sequence is not None:
        out.sequence = [
            answer_of(r, f"sequence[{i}]", heads, file_dir, root)
            for i, r in enumerate(route.sequence.responses)
        ]
    else:
        label = "responses" if route.responses is not None else "response"
        for i, v in enumerate(route.variants()):
            name = f"{label}[{i}]" if route.responses is not None else label
            out.variants.append((compile_when(v.when), answer_of(v, name, heads, file_dir, root)))
    rules, out.error_rate = _error_rate(route, loaded)
    out.errors = [
        answer_of(rule.response, f"errors[{i}]", heads, file_dir, root)
        for i, rule in enumerate(rules)
        if rule.response is not None
    ]
    _resource(out, loaded, file_dir, root)
    return out


def _resource(out: RouteStubs, loaded: LoadedFile, file_dir: Path, root: Path) -> None:
    """A route serving a resource's items answers unknown ids with its ``not_found``."""
    for i, res in enumerate(loaded.model.resources):
        if res.item != out.route.request.path:
            continue
        params = [s.name for s in parse_path_template(res.item) if s.name is not None]
        out.item_param = params[-1] if params else None
        label = f"resources[{i}].not_found"
        heads = dict(loaded.model.defaults.headers)
        found = (
            answer_of(res.not_found, label, heads, file_dir, root)
            if res.not_found is not None
            else Answer(label, 404, None, {})
        )
        out.not_found = replace(found, all_headers=False)
        if res.seed:
            out.seed_ids = {
                str(item.get(res.id_field)) for item in res.seed if isinstance(item, dict)
            }
        return


def request_of(ex: Exchange) -> Request:
    """The router's view of a recorded or probed request."""
    from urllib.parse import urlencode

    headers = [(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in ex.headers.items()]
    return Request(
        ex.method,
        ex.path,
        urlencode(ex.query).encode(),
        headers,
        (ex.body or "").encode("utf-8"),
    )


class StubIndex:
    """Every route of a stub set behind the server's router."""

    def __init__(self, result: LoadResult) -> None:
        root = result.root if result.root.is_dir() else result.root.parent
        self.routes: list[RouteStubs] = []
        matchers: list[MatchRoute] = []
        for loaded in result.files:
            for i, route in enumerate(loaded.model.routes):
                stubs = route_stubs(loaded, i, root)
                self.routes.append(stubs)
                req = route.request
                checks = compile_conditions(req.query, req.headers, req.cookies, req.body)
                matchers.append(
                    MatchRoute(
                        stubs.id,
                        req.methods,
                        req.path,
                        checks,
                        route.priority,
                        len(matchers),
                        stubs,
                        loaded.display,
                        stubs.line,
                    )
                )
        self.router = Router(matchers)

    def match(self, ex: Exchange) -> tuple[RouteStubs, list[Answer]] | None:
        """The route that answers ``ex``'s request and the answers it would give, or None."""
        req = request_of(ex)
        found = self.router.match(req)
        if not isinstance(found, Match):
            return None
        stubs: RouteStubs = found.route.handler
        return stubs, stubs.expected(req, found.params)
