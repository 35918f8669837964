"""``/__admin/on-miss``: read and switch what unmatched requests get (404, proxy, record).

The admin API itself never proxies: ``/__admin/*`` is answered here or not at all."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from stubforge.admin.problems import Problem
from stubforge.serve.state import ServerState


class OnMissChoice(BaseModel):
    on_miss: Literal["404", "proxy", "record"] = Field(
        description="404: the unmatched answer; proxy: the upstream's answer; record: the "
        "upstream's answer, also written to the recordings directory"
    )


def passthrough_router(state: ServerState) -> APIRouter:
    api = APIRouter(tags=["behaviour"])

    @api.get("/__admin/on-miss")
    async def get_on_miss() -> dict[str, Any]:
        """The on-miss policy, the server-wide upstream and what was recorded."""
        return state.passthrough.describe()

    @api.put("/__admin/on-miss")
    async def put_on_miss(choice: OnMissChoice) -> dict[str, Any]:
        """Switch the on-miss policy now (``record`` opens the recordings directory)."""
        try:
            state.passthrough.set_policy(choice.on_miss)
        except (OSError, ValueError) as exc:
            raise Problem(409, f"cannot switch to {choice.on_miss}: {exc}") from None
        return state.passthrough.describe()

    return api
