"""``POST /__admin/reset``: back to a clean mock, for everyone or for one session."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from stubforge.serve import ephemeral_sync
from stubforge.serve.state import ServerState


def reset_router(state: ServerState) -> APIRouter:
    api = APIRouter(tags=["server"])

    @api.post("/__admin/reset")
    async def reset(
        session: Annotated[str | None, Query(description="reset only this session")] = None,
        journal: bool = True,
        stubs: Annotated[bool, Query(description="remove ephemeral stubs")] = True,
        behaviour: Annotated[
            bool, Query(description="scenario state, sequences, rate-limit counters")
        ] = True,
    ) -> dict[str, Any]:
        """Reset behaviour state, the journal and ephemeral stubs (and, without a session,
        the metrics): everything, or what belongs to one ``X-Stubforge-Session``."""
        out: dict[str, Any] = {"session": session}
        if behaviour:
            out["state_keys"] = await state.reset_behaviour(session)
        if journal:
            out["requests"] = (
                state.journal.clear()
                if session is None
                else state.journal.clear(lambda e: e.session_id != session)
            )
        if stubs:
            out["stubs"] = state.ephemeral.clear(session)
            state.publish_ephemeral()
            await ephemeral_sync.share(state)
        if session is None:
            state.metrics.reset()
            out["metrics"] = True
        return out

    return api
