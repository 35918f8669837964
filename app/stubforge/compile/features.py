"""Request features a response may depend on: path parameters, query parameters, top-level
JSON body fields and a few headers, each with a value per exchange (``None`` = absent).

Volatile features never become matchers: names that say so (timestamps, nonces,
signatures, request/trace/correlation ids, idempotency keys, ``Date``...), names listed as
``volatile`` in the hints file, and features whose random-looking value differs in every exchange
(a per-call nonce, signature or redaction placeholder) — path parameters excepted, since a different
id per call is what a path parameter is for. Credentials (``Authorization``, API-key
headers, cookies) count only as present or absent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from stubforge.compile.detectors import detect
from stubforge.compile.exchange import Exchange
from stubforge.model.recording import PLACEHOLDER_RE

KIND_ORDER = {"path": 0, "query": 1, "has": 2, "json": 3, "header": 4}

VOLATILE_NAME = re.compile(
    r"(?i)(time|date|nonce|sig|signature|timestamp|request.?id|trace|span|idempot|"
    r"correlation|^ts$|^_$|cache.?buster|^t$|random|expires?)"
)
"""Names of fields whose values vary per call by design."""

_SKIP_HEADERS = frozenset(
    [
        "host",
        "user-agent",
        "accept",
        "accept-encoding",
        "accept-language",
        "connection",
        "content-length",
        "content-type",
        "cache-control",
        "pragma",
        "origin",
        "referer",
        "cookie",
        "traceparent",
        "tracestate",
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
        "x-real-ip",
        "via",
        "te",
        "upgrade",
        "sec-fetch-mode",
        "sec-fetch-site",
        "sec-fetch-dest",
        "sec-ch-ua",
        "priority",
    ]
)
_CREDENTIAL_HEADERS = re.compile(r"(?i)^(authorization|x-api-key|api-key|x-auth-token|apikey)$")
PRESENT = "\x00present"
"""The value of a credential feature that is present (its value is never matched)."""


@dataclass(frozen=True, order=True)
class Feature:
    """One request field: ``kind`` is ``path``, ``query``, ``json``, ``header``, or
    ``has`` (a top-level body field present or absent, see :mod:`.conditions`)."""

    kind: str
    name: str

    def sort_key(self) -> tuple[int, str]:
        return (KIND_ORDER[self.kind], self.name)

    def describe(self) -> str:
        return f"{self.kind}.{self.name}"


def _scalar(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def feature_value(ex: Exchange, feature: Feature) -> str | None:
    """The feature's value in one exchange (``None`` when absent); JSON fields as JSON text."""
    kind, name = feature.kind, feature.name
    if kind == "path":
        return ex.params.get(name)
    if kind == "query":
        return ex.query_value(name)
    if kind == "header":
        value = ex.headers.get(name)
        if value is not None and _CREDENTIAL_HEADERS.match(name):
            return PRESENT
        return value
    doc = ex.json
    if not isinstance(doc, dict) or name not in doc:
        return None
    if kind == "has":
        return "\x00has"
    return _scalar(doc[name])


def candidate_features(exchanges: list[Exchange], volatile: set[str]) -> list[Feature]:
    """Every non-volatile feature seen in ``exchanges``, in a fixed order."""
    found: set[Feature] = set()
    for ex in exchanges:
        found.update(Feature("path", n) for n in ex.params)
        found.update(Feature("query", n) for n, _ in ex.query)
        found.update(Feature("header", n) for n in ex.headers if n not in _SKIP_HEADERS)
        if isinstance(ex.json, dict):
            found.update(Feature("json", str(n)) for n in ex.json)
    out = []
    for f in sorted(found, key=Feature.sort_key):
        if f.kind != "path" and (VOLATILE_NAME.search(f.name) or f.name.lower() in volatile):
            continue
        if f.kind != "path" and _unique_per_call(exchanges, f):
            continue
        out.append(f)
    return out


def _unique_per_call(exchanges: list[Exchange], f: Feature) -> bool:
    """A different random-looking value in every call: a nonce, a placeholder, a signature."""
    values = [feature_value(ex, f) for ex in exchanges]
    present = [v for v in values if v is not None and v != PRESENT]
    if len(present) < 3 or len(set(present)) != len(present):
        return False
    return all(_random_looking(v) for v in present)


def _random_looking(value: str) -> bool:
    if PLACEHOLDER_RE.search(value):
        return True
    return detect(value) in ("uuid", "ulid", "hex", "token") or (
        len(value) >= 16 and any(c.isdigit() for c in value)
    )
