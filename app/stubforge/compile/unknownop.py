"""What an RPC endpoint answers for an operation that was never recorded.

Per endpoint (method and path) and per family of operation (one action header such as
``X-Amz-Target``, AWS ``Action`` in a form body or the query, JSON-RPC, GraphQL by name or
by persisted-query hash, SOAP), a route with
``priority: -1`` and a condition on the family (the header present, an ``Action=``
field...) answers requests none of the recorded operations matched:

* the provider's own answer to an unknown operation when one was recorded (AWS
  ``InvalidAction``, JSON-RPC ``-32601``...);
* else, when the provider was seen failing a request of that family, its error shape with
  the code and message of an unknown operation: AWS XML ``<Code>InvalidAction</Code>``
  (400), AWS JSON ``__type: UnknownOperationException`` (400), JSON-RPC
  ``{"code": -32601, "message": "Method not found"}`` with the request's ``id``, GraphQL
  ``{"errors": [{"message": "Unknown operation..."}]}``, a SOAP ``Fault``;
* else nothing: the near-miss 404.

An SDK then reports "unknown operation" in its own terms; no recorded operation's success
ever answers another.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from stubforge.compile.exchange import Exchange
from stubforge.compile.rpc import Operation, unknown_operation

MESSAGE = "This operation was not recorded"
_XML_CODE = re.compile(r"<Code>[^<]*</Code>")
_XML_MESSAGE = re.compile(r"<Message>[^<]*</Message>")
_FAULT_STRING = re.compile(r"<faultstring>[^<]*</faultstring>")


@dataclass(frozen=True)
class Family:
    """Operations of one shape on one endpoint."""

    method: str
    template: str
    kind: str
    field: str

    def condition(self) -> dict[str, Any]:
        if self.kind == "header":
            return {"headers": {self.field: {"present": True}}}
        if self.kind == "query":
            return {"query": {"Action": {"present": True}}}
        if self.kind == "form":
            return {"body": {"regex": "(?:^|&)Action="}}
        if self.kind == "jsonrpc":
            return {"body": {"jsonpath": {"$.method": {"present": True}}}}
        if self.kind == "graphql-hash":
            path = "$.extensions.persistedQuery.sha256Hash"
            return {"body": {"jsonpath": {path: {"present": True}}}}
        if self.kind in ("graphql", "graphql-text"):
            return {"body": {"jsonpath": {"$.query": {"present": True}}}}
        return {"body": {"regex": r"<(?:[A-Za-z_][\w.-]*:)?Body\b"}}


def family_of(method: str, template: str, op: Operation) -> Family | None:
    kind = "graphql" if op.kind == "graphql-text" else op.kind
    if kind in ("header", "query", "form", "jsonrpc", "soap", "graphql", "graphql-hash"):
        return Family(method, template, kind, op.field if kind == "header" else "")
    return None


def synthesized(ex: Exchange) -> dict[str, Any] | None:
    """An unknown-operation answer in the shape of a recorded error, or None."""
    text = ex.resp_text or ""
    ctype = ex.resp_headers.get("content-type", "")
    headers = {"content-type": ctype} if ctype else {}
    failed = ex.status >= 400
    if failed and _XML_CODE.search(text) and "<Error" in text:
        body = _XML_CODE.sub("<Code>InvalidAction</Code>", text, count=1)
        body = _XML_MESSAGE.sub(f"<Message>{MESSAGE}</Message>", body, count=1)
        return {"status": 400, "headers": headers, "body": body, "template": False}
    doc = ex.resp_json
    if failed and isinstance(doc, dict) and "__type" in doc:
        fields = {"__type": "UnknownOperationException", "message": MESSAGE}
        return {"status": 400, "headers": headers, "body": json.dumps(fields), "template": False}
    if isinstance(doc, dict) and isinstance(doc.get("error"), dict) and "jsonrpc" in doc:
        answer = {
            "jsonrpc": doc["jsonrpc"],
            "id": "{{ json.id | default(none) }}",
            "error": {"code": -32601, "message": "Method not found"},
        }
        return {"status": ex.status, "json": answer}
    if isinstance(doc, dict) and isinstance(doc.get("errors"), list) and doc["errors"]:
        first = doc["errors"][0]
        error: dict[str, Any] = {"message": "Unknown operation: this operation was not recorded"}
        if isinstance(first, dict) and isinstance(first.get("extensions"), dict):
            error["extensions"] = {"code": "UNKNOWN_OPERATION"}
        return {"status": ex.status, "json": {"errors": [error]}}
    if _FAULT_STRING.search(text):
        body = _FAULT_STRING.sub(f"<faultstring>{MESSAGE}</faultstring>", text, count=1)
        return {"status": ex.status, "headers": headers, "body": body, "template": False}
    return None


def _is_error_shape(ex: Exchange) -> bool:
    return not ex.failed and ex.status >= 200 and ex.resp_text is not None


def unknown_answers(
    families: dict[Family, list[tuple[Exchange, dict[str, Any] | None]]],
) -> dict[Family, tuple[dict[str, Any], str]]:
    """Family → (response, why) for the families an answer can be given for.

    ``families`` maps each family to its exchanges, each with the compiled response of its
    route when the route has a single one."""
    out: dict[Family, tuple[dict[str, Any], str]] = {}
    for family, items in families.items():
        for ex, response in items:
            if response is not None and unknown_operation(ex):
                out[family] = (response, "the provider's recorded answer to an unknown operation")
                break
        else:
            for ex, _ in items:
                answer = synthesized(ex) if _is_error_shape(ex) else None
                if answer is not None:
                    why = f"the provider's error shape (as recorded with status {ex.status})"
                    out[family] = (answer, why + ", with an unknown-operation code")
                    break
    return out
