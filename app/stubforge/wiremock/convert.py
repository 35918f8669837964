"""One WireMock stub mapping as one stubforge route (as plain data for YAML).

``priority`` is inverted: WireMock's 1 is the highest and 5 the default; ours is "higher
wins" with 0 the default, so a route gets ``5 - priority``. Scenario state ``Started``
is our ``started``.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from stubforge.wiremock.issues import Converted, Notes, escape_pointer
from stubforge.wiremock.matchers import anchored, body_condition, form_conditions, text_matcher
from stubforge.wiremock.response import convert_response
from stubforge.wiremock.source import Mapping

DEFAULT_PRIORITY = 5
_REGEX_META = set(".^$*+?()[]{}|\\")
_ID = re.compile(r"[^A-Za-z0-9_.:/-]+")
_NAME = re.compile(r"[^A-Za-z0-9_.:-]+")
_IGNORED = {"id", "uuid", "name", "persistent", "metadata", "insertionIndex"}
_NOT_CONVERTED = {
    "postServeActions": "post-serve actions (webhooks)",
    "serveEventListeners": "serve event listeners (webhooks)",
}


def convert(mapping: Mapping) -> Converted:
    """The route for ``mapping``; a mapping whose values have the wrong types (a text
    ``priority``, a delay without its fields) is reported as not converted."""
    try:
        return _convert(mapping)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        notes = Notes(mapping.file, mapping.pointer)
        notes.add("", f"malformed mapping ({type(exc).__name__}: {exc})")
        return Converted(mapping.file, mapping.pointer, None, notes.issues)


def _convert(mapping: Mapping) -> Converted:
    notes = Notes(mapping.file, mapping.pointer)
    data = mapping.data
    bodies: dict[str, bytes] = {}
    request = data.get("request")
    response = data.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        notes.add("", "a mapping needs a request and a response object")
        return Converted(mapping.file, mapping.pointer, None, notes.issues)
    if "proxyBaseUrl" in response:
        notes.add("/response/proxyBaseUrl", "proxy mappings: use 'stubforge serve --on-miss'")
        return Converted(mapping.file, mapping.pointer, None, notes.issues)
    route: dict[str, Any] = {}
    name = data.get("name") or data.get("id") or data.get("uuid")
    if isinstance(name, str) and _ID.sub("-", name).strip("-"):
        route["id"] = _ID.sub("-", name).strip("-")
    if isinstance(data.get("name"), str):
        route["description"] = data["name"]
    if "priority" in data:
        route["priority"] = DEFAULT_PRIORITY - int(data["priority"])
    route["request"] = _request(request, notes)
    route.update(convert_response(response, notes, mapping.files, bodies))
    when = route["request"].pop("_when", None)
    if when:  # conditions on the path: a variant with `when` falls through when they fail
        route["responses"] = [{"when": when, **route.pop("response")}]
    state = _state(data)
    if state:
        route["state"] = state
    for key in data:
        if key in _NOT_CONVERTED:
            notes.add(f"/{key}", f"{_NOT_CONVERTED[key]} are not converted")
        elif key not in {"request", "response", "priority", *_IGNORED} and not key.startswith(
            ("scenarioName", "requiredScenarioState", "newScenarioState")
        ):
            notes.add(f"/{escape_pointer(key)}", f"mapping field {key!r} is not converted")
    return Converted(mapping.file, mapping.pointer, route, notes.issues, bodies)


def _state(data: dict[str, Any]) -> dict[str, Any]:
    scenario = data.get("scenarioName")
    if not isinstance(scenario, str):
        return {}

    def ours(state: Any) -> str | None:
        if not isinstance(state, str):
            return None
        return "started" if state == "Started" else _name(state)

    out: dict[str, Any] = {"scenario": _name(scenario)}
    if (requires := ours(data.get("requiredScenarioState"))) is not None:
        out["requires"] = requires
    if (after := ours(data.get("newScenarioState"))) is not None:
        out["next"] = after
    return out


def _name(text: str) -> str:
    """Scenario and state names here are letters, digits and ``_.:-``: ``To do list`` is
    ``To-do-list``."""
    return _NAME.sub("-", text).strip("-") or "scenario"


def _request(spec: dict[str, Any], notes: Notes) -> dict[str, Any]:
    at = "/request"
    out: dict[str, Any] = {"method": str(spec.get("method", "ANY")).upper()}
    when: dict[str, Any] = {}
    if "url" in spec:
        parts = urlsplit(str(spec["url"]))
        out["path"] = _literal_path(parts.path or "/", notes, f"{at}/url")
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if query:
            out["query"] = {k: {"equals": v} for k, v in query.items()}
    elif "urlPath" in spec:
        out["path"] = _literal_path(str(spec["urlPath"]), notes, f"{at}/urlPath")
    elif "urlPathTemplate" in spec:
        out["path"] = str(spec["urlPathTemplate"])
        if "pathParameters" in spec:
            params = _matchers(spec["pathParameters"], notes, f"{at}/pathParameters")
            if params:
                when["path"] = params
    elif "urlPattern" in spec or "urlPathPattern" in spec:
        key = "urlPattern" if "urlPattern" in spec else "urlPathPattern"
        pattern = str(spec[key])
        if key == "urlPattern" and "\\?" in pattern:  # an escaped '?': the query is part of it
            notes.add(f"{at}/{key}", "a URL pattern covering the query string")
        out["path"], regex = _pattern_path(pattern)
        if regex is not None and regex != anchored(".*"):
            when["path"] = {"rest": {"regex": regex}}
    else:
        out["path"] = "/{rest:path}"  # any URL
    for key, field in (
        ("queryParameters", "query"),
        ("headers", "headers"),
        ("cookies", "cookies"),
    ):
        if key in spec:
            converted = _matchers(spec[key], notes, f"{at}/{key}")
            if converted:
                out.setdefault(field, {}).update(converted)
    if "basicAuthCredentials" in spec:
        creds = spec["basicAuthCredentials"]
        token = base64.b64encode(f"{creds['username']}:{creds['password']}".encode()).decode()
        out.setdefault("headers", {})["Authorization"] = {"equals": f"Basic {token}"}
    if "bodyPatterns" in spec:
        body = body_condition(spec["bodyPatterns"], notes, f"{at}/bodyPatterns")
        if body:
            out["body"] = body
    if "formParameters" in spec:  # form bodies are read as objects: JSONPath conditions
        fields = form_conditions(spec["formParameters"], notes, f"{at}/formParameters")
        if fields:
            out.setdefault("body", {}).setdefault("jsonpath", {}).update(fields)
    for key in spec:
        if key in ("multipartPatterns", "host", "port", "scheme", "clientIp"):
            notes.add(f"{at}/{key}", f"request condition {key!r} has no equivalent")
        elif key == "customMatcher":
            notes.add(f"{at}/customMatcher", "custom matcher extensions")
    if when:
        out["_when"] = when
    return out


def _matchers(raw: Any, notes: Notes, at: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not isinstance(raw, dict):
        notes.add(at, "an object of name -> pattern")
        return out
    for name, spec in raw.items():
        matcher = text_matcher(spec, notes, f"{at}/{escape_pointer(name)}")
        if matcher is not None:
            out[name] = matcher
    return out


def _literal_path(path: str, notes: Notes, at: str) -> str:
    if "{" in path or "}" in path:
        notes.add(at, "braces in a literal path would read as a template here")
    return path


def _pattern_path(pattern: str) -> tuple[str, str | None]:
    """A path regex as a template with a literal prefix and a catch-all, plus the regex the
    catch-all's value must match (``None`` when the pattern is a plain literal)."""
    body = pattern[1:] if pattern.startswith("^") else pattern
    body = body[:-1] if body.endswith("$") and not body.endswith("\\$") else body
    cut = 0
    for i, ch in enumerate(body):
        if ch in _REGEX_META:
            break
        if ch == "/":
            cut = i + 1
    else:
        return body, None  # no regex syntax at all: a literal path
    prefix, rest = body[:cut], body[cut:]
    if not prefix.startswith("/"):
        return "/{rest:path}", anchored(body.removeprefix("/"))
    return f"{prefix}{{rest:path}}", anchored(rest)
