"""The admin API. FastAPI lives here only; the replay fast path never imports it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from app import __version__
from app.serve.state import ServerState
from app.serve.stubset import describe_route


def create_admin(state: ServerState) -> FastAPI:
    api = FastAPI(
        title="stubforge admin API",
        version=__version__,
        docs_url="/__admin/docs",
        redoc_url=None,
        openapi_url="/__admin/openapi.json",
    )

    @api.get("/__admin/health", tags=["server"])
    async def health() -> dict[str, Any]:
        """Liveness and the state of the stub set: route count and any load errors."""
        stubs = state.stubs
        return {
            "status": "degraded" if state.load_errors else "ok",
            "version": __version__,
            "stubs": len(stubs.routes),
            "files": len(stubs.files),
            "stubs_dir": str(state.config.stubs),
            "loaded_at": stubs.loaded_at,
            "last_reload": state.last_reload,
            "load_errors": [str(e) for e in state.load_errors],
            "load_error_details": [e.to_dict() for e in state.load_errors],
        }

    @api.get("/__admin/stubs", tags=["stubs"])
    async def list_stubs() -> dict[str, Any]:
        """Every route being served, with the file and line it comes from."""
        return {"stubs": [describe_route(r) for r in state.stubs.routes]}

    @api.post("/__admin/reload", tags=["stubs"])
    async def reload() -> JSONResponse:
        """Reload the stubs directory now. On errors the last good set keeps serving (422)."""
        outcome = await state.reload("admin API")
        body = {
            "ok": outcome.ok,
            "stubs": outcome.routes,
            "errors": [str(e) for e in outcome.errors],
            "error_details": [e.to_dict() for e in outcome.errors],
        }
        return JSONResponse(body, status_code=200 if outcome.ok else 422)

    return api
