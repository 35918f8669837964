"""A WireMock response definition as our response, latency, slow body and faults."""

from __future__ import annotations

import base64
import math
from pathlib import Path, PurePosixPath
from typing import Any

from stubforge.wiremock.issues import Notes, escape_pointer
from stubforge.wiremock.templates import Untranslatable, has_template, translate

FAULTS = {
    "CONNECTION_RESET_BY_PEER": "connection_reset",
    "EMPTY_RESPONSE": "empty_response",
    "MALFORMED_RESPONSE_CHUNK": "malformed_chunk",
    "RANDOM_DATA_THEN_CLOSE": "random_data",
}
_Z99 = 2.3263478740408408
"""The standard normal quantile of 0.99: a lognormal's p99 is ``median * exp(z99 * sigma)``."""
_KNOWN = {
    "status",
    "statusMessage",
    "headers",
    "additionalProxyRequestHeaders",
    "body",
    "jsonBody",
    "base64Body",
    "bodyFileName",
    "fixedDelayMilliseconds",
    "delayDistribution",
    "chunkedDribbleDelay",
    "fault",
    "transformers",
    "transformerParameters",
    "proxyBaseUrl",
}


def convert_response(
    spec: dict[str, Any], notes: Notes, files: Path | None, bodies: dict[str, bytes]
) -> dict[str, Any]:
    """The route fields (``response``, ``latency``, ``dribble``, ``errors``) for ``spec``."""
    at = "/response"
    templating = "response-template" in (spec.get("transformers") or [])
    route: dict[str, Any] = {}
    response: dict[str, Any] = {"status": int(spec.get("status", 200))}
    for key in spec:
        if key not in _KNOWN:
            notes.add(f"{at}/{escape_pointer(key)}", f"response field {key!r} is not converted")
    if "statusMessage" in spec:
        notes.add(f"{at}/statusMessage", "a custom reason phrase is not sent")
    others = [t for t in spec.get("transformers") or [] if t != "response-template"]
    if others:
        notes.add(f"{at}/transformers", f"response transformers {others} are not converted")
    if spec.get("transformerParameters"):
        notes.add(f"{at}/transformerParameters", "transformer parameters are not converted")
    headers = _headers(spec.get("headers") or {}, notes, f"{at}/headers", templating)
    if headers:
        response["headers"] = headers
    _body(spec, response, notes, at, templating, files, bodies)
    _delay(spec, route, notes, at)
    if "fault" in spec:
        fault = FAULTS.get(str(spec["fault"]))
        if fault is None:
            notes.add(f"{at}/fault", f"fault {spec['fault']!r} has no equivalent")
        else:
            route["errors"] = [{"id": "wiremock-fault", "rate": 1.0, "fault": fault}]
    if not templating and any("{{" in v or "{%" in v for v in headers.values()):
        response["template"] = False  # WireMock serves these braces literally
    route["response"] = response
    return route


def _text(value: str, notes: Notes, at: str, templating: bool) -> tuple[str, bool]:
    """Text and whether it is a template; untranslatable templates stay literal."""
    if not templating or not has_template(value):
        return value, False
    try:
        return translate(value), True
    except Untranslatable as exc:
        notes.add(at, f"template helper without an equivalent: {exc}; served literally")
        return value, False


def _headers(raw: Any, notes: Notes, at: str, templating: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    if not isinstance(raw, dict):
        notes.add(at, "headers is an object")
        return out
    for name, value in raw.items():
        where = f"{at}/{escape_pointer(name)}"
        if isinstance(value, list):
            if len(value) != 1:
                notes.add(where, "several values for one header: only the first is sent")
            if not value:
                continue
            value = value[0]
        text, templated = _text(str(value), notes, where, templating)
        if templating and not templated and ("{{" in text or "{%" in text):
            notes.add(where, "a header value with '{{' is served as a template here")
        out[name] = text
    return out


def _body(
    spec: dict[str, Any],
    response: dict[str, Any],
    notes: Notes,
    at: str,
    templating: bool,
    files: Path | None,
    bodies: dict[str, bytes],
) -> None:
    if "jsonBody" in spec:
        body = spec["jsonBody"]
        if templating:
            text, templated = _text(_dump(body), notes, f"{at}/jsonBody", templating)
            if templated:
                response["body"], response["template"] = text, True
                response.setdefault("headers", {}).setdefault("Content-Type", "application/json")
                return
        response["json"] = body
        if "{{" in _dump(body) or "{%" in _dump(body):
            response["template"] = False
    elif "body" in spec:
        text, templated = _text(str(spec["body"]), notes, f"{at}/body", templating)
        response["body"] = text
        if templated or "{{" in text or "{%" in text:
            response["template"] = templated
    elif "base64Body" in spec:
        try:
            base64.b64decode(str(spec["base64Body"]), validate=True)
            response["body_base64"] = str(spec["base64Body"])
        except ValueError:
            notes.add(f"{at}/base64Body", "not valid base64")
    elif "bodyFileName" in spec:
        _body_file(str(spec["bodyFileName"]), response, notes, at, templating, files, bodies)
    if "proxyBaseUrl" in spec:
        notes.add(f"{at}/proxyBaseUrl", "proxying")


def _body_file(
    name: str,
    response: dict[str, Any],
    notes: Notes,
    at: str,
    templating: bool,
    files: Path | None,
    bodies: dict[str, bytes],
) -> None:
    where = f"{at}/bodyFileName"
    if has_template(name):
        notes.add(where, "a templated body file name")
        return
    rel = PurePosixPath(name)
    if rel.is_absolute() or ".." in rel.parts:
        notes.add(where, "a body file outside __files")
        return
    source = files / rel if files is not None else None
    if source is None or not source.is_file():
        notes.add(where, f"body file {name!r} not found in __files")
        return
    data = source.read_bytes()
    target = f"bodies/{rel.as_posix()}"
    if templating and b"{{" in data:
        try:
            text = translate(data.decode("utf-8"))
        except (Untranslatable, UnicodeDecodeError) as exc:
            notes.add(where, f"templated body file: {exc}; served literally")
        else:
            data, response["template"] = text.encode(), True
    bodies[target] = data
    response["body_file"] = target


def _delay(spec: dict[str, Any], route: dict[str, Any], notes: Notes, at: str) -> None:
    if "fixedDelayMilliseconds" in spec:
        route["latency"] = f"{int(spec['fixedDelayMilliseconds'])}ms"
    dist = spec.get("delayDistribution")
    if isinstance(dist, dict):
        kind = dist.get("type")
        if kind == "uniform":
            route["latency"] = {"min": f"{dist['lower']}ms", "max": f"{dist['upper']}ms"}
        elif kind == "lognormal":
            median, sigma = float(dist["median"]), float(dist["sigma"])
            p99 = median * math.exp(_Z99 * sigma)
            route["latency"] = {"p50": f"{median:g}ms", "p99": f"{p99:.0f}ms"}
            if "maxValue" in dist:
                route["latency"]["max"] = f"{dist['maxValue']}ms"
        else:
            notes.add(f"{at}/delayDistribution", f"delay distribution {kind!r}")
        if "fixedDelayMilliseconds" in spec:
            notes.add(f"{at}/fixedDelayMilliseconds", "a fixed delay on top of a distribution")
    dribble = spec.get("chunkedDribbleDelay")
    if isinstance(dribble, dict):
        chunks = max(2, int(dribble.get("numberOfChunks", 2)))
        route["dribble"] = {"chunks": chunks, "duration": f"{int(dribble['totalDuration'])}ms"}


def _dump(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # as WireMock writes it
