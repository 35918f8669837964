"""RPC-style operations: what tells requests to one URL apart, and the route condition.

Each exchange gets the first of these it carries (so several RPC services on one endpoint
each get their own operations):

* an action header: ``X-Amz-Target`` (AWS JSON), ``SOAPAction``, ``X-Action``,
  ``X-RPC-Method``, ``X-Operation``;
* ``Action`` (with ``Version``, AWS Query and EC2) in the query string or a form body;
* GraphQL: ``operationName`` (JSON body, or the query string of a GET), else the
  persisted-query hash (``extensions.persistedQuery.sha256Hash``), else the name in the
  query text;
* JSON-RPC: ``method``, or the methods of a batch in order;
* SOAP: the root element of the ``Body`` (when ``SOAPAction`` is empty or absent).

A request for an operation that was never recorded matches none of the routes: it gets
the provider's "unknown operation" answer when one was recorded (see
:func:`unknown_operation`), else the normal near-miss 404 -- never another operation's
success.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote_plus

from stubforge.compile.exchange import Exchange

ACTION_HEADERS = ("x-amz-target", "soapaction", "x-action", "x-rpc-method", "x-operation")
_GRAPHQL_NAME = re.compile(r"\b(?:query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)")
_SOAP_ROOT = re.compile(
    r"<(?:[A-Za-z_][\w.-]*:)?Body\b[^>]*>\s*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)"
)
_PREFIX = r"(?:[A-Za-z_][\w.-]*:)?"
_UNKNOWN = re.compile(
    r"InvalidAction|UnknownOperation|UnrecognizedOperation|InvalidOperation|"
    r"Method not found|-32601|PersistedQueryNotFound|Unknown operation|not recognized",
    re.IGNORECASE,
)


@dataclass(frozen=True, order=True)
class Operation:
    """What distinguishes an RPC-style route beyond its path."""

    kind: str
    """``header``, ``query``, ``form``, ``graphql``, ``graphql-get``, ``graphql-hash``,
    ``graphql-text``, ``jsonrpc``, ``jsonrpc-batch`` or ``soap``."""
    field: str
    """The header, parameter or JSON field that names the operation."""
    value: str
    """The operation's name (a batch: the methods joined with ``,``)."""
    version: str = ""
    """The API version sent with an AWS ``Action``."""


def _header(ex: Exchange) -> Operation | None:
    for name in ACTION_HEADERS:
        value = ex.headers.get(name)
        if value is not None and value.strip('" '):
            return Operation("header", name, value)
    return None


def _action(pairs: list[tuple[str, str]], kind: str) -> Operation | None:
    found = dict(reversed(pairs))
    action = found.get("Action")
    if not action:
        return None
    return Operation(kind, "Action", action, found.get("Version", ""))


def _form(ex: Exchange) -> Operation | None:
    ctype = ex.headers.get("content-type", "")
    if not ex.body or ("form-urlencoded" not in ctype and not ex.body.startswith("Action=")):
        return None
    return _action(parse_qsl(ex.body, keep_blank_values=True), "form")


def _graphql(ex: Exchange) -> Operation | None:
    doc = ex.json
    if ex.method == "GET" and isinstance(ex.query_value("query"), str):
        name = ex.query_value("operationName")
        if name:
            return Operation("graphql-get", "operationName", name)
        doc = {"query": ex.query_value("query")}
    if not isinstance(doc, dict):
        return None
    persisted = doc.get("extensions", {})
    digest = persisted.get("persistedQuery", {}) if isinstance(persisted, dict) else {}
    digest = digest.get("sha256Hash") if isinstance(digest, dict) else None
    if not isinstance(doc.get("query"), str) and not isinstance(digest, str):
        return None
    op_name = doc.get("operationName")
    if isinstance(op_name, str) and op_name:
        return Operation("graphql", "operationName", op_name)
    if isinstance(digest, str):
        return Operation("graphql-hash", "sha256Hash", digest)
    m = _GRAPHQL_NAME.search(doc["query"])
    return Operation("graphql-text", "query", m.group(1)) if m else None


def _jsonrpc(ex: Exchange) -> Operation | None:
    doc = ex.json
    if isinstance(doc, dict) and "jsonrpc" in doc and isinstance(doc.get("method"), str):
        return Operation("jsonrpc", "method", doc["method"])
    if isinstance(doc, list) and doc and all(isinstance(d, dict) and "jsonrpc" in d for d in doc):
        methods = [d.get("method") for d in doc]
        if all(isinstance(m, str) and "," not in m for m in methods):
            return Operation("jsonrpc-batch", "method", ",".join(str(m) for m in methods))
    return None


def _soap(ex: Exchange) -> Operation | None:
    if not ex.body or "Envelope" not in ex.body[:2000]:
        return None
    m = _SOAP_ROOT.search(ex.body)
    return Operation("soap", "Body", m.group(1)) if m else None


def operation_of(ex: Exchange) -> Operation | None:
    """The operation of one exchange: the first kind it carries."""
    return (
        _header(ex)
        or _action(ex.query, "query")
        or _form(ex)
        or _graphql(ex)
        or _jsonrpc(ex)
        or _soap(ex)
    )


def _form_regex(op: Operation) -> str:
    action = f"Action={re.escape(quote_plus(op.value))}"
    if not op.version:
        return rf"(?:^|&){action}(?:&|$)"
    version = f"Version={re.escape(quote_plus(op.version))}"
    return rf"(?:^|&){action}&(?:.*&)?{version}(?:&|$)|(?:^|&){version}&(?:.*&)?{action}(?:&|$)"


def conditions(op: Operation | None) -> dict[str, Any]:
    """The request conditions that select one operation."""
    if op is None:
        return {}
    if op.kind == "header":
        return {"headers": {op.field: op.value}}
    if op.kind == "query":
        return {"query": {op.field: op.value, **({"Version": op.version} if op.version else {})}}
    if op.kind == "graphql-get":
        return {"query": {op.field: op.value}}
    if op.kind == "form":
        return {"body": {"regex": _form_regex(op)}}
    if op.kind == "graphql-text":
        name = re.escape(op.value)
        return {"body": {"regex": rf"\b(query|mutation|subscription)\s+{name}\b"}}
    if op.kind == "graphql-hash":
        return {"body": {"jsonpath": {"$.extensions.persistedQuery.sha256Hash": op.value}}}
    if op.kind == "jsonrpc-batch":
        methods = op.value.split(",")
        paths: dict[str, Any] = {f"$[{i}].method": m for i, m in enumerate(methods)}
        paths[f"$[{len(methods)}]"] = {"present": False}
        return {"body": {"jsonpath": paths}}
    if op.kind == "soap":
        name = re.escape(op.value)
        return {"body": {"regex": rf"<{_PREFIX}Body\b[^>]*>\s*<{_PREFIX}{name}[\s/>]"}}
    return {"body": {"jsonpath": {f"$.{op.field}": op.value}}}


def unknown_operation(ex: Exchange) -> bool:
    """True when the answer says the operation does not exist (AWS ``InvalidAction``,
    JSON-RPC ``-32601``, GraphQL ``PersistedQueryNotFound``...)."""
    if ex.failed or (ex.status >= 500 and ex.status != 501):
        return False
    text = (ex.resp_text or "")[:4000]
    if ex.status < 400 and '"error' not in text:
        return False  # GraphQL and JSON-RPC say it in an errors / error member, often with 200
    return bool(_UNKNOWN.search(text))
