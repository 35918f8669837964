"""``/__admin/requests``: the journal — list and filter, delete, count, verify — and
``/__admin/near-misses``."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from stubforge.admin.problems import Problem, validation_errors
from stubforge.match.nearmiss import near_misses
from stubforge.match.request import Request
from stubforge.model.expectation import Expectation, RequestCriteria
from stubforge.serve.state import ServerState
from stubforge.verify.criteria import Selector
from stubforge.verify.journal_view import entry_dict, redact_near_misses, redactor
from stubforge.verify.verification import verify


def _criteria(**given: Any) -> RequestCriteria:
    data = {k: v for k, v in given.items() if v is not None}
    for key in ("since", "until"):
        if isinstance(data.get(key), str):
            with contextlib.suppress(ValueError):
                data[key] = float(data[key])
    try:
        return RequestCriteria.model_validate(data)
    except ValidationError as exc:
        errors = validation_errors([{**e, "loc": ("query", *e["loc"])} for e in exc.errors()])
        raise Problem(422, "invalid filter", errors, "invalid") from None


class ProbeRequest(BaseModel):
    """A request to test against the current stubs (nothing is served or journaled)."""

    method: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    """HTTP method."""
    path: str = Field(min_length=1, pattern=r"^/")
    """Request path (starts with /)."""
    query: str = ""
    """Query string without the '?'."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Request headers."""
    body: str = ""
    """Request body text."""


MAX_PAGE = 1000
"""The most journal entries one ``GET /__admin/requests`` returns (redacting is per entry)."""


def journal_router(state: ServerState) -> APIRouter:
    api = APIRouter(tags=["requests"])

    @api.get("/__admin/requests")
    async def list_requests(
        route: str | None = None,
        method: str | None = None,
        path: Annotated[str | None, Query(description="literal path or template")] = None,
        session: str | None = None,
        unmatched: bool | None = None,
        passthrough: Annotated[
            bool | None, Query(description="only requests forwarded to the upstream")
        ] = None,
        status: int | None = None,
        since: Annotated[str | None, Query(description="ISO 8601 or Unix seconds")] = None,
        until: Annotated[str | None, Query(description="ISO 8601 or Unix seconds")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        before: Annotated[
            int | None, Query(ge=1, description="only entries older than this id (paging)")
        ] = None,
    ) -> dict[str, Any]:
        """Journaled requests, newest first, redacted like recordings, filtered by the
        parameters given (all must hold); at most ``limit`` (1000) per page: pass the
        answer's ``next_before`` as ``before`` for the next page."""
        selector = Selector(
            _criteria(
                route=route,
                method=method,
                path=path,
                session=session,
                unmatched=unmatched,
                passthrough=passthrough,
                status=status,
                since=since,
                until=until,
            )
        )
        entries = list(state.journal)

        def answer() -> dict[str, Any]:
            # Filtering and redaction cost time linear in the journal: off the event loop.
            found = selector.select(entries)
            found.reverse()
            if before is not None:
                found = [e for e in found if e.id < before]
            page = found[:limit]
            red = redactor()
            return {
                "total": len(entries),
                "recorded": state.journal.recorded,
                "capacity": state.journal.size,
                "matched": len(found),
                "requests": [entry_dict(e, red) for e in page],
                "next_before": page[-1].id if len(found) > limit else None,
            }

        return await run_in_threadpool(answer)

    @api.delete("/__admin/requests")
    async def delete_requests(session: str | None = None) -> dict[str, Any]:
        """Clear the journal, or only the requests of one session."""
        if session is None:
            return {"deleted": state.journal.clear()}
        return {"deleted": state.journal.clear(lambda e: e.session_id != session)}

    @api.post("/__admin/requests/count")
    async def count_requests(criteria: RequestCriteria) -> dict[str, Any]:
        """How many journaled requests meet the criteria."""
        selector = Selector(criteria)
        return {"count": len(selector.select(state.journal)), "criteria": selector.describe()}

    @api.post("/__admin/requests/verify")
    async def verify_requests(expectation: Expectation) -> dict[str, Any]:
        """Pass or fail: does the number of matching requests meet ``count`` / ``at_least``
        / ``at_most``? Always 200; read ``ok`` and the readable ``report``."""
        return await run_in_threadpool(verify, expectation, list(state.journal))

    @api.get("/__admin/near-misses", tags=["requests"])
    async def list_near_misses(
        session: str | None = None, limit: Annotated[int, Query(ge=1, le=10_000)] = 20
    ) -> dict[str, Any]:
        """Recent unmatched requests with the closest stubs and the fields that differed."""
        selector = Selector(_criteria(unmatched=True, session=session))
        entries = list(state.journal)

        def answer() -> dict[str, Any]:
            found = selector.select(entries)
            found.reverse()
            red = redactor()
            keys = ("id", "time", "session", "request", "response", "near_misses")
            out = []
            for e in found[:limit]:
                d = entry_dict(e, red)
                out.append({k: d[k] for k in keys})
            return {"unmatched": len(found), "requests": out}

        return await run_in_threadpool(answer)

    @api.post("/__admin/near-misses", tags=["requests"])
    async def probe_near_misses(probe: ProbeRequest) -> dict[str, Any]:
        """Would this request match? The route it would hit, else the closest stubs."""
        headers = [
            (k.lower().encode("latin-1", "replace"), v.encode("latin-1", "replace"))
            for k, v in probe.headers.items()
        ]
        req = Request(
            probe.method.upper(),
            probe.path,
            probe.query.encode("latin-1", "replace"),
            headers,
            probe.body.encode("utf-8"),
        )
        router = state.stubs.router
        result = router.match(req)
        route = getattr(result, "route", None)
        if route is not None:
            return {"matched": True, "route": route.id, "near_misses": []}
        misses = [m.to_dict() for m in near_misses(req, router.routes, state.config.near_misses)]
        return {
            "matched": False,
            "route": None,
            "near_misses": redact_near_misses(redactor(), misses),
        }

    return api
