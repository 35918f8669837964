"""Per-request behaviour context: the session and profile headers, and the scenario
states the request is matched against."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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


class StatesUnavailable(Mapping[str, Any]):
    """The scenario states of a request while the store cannot be read: matching a route
    that requires a state raises the store's error (a 503), any other route answers."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getitem__(self, key: str) -> Any:
        raise self.error

    def get(self, key: str, default: Any = None) -> Any:
        raise self.error

    def __iter__(self) -> Iterator[str]:
        raise self.error

    def __len__(self) -> int:
        raise self.error


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


class ConflictingSelectors(ValueError):
    """A request carries two different ``X-Stubforge-Session`` (or ``-Profile``) values."""


def read_selectors(raw_headers: list[tuple[bytes, bytes]]) -> tuple[str, str | None]:
    """``(session, profile)`` from the ``X-Stubforge-*`` headers (empty session, no profile
    when absent). Two different values of one of them raise :class:`ConflictingSelectors`:
    taking either would split the request's state from its journal entry."""
    session: str | None = None
    profile: str | None = None
    seen_profile = False
    for name, value in raw_headers:
        if name == SESSION_HEADER:
            text = value.decode("latin-1").strip()
            if session is not None and text != session:
                raise ConflictingSelectors("X-Stubforge-Session")
            session = text
        elif name == PROFILE_HEADER:
            text = value.decode("latin-1").strip()
            if seen_profile and (text or None) != profile:
                raise ConflictingSelectors("X-Stubforge-Profile")
            profile, seen_profile = text or None, True
    return (DEFAULT_SESSION if session is None else session), profile


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
