"""Grouping exchanges into routes: service (host), method, path template, RPC operation.

Some APIs route by something other than the path; their operations become distinct
routes with a condition on the discriminating field, checked in this order over a
(service, method, template) group, and used when every exchange of the group has it:

* an action header (``X-Amz-Target``, ``SOAPAction``, ``X-Action``, ``X-RPC-Method``,
  ``X-Operation``);
* an ``Action`` query parameter (AWS query APIs);
* a GraphQL operation (JSON body with a ``query`` string: ``operationName``, else the
  name in the query text);
* a JSON-RPC ``method`` (JSON body with ``jsonrpc`` and ``method``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from stubforge.compile.exchange import Exchange
from stubforge.compile.hints import Hints
from stubforge.compile.templates import TemplateSet, infer_templates

ACTION_HEADERS = ("x-amz-target", "soapaction", "x-action", "x-rpc-method", "x-operation")
_GRAPHQL_NAME = re.compile(r"\b(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True, order=True)
class Operation:
    """What distinguishes an RPC-style route beyond its path."""

    kind: str
    """``header``, ``query``, ``graphql``, ``graphql-text`` or ``jsonrpc``."""
    field: str
    """The header or query parameter name, or the JSON field (``operationName``, ``method``)."""
    value: str
    """The operation's name."""


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


def _operation(ex: Exchange, kind: str) -> Operation | None:
    if kind == "header":
        for name in ACTION_HEADERS:
            if name in ex.headers:
                return Operation("header", name, ex.headers[name])
        return None
    if kind == "query":
        value = ex.query_value("Action")
        return None if value is None else Operation("query", "Action", value)
    doc = ex.json
    if not isinstance(doc, dict):
        return None
    if kind == "graphql" and isinstance(doc.get("query"), str):
        op_name = doc.get("operationName")
        if isinstance(op_name, str) and op_name:
            return Operation("graphql", "operationName", op_name)
        m = _GRAPHQL_NAME.search(doc["query"])
        return Operation("graphql-text", "query", m.group(1)) if m else None
    if kind == "jsonrpc" and "jsonrpc" in doc and isinstance(doc.get("method"), str):
        return Operation("jsonrpc", "method", doc["method"])
    return None


def split_operations(exchanges: list[Exchange]) -> list[Operation | None]:
    """The operation of each exchange, using the first kind every exchange has."""
    for kind in ("header", "query", "graphql", "jsonrpc"):
        ops = [_operation(ex, kind) for ex in exchanges]
        if all(op is not None for op in ops):
            return ops
    return [None] * len(exchanges)


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
        tset = infer_templates([ex.path for ex in items], hints, service)
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
