"""Bodies by format: each parser finds the *named* values of its format, so key rules
apply to them, and leaves the bytes it does not change as they were.

* JSON: members by name; a string that is itself JSON (an SNS ``Message``, an API
  Gateway ``body``) is parsed and redacted the same way; a string that is a URL is
  redacted as a URL.
* NDJSON / JSON Lines: each line as JSON.
* Server-sent events: each ``data:`` line as JSON when it is, else scanned.
* ``application/x-www-form-urlencoded``: fields by name.
* ``multipart/form-data``: each part by its ``name``; file parts by content.
* XML / SOAP: element text by the element's local name (``<wsse:Password>``), and
  attributes by name.

Then, and for every other body, the whole text is scanned for secret-shaped values
(binary bodies byte for byte). All parsers are single passes with bounded lookahead.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote
from xml.sax.saxutils import escape, unescape

from stubforge.redact.rules import is_url

if TYPE_CHECKING:
    from stubforge.redact.redactor import Redactor

_MAX_DEPTH = 64
_XML_ELEMENT = re.compile(
    r"<(?P<name>[A-Za-z_][\w.:-]{0,100})(?P<attrs>\s[^<>]{0,4096})?>"
    r"(?P<text>[^<]{1,1048576}+)</(?P=name)\s{0,8}>"
)
_XML_TAG = re.compile(r"<[A-Za-z_][\w.:-]{0,100}\s[^<>]{0,4096}+>")
_XML_ATTR = re.compile(
    r"(?<![\w.:-])(?P<name>[\w.:-]{1,100})\s{0,4}=\s{0,4}\"(?P<value>[^\"<>]{0,8192})\""
)
_BOUNDARY = re.compile(r"(?i)boundary=(?:\"([^\"]{1,200})\"|([^;\s]{1,200}))")
_PART_NAME = re.compile(rb"(?i)\bname=\"([^\"]{0,200})\"")


def redact_body(red: Redactor, data: bytes, mime: str, fired: set[str]) -> bytes:
    """Redact a body given as bytes; returns the (possibly) new bytes."""
    if not data:
        return data
    lmime = mime.lower()
    if "multipart/" in lmime:
        m = _BOUNDARY.search(mime)
        if m:
            return _multipart(red, data, (m.group(1) or m.group(2)).encode("latin-1"), fired)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Binary: scan byte for byte (latin-1 maps each byte to one character).
        return red.scan(data.decode("latin-1"), fired).encode("latin-1")
    new = redact_text(red, text, lmime, fired)
    return data if new == text else new.encode("utf-8")


def redact_text(red: Redactor, text: str, lmime: str, fired: set[str]) -> str:
    """A text body by its media type (or, without one, by its first character)."""
    head = text.lstrip()[:1]
    if "event-stream" in lmime:
        return _sse(red, text, fired)
    if "ndjson" in lmime or "jsonl" in lmime or "json-seq" in lmime:
        return _lines(red, text, fired)
    if "json" in lmime or head in ("{", "["):
        done = _json_text(red, text, fired)
        if done is not None:
            return done
        if "\n" in text.strip() and head in ("{", "["):
            return _lines(red, text, fired)
    if "x-www-form-urlencoded" in lmime:
        return red.scan(_form(red, text, fired), fired)
    if "xml" in lmime or "soap" in lmime or head == "<":
        text = _xml(red, text, fired)
    return red.scan(text, fired)


# --- JSON ----------------------------------------------------------------------


def _json_text(red: Redactor, text: str, fired: set[str]) -> str | None:
    """The redacted JSON text, or None if ``text`` is not JSON."""
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return None
    before = len(red.report)
    base = red.where
    new = walk_json(red, obj, None, fired, base + "$" if base else "$", 0)
    if new == obj and len(red.report) == before:
        return text
    return json.dumps(new, ensure_ascii=False, separators=(",", ":"))


def walk_json(
    red: Redactor, node: Any, key: str | None, fired: set[str], path: str, depth: int
) -> Any:
    """A parsed JSON value with every secret replaced (members by name and by value)."""
    if depth > _MAX_DEPTH:
        # Deeper than any real document: scanned as text, so nothing escapes unseen.
        with red.at(path):
            return json.loads(red.scan(json.dumps(node), fired))
    if isinstance(node, dict):
        return {
            red.scan(k, fired): walk_json(red, v, k, fired, f"{path}.{k}", depth + 1)
            for k, v in node.items()
        }
    if isinstance(node, list):
        item = path + "[*]"
        return [walk_json(red, v, key, fired, item, depth + 1) for v in node]
    if isinstance(node, str):
        with red.at(path):
            return _json_string(red, key, node, fired, depth)
    if isinstance(node, int | float) and not isinstance(node, bool):
        with red.at(path):
            return red.number(key or "", node, fired)
    return node


def _json_string(red: Redactor, key: str | None, value: str, fired: set[str], depth: int) -> str:
    head = value.lstrip()[:1]
    if head in ("{", "[") and len(value) > 1:
        try:
            inner = json.loads(value)
        except (ValueError, RecursionError):
            inner = None
        if isinstance(inner, dict | list):
            new = walk_json(red, inner, key, fired, red.where + "<json>$", depth + 1)
            return value if new == inner else json.dumps(new, ensure_ascii=False)
    if key is None:
        return red.url(value, fired) if is_url(value) else red.scan(value, fired)
    return red.field(key, value, fired, "body")


def _lines(red: Redactor, text: str, fired: set[str]) -> str:
    out = []
    base = red.where
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        with red.at(f"{base}[line]"):
            done = _json_text(red, body, fired) if body.strip() else None
            out.append((done if done is not None else red.scan(body, fired)) + line[len(body) :])
    return "".join(out)


def _sse(red: Redactor, text: str, fired: set[str]) -> str:
    out = []
    base = red.where
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        with red.at(f"{base}[event]"):
            if body.startswith("data:"):
                payload = body[5:]
                lead = " " if payload.startswith(" ") else ""
                payload = payload[len(lead) :]
                done = _json_text(red, payload, fired)
                new = "data:" + lead + (done if done is not None else red.scan(payload, fired))
            else:
                new = red.scan(body, fired)
        out.append(new + line[len(body) :])
    return "".join(out)


# --- forms -----------------------------------------------------------------------


def _form(red: Redactor, text: str, fired: set[str]) -> str:
    pairs = parse_qsl(text, keep_blank_values=True)
    base = red.where
    new_pairs = []
    for k, v in pairs:
        with red.at(f"{base}.{k}"):
            new_pairs.append((k, red.field(k, v, fired, "body")))
    if new_pairs == pairs:
        return text
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='~')}" for k, v in new_pairs)


def _multipart(red: Redactor, data: bytes, boundary: bytes, fired: set[str]) -> bytes:
    delim = b"--" + boundary
    chunks = data.split(delim)
    base = red.where
    out = [chunks[0]]
    for chunk in chunks[1:]:
        sep = b"\r\n\r\n" if b"\r\n\r\n" in chunk else b"\n\n"
        head, found, rest = chunk.partition(sep)
        if not found:
            out.append(red.scan(chunk.decode("latin-1"), fired).encode("latin-1"))
            continue
        trail = len(rest) - len(rest.rstrip(b"\r\n"))
        body, tail = rest[: len(rest) - trail], rest[len(rest) - trail :]
        m = _PART_NAME.search(head)
        name = m.group(1).decode("utf-8", "replace") if m else ""
        ctype = re.search(rb"(?im)^content-type:\s*([^\r\n]+)", head)
        with red.at(f"{base}.{name}"):
            head = red.scan(head.decode("latin-1"), fired).encode("latin-1")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if b"filename=" not in head and text is not None and name and ctype is None:
                new_body = red.field(name, text, fired, "body").encode("utf-8")
            else:
                mime = ctype.group(1).decode("latin-1") if ctype else ""
                new_body = redact_body(red, body, mime, fired)
        out.append(head + sep + new_body + tail)
    return delim.join(out)


# --- XML -------------------------------------------------------------------------


def _xml(red: Redactor, text: str, fired: set[str]) -> str:
    base = red.where

    def attr(m: re.Match[str]) -> str:
        name = m.group("name").rpartition(":")[2]
        raw = m.group("value")
        with red.at(f"{base}@{name}"):
            value = red.field(name, unescape(raw), fired, "body")
        if value == unescape(raw):
            return m.group(0)
        return f'{m.group("name")}="{escape(value, {chr(34): "&quot;"})}"'

    def tag(m: re.Match[str]) -> str:
        return _XML_ATTR.sub(attr, m.group(0))

    def element(m: re.Match[str]) -> str:
        name, raw = m.group("name"), m.group("text")
        local = name.rpartition(":")[2]
        with red.at(f"{base}<{local}>"):
            value = red.field(local, unescape(raw), fired, "body")
        if value == unescape(raw):
            return m.group(0)
        return f"<{name}{m.group('attrs') or ''}>{escape(value)}</{name}>"

    text = _XML_ELEMENT.sub(element, text)
    return _XML_TAG.sub(tag, text) if "=" in text else text
