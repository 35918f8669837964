"""Stateful routes: scenarios (named state machines) and response sequences.

::

    state: {scenario: checkout, requires: started, next: charged}
    sequence:
      then: stick
      responses: [{status: 202}, {status: 200}]
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from stubforge.model.base import Model
from stubforge.model.response import ResponseSpec

INITIAL_STATE = "started"
_NAME = re.compile(r"^[A-Za-z0-9_.:-]+$")


def _name(value: str | None) -> str | None:
    if value is not None and not _NAME.match(value):
        raise ValueError(f"invalid name {value!r}: use letters, digits and _.:-")
    return value


class ScenarioStep(Model):
    """The route takes part in a scenario: it matches only in state ``requires`` (if given)
    and, once it has answered, moves the scenario to ``next`` (if given). Every scenario
    begins in state ``started``; each session has its own."""

    scenario: str
    """The scenario's name."""
    requires: str | None = None
    """The state the scenario must be in for this route to match."""
    next: str | None = None
    """The state the scenario moves to after this route answers."""

    @field_validator("scenario", "requires", "next")
    @classmethod
    def _valid_name(cls, value: str | None) -> str | None:
        return _name(value)

    @model_validator(mode="after")
    def _does_something(self) -> ScenarioStep:
        if self.requires is None and self.next is None:
            raise ValueError("give requires, next or both")
        return self


class SequenceSpec(Model):
    """Responses returned in order, one per request (per session)."""

    responses: list[ResponseSpec] = Field(min_length=1)
    """The responses in order."""
    then: Literal["repeat", "stick"] = "stick"
    """After the last: start again (``repeat``) or keep returning the last (``stick``)."""
