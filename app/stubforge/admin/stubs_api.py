"""``POST /__admin/stubs`` and ``DELETE /__admin/stubs/{id}``: ephemeral stubs."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from stubforge.admin.problems import Problem
from stubforge.load.stub_input import StubInputError, error_list, parse_routes, route_data
from stubforge.serve import ephemeral_sync
from stubforge.serve.ephemeral import EphemeralStub
from stubforge.serve.state import ServerState
from stubforge.serve.stubset import describe_route

_ROUTE_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {"type": "object", "description": "one route, as under 'routes:' in a stub file"},
        {"type": "array", "items": {"type": "object"}, "minItems": 1},
    ],
}
_BODY = {
    "requestBody": {
        "required": True,
        "description": "A route (or a list of routes) exactly as in a stub file, as JSON or YAML.",
        "content": {
            "application/json": {"schema": _ROUTE_SCHEMA},
            "application/yaml": {"schema": _ROUTE_SCHEMA},
        },
    }
}


def describe_stub(stub: EphemeralStub) -> dict[str, Any]:
    return {**describe_route(stub.compiled), **stub.describe()}


MAX_STUB_BODY = 4 << 20
"""The largest body ``POST /__admin/stubs`` reads (4 MiB)."""


async def _read_limited(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, f"stub body larger than {limit} bytes", [], "too-large")
        chunks.append(chunk)
    return b"".join(chunks)


def stubs_router(state: ServerState) -> APIRouter:
    api = APIRouter(tags=["stubs"])

    @api.post("/__admin/stubs", status_code=201, openapi_extra=_BODY)
    async def add_stubs(
        request: Request,
        session: Annotated[
            str | None, Query(description="serve the stubs only to this X-Stubforge-Session")
        ] = None,
    ) -> JSONResponse:
        """Add ephemeral stubs, validated like stub files (errors name the field and the
        line of the posted text). They survive reloads until deleted or reset."""
        raw = await _read_limited(request, MAX_STUB_BODY)
        root = state.config.stubs if state.config.stubs.is_dir() else state.config.stubs.parent
        try:  # parsing and validating a large body must not hold the event loop
            routes = await asyncio.to_thread(parse_routes, raw, root)
        except StubInputError as exc:
            first = str(exc.errors[0]) if exc.errors else ""
            raise Problem(
                422,
                f"{len(exc.errors)} error(s) in the stub; first: {first}",
                error_list(exc.errors),
                "invalid-stub",
            ) from None
        taken = {r.id for r in state.stubs.routes}
        ids: list[str] = []
        for i, route in enumerate(routes):
            stub_id = route.id or f"ephemeral-{uuid.uuid4().hex[:12]}"
            if stub_id in taken or stub_id in ids:
                field = "id" if len(routes) == 1 else f"[{i}].id"
                raise Problem(
                    409,
                    f"a stub with id {stub_id!r} exists already; delete it "
                    "first or choose another id",
                    [{"field": field, "message": f"duplicate id {stub_id!r}"}],
                    "duplicate-id",
                )
            ids.append(stub_id)
        datas = route_data(raw, len(routes))
        try:
            compiled = [
                state.ephemeral.compile(i, r, session, root, d)
                for i, r, d in zip(ids, routes, datas, strict=True)
            ]
        except ValueError as exc:  # a template or pattern that only fails when compiled
            raise Problem(
                422, str(exc), [{"field": "", "message": str(exc)}], "invalid-stub"
            ) from None
        state.ephemeral.add(compiled)
        state.publish_ephemeral()
        await ephemeral_sync.share(state)
        return JSONResponse({"stubs": [describe_stub(s) for s in compiled]}, status_code=201)

    @api.delete("/__admin/stubs/{stub_id:path}")
    async def delete_stub(stub_id: str) -> dict[str, Any]:
        """Remove one ephemeral stub (routes from files are removed by editing the files)."""
        if not state.ephemeral.remove(stub_id):
            known = any(r.id == stub_id for r in state.file_stubs.routes)
            detail = (
                f"{stub_id!r} comes from a stub file; edit the file to remove it"
                if known
                else f"no ephemeral stub {stub_id!r}"
            )
            raise Problem(
                409 if known else 404, detail, kind="not-ephemeral" if known else "not-found"
            )
        state.publish_ephemeral()
        await ephemeral_sync.share(state)
        return {"deleted": stub_id}

    @api.delete("/__admin/stubs")
    async def delete_stubs(session: str | None = None) -> dict[str, Any]:
        """Remove every ephemeral stub (or those of one session)."""
        n = state.ephemeral.clear(session)
        state.publish_ephemeral()
        await ephemeral_sync.share(state)
        return {"deleted": n}

    return api
