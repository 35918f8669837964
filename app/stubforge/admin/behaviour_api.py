"""``/__admin/profile`` and ``/__admin/scenarios``: the global profile and scenario states."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from stubforge.admin.problems import Problem
from stubforge.behave import scenarios
from stubforge.serve.profile_sync import switch_profile
from stubforge.serve.state import ServerState

SessionQuery = Annotated[
    str, Query(description="the X-Stubforge-Session id (empty: requests without one)")
]


class ProfileChoice(BaseModel):
    profile: str | None = Field(description="the profile to switch on; null switches it off")


class ScenarioStates(BaseModel):
    states: dict[str, str] = Field(description="scenario name -> state to set")
    session: str = Field(default="", description="the session whose states to set")


def behaviour_router(state: ServerState) -> APIRouter:
    api = APIRouter(tags=["behaviour"])

    def profile_view() -> dict[str, Any]:
        return {
            "profile": state.profile,
            "since": state.profile_since,
            "profiles": sorted(state.stubs.profiles),
        }

    @api.get("/__admin/profile")
    async def get_profile() -> dict[str, Any]:
        """The profile in force for requests without ``X-Stubforge-Profile``."""
        return profile_view()

    @api.put("/__admin/profile")
    async def put_profile(choice: ProfileChoice) -> dict[str, Any]:
        """Switch the global profile on (or off with ``null``); its time windows start now."""
        try:
            await switch_profile(state, choice.profile)  # shared with replicas on Redis
        except KeyError:
            known = ", ".join(sorted(state.stubs.profiles)) or "none defined"
            raise Problem(404, f"unknown profile {choice.profile!r} (profiles: {known})") from None
        return profile_view()

    async def states_of(session: str) -> dict[str, str]:
        stored = await state.store.items(session, scenarios.PREFIX)
        names = sorted({*state.stubs.scenarios, *stored})
        return {name: scenarios.current(stored, name) for name in names}

    @api.get("/__admin/scenarios")
    async def get_scenarios(session: SessionQuery = "") -> dict[str, Any]:
        """Every scenario's state in a session, and the states routes mention."""
        return {
            "session": session,
            "scenarios": await states_of(session),
            "known_states": {k: sorted(v) for k, v in sorted(state.stubs.scenarios.items())},
        }

    @api.put("/__admin/scenarios")
    async def put_scenarios(body: ScenarioStates) -> dict[str, Any]:
        """Set scenario states. Unknown scenarios (404) and states no route mentions (422)
        are refused, so a typo cannot leave a scenario stuck in a state nothing serves."""
        unknown = sorted(set(body.states) - set(state.stubs.scenarios))
        if unknown:
            raise Problem(
                404,
                f"unknown scenario(s): {', '.join(unknown)}",
                [
                    {"field": f"states.{n}", "message": "no route uses this scenario"}
                    for n in unknown
                ],
            )
        known = state.stubs.scenarios
        bad = sorted((n, v) for n, v in body.states.items() if v not in known[n])
        if bad:
            raise Problem(
                422,
                "unknown state(s): "
                + ", ".join(f"{n}={v!r} (known: {', '.join(sorted(known[n]))})" for n, v in bad),
                [
                    {
                        "field": f"states.{n}",
                        "message": f"no route mentions state {v!r} of scenario {n!r}",
                    }
                    for n, v in bad
                ],
            )
        for name, value in body.states.items():
            await state.store.put(body.session, scenarios.key(name), value)
        return {"session": body.session, "scenarios": await states_of(body.session)}

    @api.delete("/__admin/scenarios")
    async def reset_scenarios(
        session: Annotated[
            str | None, Query(description="only this session (default: every session)")
        ] = None,
    ) -> dict[str, Any]:
        """Put every scenario back in ``started`` (in one session, or everywhere)."""
        removed = await state.store.clear(session, scenarios.PREFIX)
        return {"session": session, "reset": removed}

    return api
