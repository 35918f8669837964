"""Grouping exchanges into routes: service (host), method, path template, RPC operation.

Some APIs route by something other than the path; each exchange's operation (see
:mod:`stubforge.compile.rpc`: an action header, an AWS ``Action``, a GraphQL operation, a
JSON-RPC method, a SOAP body element) makes a route of its own, with a condition on it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from stubforge.compile.correlations import issued_path_ids
from stubforge.compile.exchange import Exchange
from stubforge.compile.hints import Hints
from stubforge.compile.rpc import Operation, operation_of
from stubforge.compile.templates import TemplateSet, infer_templates


@dataclass
class RouteGroup:
    """The exchanges of one route, in recording order."""

    service: str
    method: str
    template: str
    operation: Operation | None
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str, Operation | None]:
        return (self.service, self.template, self.method, self.operation)


def service_name(host: str, hints: Hints) -> str:
    """The service (file) name of a host: a hint, else its distinctive label."""
    if host in hints.services:
        return hints.services[host]
    bare = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if bare in hints.services:
        return hints.services[bare]
    try:
        ipaddress.ip_address(bare.strip("[]"))
        return "local"
    except ValueError:
        pass
    labels = [s for s in bare.split(".") if s]
    if bare == "localhost" or not labels:
        return "local"
    if len(labels) > 1:
        labels = labels[:-1]
    if len(labels) > 1 and labels[0] in ("api", "www", "rest", "gateway"):
        labels = labels[1:]
    return re.sub(r"[^a-z0-9-]+", "-", "-".join(labels).lower()).strip("-") or "service"


def split_operations(exchanges: list[Exchange]) -> list[Operation | None]:
    """The operation of each exchange (the first kind it carries)."""
    return [operation_of(ex) for ex in exchanges]


@dataclass
class Grouping:
    """Routes found, by service, and the template inference per service."""

    groups: list[RouteGroup]
    templates: dict[str, TemplateSet]
    upstreams: dict[str, str]


def group_exchanges(exchanges: Iterable[Exchange], hints: Hints) -> Grouping:
    """Group exchanges into routes; ordering is deterministic (service, template, method)."""
    by_service: dict[str, list[Exchange]] = {}
    upstreams: dict[str, str] = {}
    for ex in exchanges:
        name = service_name(ex.host, hints)
        by_service.setdefault(name, []).append(ex)
        upstreams.setdefault(name, f"{ex.scheme}://{ex.host}")
    groups: dict[tuple[str, str, str, Operation | None], RouteGroup] = {}
    templates: dict[str, TemplateSet] = {}
    for service in sorted(by_service):
        items = by_service[service]
        tset = infer_templates([ex.path for ex in items], hints, service, issued_path_ids(items))
        templates[service] = tset
        plain: dict[tuple[str, str], list[Exchange]] = {}
        for ex in items:
            resolved = tset.resolve(ex.path)
            ex.params = dict(resolved.params)
            plain.setdefault((resolved.template, ex.method), []).append(ex)
        for (template, method), members in plain.items():
            for ex, op in zip(members, split_operations(members), strict=True):
                key = (service, template, method, op)
                group = groups.get(key)
                if group is None:
                    group = groups[key] = RouteGroup(service, method, template, op)
                group.exchanges.append(ex)
    ordered = sorted(groups.values(), key=_sort_key)
    return Grouping(ordered, templates, upstreams)


def _sort_key(g: RouteGroup) -> tuple[str, str, str, tuple[str, str, str]]:
    op = g.operation
    return (g.service, g.template, g.method, (op.kind, op.field, op.value) if op else ("", "", ""))
