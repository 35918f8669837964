"""A request each WireMock mapping matches, derived from the mapping itself (not from our
conversion), for the differential test; ``None`` when none can be derived simply."""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import urlencode

_SIMPLE = [
    (r"\.\*", "x"),
    (r"\.\+", "x"),
    (r"\[0-9\]\+|\\d\+", "1"),
    (r"\[a-z\]\+", "a"),
    (r"\[A-Za-z0-9\]\+", "a"),
]


def _class_sample(match: re.Match[str]) -> str:
    """One character a ``[...]+`` class accepts: the start of its first range or char."""
    return match.group(1)[0]


def from_regex(pattern: str) -> str | None:
    text = pattern.removeprefix("^").removesuffix("$")
    for rx, repl in _SIMPLE:
        text = re.sub(rx, repl, text)
    text = re.sub(r"\[([^\]^\\]+)\][+*]?", _class_sample, text)
    text = text.replace("\\.", ".").replace("\\/", "/")
    if re.search(r"[\\\[\](){}|?*+^$]", text):
        return None
    return text if re.fullmatch(pattern, text) else None


def _value(spec: Any) -> str | None:
    if not isinstance(spec, dict):
        return None
    for key in ("equalTo", "contains"):
        if key in spec:
            return str(spec[key])
    if "matches" in spec:
        return from_regex(str(spec["matches"]))
    return None


def probe(mapping: dict[str, Any]) -> dict[str, Any] | None:
    req = mapping["request"]
    if mapping.get("requiredScenarioState") not in (None, "Started"):
        return None
    method = str(req.get("method", "ANY")).upper()
    out: dict[str, Any] = {"method": "GET" if method == "ANY" else method, "headers": {}}
    if "url" in req:
        url = str(req["url"])
    elif "urlPath" in req:
        url = str(req["urlPath"])
    elif "urlPathTemplate" in req:
        url = re.sub(r"\{[^}]+\}", "p1", str(req["urlPathTemplate"]))
    elif "urlPattern" in req or "urlPathPattern" in req:
        derived = from_regex(str(req.get("urlPattern") or req.get("urlPathPattern")))
        if derived is None:
            return None
        url = derived
    else:
        url = "/anything"
    query = {}
    for name, spec in (req.get("queryParameters") or {}).items():
        if isinstance(spec, dict) and spec.get("absent"):
            continue
        value = _value(spec)
        if value is None:
            return None
        query[name] = value
    if query:
        url += ("&" if "?" in url else "?") + urlencode(query)
    out["url"] = url
    for name, spec in (req.get("headers") or {}).items():
        if isinstance(spec, dict) and spec.get("absent"):
            continue
        value = _value(spec)
        if value is None:
            return None
        out["headers"][name] = value
    cookies = []
    for name, spec in (req.get("cookies") or {}).items():
        value = _value(spec)
        if value is None:
            return None
        cookies.append(f"{name}={value}")
    if cookies:
        out["headers"]["Cookie"] = "; ".join(cookies)
    if "basicAuthCredentials" in req:
        c = req["basicAuthCredentials"]
        token = base64.b64encode(f"{c['username']}:{c['password']}".encode()).decode()
        out["headers"]["Authorization"] = f"Basic {token}"
    body = _body(req.get("bodyPatterns") or [])
    if body is None:
        return None
    out["content"] = body
    if "formParameters" in req:
        fields = {name: _value(spec) for name, spec in req["formParameters"].items()}
        if body or any(v is None for v in fields.values()):
            return None
        out["content"] = urlencode(fields).encode()
        out["headers"]["Content-Type"] = "application/x-www-form-urlencoded"
    return out


def _json_from_paths(patterns: list[Any]) -> bytes | None:
    """A JSON object for ``matchesJsonPath`` patterns of plain ``$.name`` paths."""
    doc: dict[str, Any] = {}
    for spec in patterns:
        value = spec.get("matchesJsonPath")
        expr, wanted = (value, "x") if isinstance(value, str) else (None, None)
        if isinstance(value, dict):
            expr, wanted = value.get("expression"), _value(value)
        if not isinstance(expr, str) or wanted is None or not re.fullmatch(r"\$\.\w+", expr):
            return None
        doc[expr[2:]] = wanted
    return json.dumps(doc).encode()


def _text_from_patterns(patterns: list[Any]) -> bytes | None:
    """One text that ``contains`` and ``matches`` patterns all accept."""
    parts = [_value(spec) for spec in patterns]
    if any(p is None for p in parts):
        return None
    text = " ".join(p for p in parts if p is not None)
    for spec in patterns:
        if "matches" in spec and not re.fullmatch(spec["matches"], text, re.S):
            return None
        if "contains" in spec and spec["contains"] not in text:
            return None
    return text.encode()


def _body(patterns: list[Any]) -> bytes | None:
    if not patterns:
        return b""
    if not all(isinstance(p, dict) for p in patterns):
        return None
    if len(patterns) > 1:
        if all("matchesJsonPath" in p for p in patterns):
            return _json_from_paths(patterns)
        if all(set(p) <= {"contains", "matches"} for p in patterns):
            return _text_from_patterns(patterns)
        return None
    spec = patterns[0]
    if "matchesJsonPath" in spec:
        return _json_from_paths(patterns)
    if "equalToJson" in spec:
        value = spec["equalToJson"]
        return (value if isinstance(value, str) else json.dumps(value)).encode()
    if "absent" in spec:
        return b""
    value = _value(spec)
    return None if value is None else value.encode()
