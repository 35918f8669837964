"""The admin API. FastAPI lives here only; the replay fast path never imports it."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer

from stubforge import __version__
from stubforge.admin import problems
from stubforge.admin.auth import AUTHORIZED, BearerAuth, is_loopback
from stubforge.admin.behaviour_api import behaviour_router
from stubforge.admin.journal_api import journal_router
from stubforge.admin.metrics import metrics_router
from stubforge.admin.passthrough_api import passthrough_router
from stubforge.admin.reset_api import reset_router
from stubforge.admin.stubs_api import stubs_router
from stubforge.admin.ui_api import ui_router
from stubforge.serve.state import ServerState
from stubforge.serve.stubset import describe_route


def create_admin(state: ServerState) -> FastAPI:
    api = FastAPI(
        title="stubforge admin API",
        version=__version__,
        docs_url="/__admin/docs",
        redoc_url=None,
        openapi_url="/__admin/openapi.json",
        # Documents the bearer scheme (docs "Authorize" button); BearerAuth enforces it.
        dependencies=[Depends(HTTPBearer(auto_error=False))],
    )
    problems.install(api)
    api.add_middleware(
        BearerAuth,
        token=state.config.admin_token,
        loopback=is_loopback(state.config.host),
    )
    api.include_router(journal_router(state))
    api.include_router(stubs_router(state))
    api.include_router(reset_router(state))
    api.include_router(metrics_router(state))
    api.include_router(behaviour_router(state))
    api.include_router(passthrough_router(state))
    api.include_router(ui_router(state))

    @api.get("/__admin/health", tags=["server"])
    async def health(request: Request) -> dict[str, Any]:
        """Liveness and the state of the stub set: route count, load errors and warnings
        (``degraded`` also when no route is served).
        Without the admin token (when one is set) only ``status`` is shown."""
        stubs = state.stubs
        warnings = state.warnings()
        problems = state.background.problems()
        status = "degraded" if state.load_errors or warnings or problems else "ok"
        if not request.scope.get(AUTHORIZED, True):
            return {"status": status}
        return {
            "status": status,
            "warnings": warnings,
            "problems": problems,
            "tasks": state.background.describe(),
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
        """Every route being served, with the file and line it comes from (``replaces``:
        the compiled route a hand route with the same id replaces)."""
        extra = {s.id: s.describe() for s in state.ephemeral}
        replaced = state.stubs.overrides
        return {
            "stubs": [
                {
                    **describe_route(r),
                    "ephemeral": False,
                    **extra.get(r.id, {}),
                    **({"replaces": replaced[r.id]} if r.id in replaced else {}),
                }
                for r in state.stubs.routes
            ]
        }

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
