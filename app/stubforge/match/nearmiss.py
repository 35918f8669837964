"""Near misses: when nothing matched, the closest routes and the fields that differed.

The distance of a route to a request is the sum of its failed fields: the path (by
segment edit distance, 0 when the template matches), the method (1) and each condition
(1). Routes whose path template matches come first (the user most likely meant one of
them, however many conditions failed), then by smallest distance, then definition order.

A near miss is shown to whoever sent the request (in the 404 body) and kept in the
journal, so the values in it are redacted when it is built: what a matcher on a
sensitive header, cookie or parameter expects is hidden (a stub's ``authorization``
equals-matcher holds the credential it accepts), and secret-shaped values are replaced
in the expected and the actual value alike (:mod:`stubforge.redact.shown`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from stubforge.match.request import Request
from stubforge.match.router import ANY, MatchRoute
from stubforge.redact.redactor import Redactor
from stubforge.redact.shown import mask_expected, redact_shown, shown_redactor


@dataclass(frozen=True)
class Difference:
    field: str
    expected: Any
    actual: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "expected": self.expected, "actual": self.actual}


@dataclass(frozen=True)
class NearMiss:
    route: MatchRoute
    distance: float
    differences: list[Difference] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "route": self.route.id,
            "file": self.route.file,
            "line": self.route.line,
            "distance": round(self.distance, 3),
            "differences": [d.to_dict() for d in self.differences],
        }


def _path_distance(template: str, path: str) -> float:
    a, b = template.strip("/").split("/"), path.strip("/").split("/")
    return 1.0 - difflib.SequenceMatcher(None, a, b).ratio()


def shown_target(req: Request) -> tuple[str, str]:
    """The request's path and query as an answer or a log line may quote them (redacted: a
    token in the path or an ``api_key`` in the query is not echoed into anyone's logs)."""
    return _shown_target(req.path, req.query_string.decode("latin-1"))


@lru_cache(maxsize=4096)
def _shown_target(path: str, qs: str) -> tuple[str, str]:
    # One redactor for these one-line views (event-loop thread only); its memory of
    # secrets is bounded. Cached: the same targets come back all the time.
    shown, _, query = _target_redactor().url(path + ("?" + qs if qs else ""), set()).partition("?")
    return shown, query


@lru_cache(maxsize=1)
def _target_redactor() -> Redactor:
    return shown_redactor()


def _shown(red: Redactor, field: str, expected: Any, actual: Any) -> Difference:
    return Difference(field, mask_expected(red, field, expected), redact_shown(red, field, actual))


def near_misses(req: Request, routes: Iterable[MatchRoute], limit: int = 3) -> list[NearMiss]:
    """The ``limit`` routes closest to ``req``; a linear scan, run only on a miss."""
    red = shown_redactor()
    scored: list[NearMiss] = []
    for route in routes:
        diffs: list[Difference] = []
        distance = 0.0
        params = route.template.match(req.path)
        if params is None:
            distance += 1.0 + _path_distance(route.template.text, req.path)
            diffs.append(_shown(red, "path", route.template.text, req.path))
            params = {}
        if ANY not in route.methods and req.method not in route.methods:
            distance += 1.0
            expected = route.methods[0] if len(route.methods) == 1 else list(route.methods)
            diffs.append(Difference("method", expected, req.method))
        for check in route.checks:
            if not check(req, params):
                distance += 1.0
                diffs.append(_shown(red, check.field, check.expected(), check.actual(req, params)))
        if diffs:
            scored.append(NearMiss(route, distance, diffs))
    scored.sort(key=lambda m: (m.differences[0].field == "path", m.distance, m.route.order))
    return scored[:limit]
