"""Form and XML bodies as data: ``application/x-www-form-urlencoded`` and
``multipart/form-data`` fields, and the elements of an XML body, become a JSON-like
object, so conditions, templates and the compiler treat them like JSON fields.

Bracket names nest the way Rails, PHP and Stripe-style APIs read them:
``metadata[plan]=gold`` → ``{"metadata": {"plan": "gold"}}``, ``expand[]=a&expand[]=b`` →
``{"expand": ["a", "b"]}``. Values stay strings; multipart file parts are left out.

An XML body is the root element's children by local name (namespaces dropped; a SOAP
envelope's ``Body`` is opened): ``<GetUser><id>7</id></GetUser>`` → ``{"id": "7"}``, a
repeated element → a list, an element with children → an object; attributes are left
out.
"""

from __future__ import annotations

import email.parser
import email.policy
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qsl

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def form_fields(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Form pairs as nested data (bracket names nest, ``[]`` appends)."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        head, _, rest = name.partition("[")
        path = [head] + ([p.rstrip("]") for p in ("[" + rest).split("[")[1:]] if rest else [])
        target: Any = out
        for i, part in enumerate(path):
            last = i == len(path) - 1
            fresh: Any = None if last else ([] if path[i + 1] == "" else {})
            if isinstance(target, list):
                target.append(value if last else fresh)
                target = fresh
                continue
            if last:
                target[part] = value
                break
            existing = target.get(part)
            if not isinstance(existing, type(fresh)):
                target[part] = existing = fresh
            target = existing
    return out


def multipart_fields(body: bytes, content_type: str) -> dict[str, Any] | None:
    """The text fields of a multipart/form-data body (file parts left out)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    try:
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    except Exception:  # a malformed body is simply no form
        return None
    if not message.is_multipart():
        return None
    pairs: list[tuple[str, str]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or part.get_filename() is not None:
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            pairs.append((name, payload.decode(part.get_content_charset() or "utf-8", "replace")))
    return form_fields(pairs)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _element(node: ET.Element) -> Any:
    children = list(node)
    if not children:
        return (node.text or "").strip()
    out: dict[str, Any] = {}
    for child in children:
        name, value = _local(child.tag), _element(child)
        if name in out:
            existing = out[name]
            out[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            out[name] = value
    return out


def xml_fields(body: bytes) -> dict[str, Any] | None:
    """The elements of an XML body as an object (see the module docs); ``None`` when it
    does not parse or declares a DTD (entities are never expanded)."""
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        return None
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    if _local(root.tag) == "Envelope":  # SOAP: the operation inside the Body
        inner = next((c for c in root if _local(c.tag) == "Body"), None)
        if inner is not None and len(inner):
            root = inner[0]
    value = _element(root)
    return value if isinstance(value, dict) else {}


def form_body(body: bytes, content_type: str) -> dict[str, Any] | None:
    """The fields of a form-encoded, multipart or XML body; ``None`` for other content
    types."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in ("application/xml", "text/xml") or kind.endswith("+xml"):
        return xml_fields(body)
    if kind == FORM:
        text = body.decode("utf-8", "replace")
        return form_fields(parse_qsl(text, keep_blank_values=True))
    if kind == MULTIPART:
        return multipart_fields(body, content_type)
    return None
