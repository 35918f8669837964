"""Error rules: inject an error response or a wire fault by probability, every Nth request,
or inside a time window.

::

    errors:
      - {rate: 0.02, response: {status: 503, json: {error: unavailable}}}
      - {every: 10, fault: connection_reset}
      - {window: {start: 60s, duration: 30s}, response: {status: 500}}
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from stubforge.model.base import Model
from stubforge.model.duration import Duration
from stubforge.model.faults import Fault
from stubforge.model.response import ResponseSpec

DEFAULT_HOLD = 30.0


class ErrorWindow(Model):
    """A period during which the rule applies: ``duration`` long, ``start`` after the origin."""

    start: Duration = 0.0
    """How long after the origin the window opens."""
    duration: Duration | None = None
    """How long the window stays open; omit for "until the server stops"."""
    origin: Literal["start", "profile"] = "start"
    """``start``: the server start (or the last reset); ``profile``: the moment the profile
    that adds this rule was switched on (globally, or first seen in the session)."""
    repeat: Duration | None = None
    """Repeat the window with this period (e.g. ``start: 50s, duration: 10s, repeat: 60s``
    fails the last 10 s of every minute)."""

    @model_validator(mode="after")
    def _fits(self) -> ErrorWindow:
        if self.repeat is not None:
            if self.repeat <= 0:
                raise ValueError("repeat must be > 0")
            if self.duration is None or self.duration > self.repeat:
                raise ValueError("a repeating window needs a duration no longer than repeat")
            if self.start >= self.repeat:
                raise ValueError("a repeating window's start must be < repeat")
        return self


class ErrorRule(Model):
    """One rule: when it fires, answer ``response`` or break the connection with ``fault``.

    Triggers combine: ``window`` limits when the rule is live; inside it ``rate`` fires with
    that probability, ``every`` fires on every Nth request; with neither the rule always fires.
    """

    id: str | None = Field(default=None, min_length=1)
    """A name shown in the journal and debug headers (default ``errors[i]``)."""
    rate: float | None = Field(default=None, gt=0, le=1)
    """Probability (0 < rate <= 1) that a request gets the error."""
    every: int | None = Field(default=None, ge=1)
    """Fire on every Nth request reaching this rule (per session)."""
    window: ErrorWindow | None = None
    """Only fire inside this time window."""
    response: ResponseSpec | None = None
    """The error response to send."""
    fault: Fault | None = None
    """The wire fault to inject instead of a response."""
    hold: Duration = DEFAULT_HOLD
    """For ``fault: timeout``: how long to hold the connection before closing it."""

    @model_validator(mode="after")
    def _consistent(self) -> ErrorRule:
        if (self.response is None) == (self.fault is None):
            raise ValueError("give exactly one of response or fault")
        if self.rate is not None and self.every is not None:
            raise ValueError("give rate or every, not both")
        if "hold" in self.model_fields_set and self.fault is not Fault.TIMEOUT:
            raise ValueError("hold only applies to fault: timeout")
        return self
