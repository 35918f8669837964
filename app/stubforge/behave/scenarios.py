"""Scenarios: named state machines. A route may require a state (a matching condition) and
move the scenario to a new state once it has answered. Each session has its own states;
every scenario starts in ``started``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stubforge.model.state import INITIAL_STATE

PREFIX = "scenario:"


def key(scenario: str) -> str:
    return PREFIX + scenario


def current(states: Mapping[str, Any], scenario: str) -> str:
    """The state of ``scenario`` in a session's snapshot."""
    value = states.get(scenario)
    return value if isinstance(value, str) else INITIAL_STATE


def transition(requires: str | None, next_state: str) -> Any:
    """A store updater moving to ``next_state`` (only from ``requires``, when given, so two
    racing requests cannot both make the same move)."""

    def step(old: Any) -> tuple[Any, bool]:
        state = old if isinstance(old, str) else INITIAL_STATE
        if requires is not None and state != requires:
            return old, False
        return next_state, True

    return step
