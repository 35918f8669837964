"""Which recorded requests a live run may re-send to the provider.

By default only reads: ``GET``, ``HEAD``, ``OPTIONS``, and RPC calls whose operation name
reads as a read (``GetUser``, ``ListOrders``, ``DescribeInstances``, a GraphQL ``query``,
JSON-RPC ``eth_getBalance``...). Anything else needs the allow-list (``--allow
'POST /v1/tokens'``, the path as recorded or as the route's template) or the route's own
``drift: {probe: true}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stubforge.compile.exchange import Exchange
from stubforge.model.stub import Route

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READ_NAME = re.compile(
    r"^(get|list|describe|read|search|query|fetch|find|lookup|show|count|check|view|head|"
    r"batch_?get|retrieve|select|scan|exists|is|has)(?![a-z])",
)
_OP_HEADERS = ("x-amz-target", "soapaction", "x-action", "x-rpc-method", "x-operation")


@dataclass(frozen=True)
class Allowed:
    """An ``--allow`` entry: a method and a path (literal or a route template)."""

    method: str
    path: str

    @classmethod
    def parse(cls, text: str) -> Allowed:
        method, _, path = text.strip().partition(" ")
        if not method or not path.strip().startswith("/"):
            raise ValueError(f"--allow {text!r}: write METHOD /path, e.g. 'POST /v1/tokens'")
        return cls(method.upper(), path.strip())


def _words(name: str) -> list[str]:
    """``GetUser`` → ``get_user``, of the last part of ``Service.GetUser`` / ``ns/getUser``;
    also without a namespace prefix (``eth_getBalance`` → ``get_balance``)."""
    last = re.split(r"[./#:]", name.strip().strip('"'))[-1]
    forms = [last]
    if re.match(r"^[a-z]+_[A-Za-z]", last):
        forms.append(last.split("_", 1)[1])
    return [re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", f).lower() for f in forms]


def operation(ex: Exchange) -> tuple[str, str] | None:
    """(kind, name) of an RPC request's operation, None for plain REST."""
    for header in _OP_HEADERS:
        if header in ex.headers:
            return "header", ex.headers[header]
    action = ex.query_value("Action")
    if action:
        return "query", action
    body = ex.json if isinstance(ex.json, dict) else None
    if body is not None:
        if isinstance(body.get("query"), str):
            text = body["query"].lstrip()
            return "graphql", "query" if text.startswith(("{", "query")) else "mutation"
        if isinstance(body.get("method"), str):
            return "json-rpc", body["method"]
    return None


def is_read_operation(kind: str, name: str) -> bool:
    if kind == "graphql":
        return name == "query"
    return any(_READ_NAME.match(words) for words in _words(name))


def refusal(ex: Exchange, route: Route, allowed: list[Allowed]) -> str | None:
    """Why ``ex`` must not be re-sent, or None when it may."""
    if ex.method in READ_METHODS:
        return None
    if route.drift is not None and route.drift.probe:
        return None
    if any(a.method == ex.method and a.path in (ex.path, route.request.path) for a in allowed):
        return None
    op = operation(ex)
    if op is not None and is_read_operation(*op):
        return None
    what = f"operation {op[1]!r}" if op is not None else ex.method
    return (
        f"not probed: {what} is not a read (allow it with --allow '{ex.method} "
        f"{route.request.path}' or drift: {{probe: true}} on the route)"
    )
