"""A loaded, compiled, immutable stub set: the router plus what each route serves.

Building happens off the event loop (hot reload runs it in a thread); the server swaps
the whole set atomically, so a request sees either the old set or the new one.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stubforge.behave.latency import sampler
from stubforge.behave.profiles import base, overlay
from stubforge.load.loader import LoadedFile, LoadResult
from stubforge.match.predicates import compile_conditions, compile_when
from stubforge.match.router import MatchRoute, Router
from stubforge.model.profile import Profile
from stubforge.model.stub import Defaults, Route
from stubforge.serve.behaviour import Behaviour
from stubforge.serve.plan import RoutePlan, Variant, VariantsCheck
from stubforge.serve.prepared import ResponseBuilder
from stubforge.serve.resources import GENERIC_NOT_FOUND, ResourceLink, links, operation_route
from stubforge.serve.session import ScenarioCheck
from stubforge.serve.statics import StaticTable, static_table


@dataclass
class StubSet:
    router: Router
    files: list[LoadedFile] = field(default_factory=list)
    loaded_at: float = field(default_factory=time.time)
    profiles: frozenset[str] = frozenset()
    """Every profile name defined by some file."""
    scenarios: dict[str, set[str]] = field(default_factory=dict)
    """Every scenario and the states routes mention."""
    overrides: dict[str, str] = field(default_factory=dict)
    """Route id -> ``file:line`` of the compiled route it replaces (see
    :mod:`stubforge.load.overrides`)."""
    stateful: bool = False
    """Some route requires a scenario state (requests then load their session's states)."""
    static: StaticTable = field(init=False)
    """The routes answered without planning (:mod:`stubforge.serve.statics`)."""

    def __post_init__(self) -> None:
        self.static = static_table(self.router)

    @property
    def routes(self) -> list[MatchRoute]:
        return self.router.routes

    def describe(self) -> list[dict[str, Any]]:
        return [describe_route(r) for r in self.router.routes]


def describe_route(route: MatchRoute) -> dict[str, Any]:
    plan: RoutePlan = route.handler
    return {
        "id": route.id,
        "service": plan.service,
        "file": route.file,
        "line": route.line,
        "methods": list(route.methods),
        "path": route.template.text,
        "priority": route.priority,
        "variants": len(plan.variants),
    }


def compile_route(
    route: Route,
    route_id: str,
    service: str,
    defaults_headers: dict[str, str],
    default_latency: Any,
    context: dict[str, Path],
    order: int,
    file: str,
    line: int,
    defaults: Defaults | None = None,
    profiles: dict[str, Profile] | None = None,
) -> MatchRoute:
    """Compile one validated route into the router's and the server's structures."""
    req = route.request
    variants = tuple(
        Variant(i, compile_when(v.when), ResponseBuilder(v, defaults_headers, context))
        for i, v in enumerate(route.variants())
    )
    checks = compile_conditions(req.query, req.headers, req.cookies, req.body)
    if variants and all(v.checks for v in variants):
        checks = (*checks, VariantsCheck(variants))
    if route.state is not None and route.state.requires is not None:
        checks = (*checks, ScenarioCheck(route.state.scenario, route.state.requires))
    defaults = defaults or Defaults(latency=default_latency)
    spec = base(route, route_id, defaults, file)
    behaviours: dict[str | None, Behaviour] = {None: Behaviour(spec, defaults_headers, context)}
    for name, profile in (profiles or {}).items():
        behaviours[name] = Behaviour(
            overlay(spec, name, profile, route_id, file), defaults_headers, context
        )
    sequence = tuple(
        ResponseBuilder(r, defaults_headers, context)
        for r in (route.sequence.responses if route.sequence else ())
    )
    plan = RoutePlan(
        route_id,
        service,
        variants,
        sampler(route.latency or default_latency),
        route,
        behaviours,
        sequence,
        route.sequence is not None and route.sequence.then == "repeat",
    )
    return MatchRoute(
        route_id, req.methods, req.path, checks, route.priority, order, plan, file, line
    )


def _link_resources(
    files: list[LoadedFile], compiled: list[MatchRoute], root: Path
) -> list[MatchRoute]:
    """Attach resource operations to the routes with the same method and path (in any
    file: a resource in a hand-written file also answers through compiled routes; hand
    files win over compiled ones), and add routes for operations no route covers."""
    wanted: dict[tuple[str, str], tuple[ResourceLink, LoadedFile]] = {}
    ordered = sorted(files, key=lambda f: f.path.name.endswith(".compiled.yaml"))
    for loaded in ordered:
        context = {"root": root, "file_dir": loaded.path.parent}
        for res in loaded.model.resources:
            for key, link in links(res, loaded.model.defaults.headers, context).items():
                wanted.setdefault(key, (link, loaded))
    for route in compiled:
        for method in route.methods:
            found = wanted.pop((method, route.template.text), None)
            if found is not None:
                _attach(route, found[0])
    added: list[MatchRoute] = []
    for link, loaded in wanted.values():
        model = loaded.model
        context = {"root": root, "file_dir": loaded.path.parent}
        spec = operation_route(link.resource, link.operation)
        assert spec.id is not None
        route = compile_route(
            spec,
            spec.id,
            loaded.service,
            model.defaults.headers,
            model.defaults.latency,
            context,
            len(compiled) + len(added),
            loaded.display,
            0,
            model.defaults,
            model.profiles,
        )
        if link.not_found is None:  # no recorded answer to fall back on
            builder = ResponseBuilder(GENERIC_NOT_FOUND, model.defaults.headers, context)
            link = dataclasses.replace(link, not_found=builder)
        _attach(route, link)
        added.append(route)
    return added


def _attach(route: MatchRoute, link: ResourceLink) -> None:
    plan: RoutePlan = route.handler
    plan.resource = link
    plan.static = None  # answered from the session's items, never from a fixed response


def build_stubset(result: LoadResult) -> StubSet:
    """Compile every route of a successful load."""
    routes: list[MatchRoute] = []
    root = result.root if result.root.is_dir() else result.root.parent
    for loaded in result.files:
        model = loaded.model
        context = {"root": root, "file_dir": loaded.path.parent}
        for i, route in enumerate(model.routes):
            routes.append(
                compile_route(
                    route,
                    loaded.route_ids[i],
                    loaded.service,
                    model.defaults.headers,
                    model.defaults.latency,
                    context,
                    len(routes),
                    loaded.display,
                    loaded.route_line(i),
                    model.defaults,
                    model.profiles,
                )
            )
    routes.extend(_link_resources(result.files, routes, root))
    scenarios: dict[str, set[str]] = {}
    for loaded in result.files:
        for route in loaded.model.routes:
            if route.state is not None:
                names = scenarios.setdefault(route.state.scenario, {"started"})
                names.update(s for s in (route.state.requires, route.state.next) if s)
    return StubSet(
        Router(routes),
        list(result.files),
        profiles=frozenset(p for f in result.files for p in f.model.profiles),
        scenarios=scenarios,
        overrides={o.route_id: o.replaced for o in result.overrides},
        stateful=any(
            r.state is not None and r.state.requires is not None
            for f in result.files
            for r in f.model.routes
        ),
    )
