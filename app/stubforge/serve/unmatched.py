"""The answer to a request no route matched: 404 (configurable) or 405, explaining why."""

from __future__ import annotations

from stubforge.match.nearmiss import near_misses, shown_target
from stubforge.match.request import Request
from stubforge.match.router import Miss, Router
from stubforge.serve.prepared import Prepared, json_response


def unmatched_response(
    req: Request, miss: Miss, router: Router, status: int, limit: int
) -> tuple[Prepared, list[dict[str, object]]]:
    """The response and the near misses it reports (also kept for the journal)."""
    misses = [m.to_dict() for m in near_misses(req, router.routes, limit)]
    path, query = shown_target(req)
    if miss.allowed:
        body = {
            "error": "method not allowed",
            "reason": "method_not_allowed",
            "message": f"{req.method} is not stubbed for {path}; stubbed methods: "
            f"{', '.join(miss.allowed)}",
            "allowed": list(miss.allowed),
            "request": {"method": req.method, "path": path},
            "near_misses": misses,
        }
        allow = ", ".join(miss.allowed).encode()
        return json_response(
            405, body, [(b"allow", allow), (b"x-stubforge-unmatched", b"1")]
        ), misses
    reason = "conditions_failed" if miss.path_matched else "no_route"
    body = {
        "error": "no stub matched",
        "reason": reason,
        "message": (
            f"routes exist for {req.method} {path} but their conditions did not hold"
            if miss.path_matched
            else f"no route for {req.method} {path}"
        ),
        "request": {
            "method": req.method,
            "path": path,
            "query": query,
        },
        "near_misses": misses,
    }
    return json_response(status, body, [(b"x-stubforge-unmatched", b"1")]), misses
