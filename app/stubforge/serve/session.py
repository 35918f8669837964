"""Per-request behaviour context: the session and profile headers, and the scenario
states the request is matched against."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from stubforge.behave.scenarios import current
from stubforge.match.predicates import Check, Params
from stubforge.match.request import Request

SESSION_HEADER = b"x-stubforge-session"
PROFILE_HEADER = b"x-stubforge-profile"
DEFAULT_SESSION = ""
NO_STATES: Mapping[str, Any] = MappingProxyType({})
"""The scenario states of a request when no route needs them (shared, read-only)."""


class BehaviourRequest(Request):
    """A :class:`Request` that also knows its session, profile and scenario states."""

    __slots__ = ("profile", "scenarios", "session")

    def __init__(
        self,
        method: str,
        path: str,
        query_string: bytes = b"",
        raw_headers: list[tuple[bytes, bytes]] | None = None,
        body: bytes = b"",
        client: str | None = None,
    ) -> None:
        super().__init__(method, path, query_string, raw_headers, body, client)
        self.session = DEFAULT_SESSION
        self.profile: str | None = None
        self.scenarios: Mapping[str, Any] = NO_STATES


def read_selectors(raw_headers: list[tuple[bytes, bytes]]) -> tuple[str, str | None]:
    """``(session, profile)`` from the ``X-Stubforge-*`` headers (empty session, no profile
    when absent)."""
    session, profile = DEFAULT_SESSION, None
    for name, value in raw_headers:
        if name == SESSION_HEADER:
            session = value.decode("latin-1").strip()
        elif name == PROFILE_HEADER:
            profile = value.decode("latin-1").strip() or None
    return session, profile


class ScenarioCheck(Check):
    """Matching condition of a route that requires a scenario state."""

    __slots__ = ("required", "scenario")

    def __init__(self, scenario: str, required: str) -> None:
        super().__init__(f"state.{scenario}")
        self.scenario, self.required = scenario, required

    def __call__(self, req: Request, params: Params) -> bool:
        states = req.scenarios if isinstance(req, BehaviourRequest) else {}
        return current(states, self.scenario) == self.required

    def expected(self) -> str:
        return f"scenario {self.scenario!r} in state {self.required!r}"

    def actual(self, req: Request, params: Params) -> Any:
        states = req.scenarios if isinstance(req, BehaviourRequest) else {}
        return current(states, self.scenario)
