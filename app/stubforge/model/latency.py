"""Latency distributions: a closed union discriminated by ``type``.

Shorthand: ``latency: 120ms`` is ``{type: fixed, delay: 120ms}``; an object without
``type`` but with ``p50`` is lognormal, with ``min``/``max`` uniform, with ``samples``
empirical.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, model_validator

from stubforge.model.base import Model
from stubforge.model.duration import Duration


class FixedLatency(Model):
    """Always the same delay."""

    type: Literal["fixed"] = "fixed"
    """The distribution (may be omitted: inferred from the other fields)."""
    delay: Duration
    """The delay before the response starts."""


class UniformLatency(Model):
    """A delay drawn uniformly between ``min`` and ``max``."""

    type: Literal["uniform"] = "uniform"
    """The distribution (may be omitted: inferred from the other fields)."""
    min: Duration
    """The shortest delay."""
    max: Duration
    """The longest delay."""

    @model_validator(mode="after")
    def _ordered(self) -> UniformLatency:
        if self.max < self.min:
            raise ValueError("max must be >= min")
        return self


class LognormalLatency(Model):
    """A lognormal delay fitted to percentiles: ``p50`` plus ``p95`` and/or ``p99``.

    The median fixes mu = ln(p50); sigma = ln(pXX / p50) / z(XX) (z95 = 1.6449,
    z99 = 2.3263); with both, sigma is the least-squares fit of the two.
    """

    type: Literal["lognormal"] = "lognormal"
    """The distribution (may be omitted: inferred from the other fields)."""
    p50: Duration
    """The median delay."""
    p95: Duration | None = None
    """The 95th percentile."""
    p99: Duration | None = None
    """The 99th percentile."""
    max: Duration | None = None
    """An upper bound: draws above it are clipped."""

    @model_validator(mode="after")
    def _ordered(self) -> LognormalLatency:
        if self.p95 is None and self.p99 is None:
            raise ValueError("lognormal latency needs p95 or p99 as well as p50")
        if self.p50 <= 0:
            raise ValueError("p50 must be > 0")
        for name in ("p95", "p99"):
            value = getattr(self, name)
            if value is not None and value <= self.p50:
                raise ValueError(f"{name} must be > p50")
        if self.p95 is not None and self.p99 is not None and self.p99 < self.p95:
            raise ValueError("p99 must be >= p95")
        return self


class EmpiricalLatency(Model):
    """A delay drawn from observed samples (each equally likely)."""

    type: Literal["empirical"] = "empirical"
    """The distribution (may be omitted: inferred from the other fields)."""
    samples: list[Duration] = Field(min_length=1)
    """The observed delays."""


def _shorthand(value: Any) -> Any:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return {"type": "fixed", "delay": value}
    if isinstance(value, dict) and "type" not in value:
        if "p50" in value:
            return {"type": "lognormal", **value}
        if "min" in value or "max" in value:
            return {"type": "uniform", **value}
        if "samples" in value:
            return {"type": "empirical", **value}
        if "delay" in value:
            return {"type": "fixed", **value}
    return value


Latency = Annotated[
    FixedLatency | UniformLatency | LognormalLatency | EmpiricalLatency,
    Discriminator("type"),
    # the schema accepts what the shorthand accepts: a duration, or an object without type
    BeforeValidator(
        _shorthand,
        json_schema_input_type=Duration
        | FixedLatency
        | UniformLatency
        | LognormalLatency
        | EmpiricalLatency,
    ),
]
