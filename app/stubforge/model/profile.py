"""Profiles: named overlays on a file's behaviour (``degraded``, ``outage``...).

::

    profiles:
      degraded: {latency_multiplier: 4, errors: [{rate: 0.2, response: {status: 503}}]}
      outage: {errors: [{response: {status: 503}}]}
"""

from __future__ import annotations

from pydantic import Field

from stubforge.model.base import Model
from stubforge.model.dribble import Dribble
from stubforge.model.errors import ErrorRule
from stubforge.model.latency import Latency
from stubforge.model.ratelimit import RateLimit


class Profile(Model):
    """Changes applied to every route of the file while the profile is in force."""

    description: str | None = None
    """Free text for humans."""
    latency: Latency | None = None
    """Replaces the routes' latency."""
    latency_multiplier: float = Field(default=1.0, gt=0)
    """Multiplies the (possibly replaced) latency."""
    errors: list[ErrorRule] = Field(default_factory=list)
    """Error rules evaluated before the routes' own."""
    rate_limit: RateLimit | None = None
    """Replaces the routes' rate limit (with its own counters)."""
    dribble: Dribble | None = None
    """Replaces the routes' slow-body setting."""
    routes: list[str] | None = None
    """Apply only to these route ids (default: every route of the file)."""
