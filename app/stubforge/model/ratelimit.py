"""Rate limits: token bucket, fixed window or sliding window, discriminated by ``algorithm``.

::

    rate_limit: {limit: 100, per: 1s, key: "header:authorization"}
    rate_limit: {algorithm: token_bucket, limit: 10, per: 1s, burst: 20, scope: global}
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    JsonValue,
    field_validator,
)

from stubforge.model.base import Model
from stubforge.model.duration import Duration
from stubforge.model.template_syntax import check_finite

_KEY = re.compile(r"^(ip|none|(header|query):[A-Za-z0-9_.~!#$%&'*+^`|-]+)$")


def _finite(value: JsonValue) -> JsonValue:
    check_finite(value)
    return value


def _default_body() -> JsonValue:
    return {"error": "rate limit exceeded"}


class _RateLimitBase(Model):
    limit: int = Field(gt=0)
    """Requests allowed per ``per`` (for a token bucket: tokens added per ``per``)."""
    per: Duration = Field(gt=0)
    """The window length (for a token bucket: the refill period of ``limit`` tokens)."""
    scope: Literal["route", "file", "global"] = "route"
    """Whose requests share the counter: this route's, the whole file's (service's), or all."""
    key: str = "none"
    """What a counter is kept per: ``ip`` (client address), ``header:NAME`` (e.g. the API
    key), ``query:NAME``, or ``none`` (one counter for everyone)."""
    status: int = Field(default=429, ge=400, le=599)
    """The status of a refused request."""
    body: Annotated[JsonValue, AfterValidator(_finite)] = Field(
        default_factory=lambda: _default_body()
    )
    """The JSON body of a refused request."""
    headers: Literal["x-ratelimit", "ietf", "both", "none"] = "x-ratelimit"
    """Which headers every response carries: ``X-RateLimit-Limit/Remaining/Reset``, the
    IETF ``RateLimit`` / ``RateLimit-Policy`` fields, both, or none."""
    reset: Literal["seconds", "epoch"] = "seconds"
    """``X-RateLimit-Reset`` as seconds until the reset, or as a Unix time."""

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError(f"invalid key {value!r}: use ip, none, header:NAME or query:NAME")
        if value.startswith("header:"):
            return value.lower()
        return value


class FixedWindow(_RateLimitBase):
    """At most ``limit`` requests in each window of ``per``, windows aligned to the clock."""

    algorithm: Literal["fixed_window"] = "fixed_window"
    """The rate-limit algorithm (default ``fixed_window``)."""


class SlidingWindow(_RateLimitBase):
    """At most ``limit`` requests in any ``per`` long period (an exact sliding log)."""

    algorithm: Literal["sliding_window"] = "sliding_window"
    """The rate-limit algorithm (default ``fixed_window``)."""


class TokenBucket(_RateLimitBase):
    """A bucket of ``burst`` tokens refilled at ``limit`` per ``per``; a request takes one."""

    algorithm: Literal["token_bucket"] = "token_bucket"
    """The rate-limit algorithm (default ``fixed_window``)."""
    burst: int | None = Field(default=None, gt=0)
    """The bucket size (default ``limit``)."""

    @property
    def capacity(self) -> int:
        return self.burst or self.limit


def _default_algorithm(value: Any) -> Any:
    if isinstance(value, dict) and "algorithm" not in value:
        return {"algorithm": "fixed_window", **value}
    return value


RateLimit = Annotated[
    FixedWindow | SlidingWindow | TokenBucket,
    Discriminator("algorithm"),
    # plain union in the schema: ``algorithm`` may be omitted (fixed_window)
    BeforeValidator(
        _default_algorithm, json_schema_input_type=FixedWindow | SlidingWindow | TokenBucket
    ),
]
