"""What a test expects the mock to have received: request criteria and counts.

Used by ``POST /__admin/requests/count`` and ``/verify`` (JSON) and by
``stubforge verify EXPECTATIONS.yaml`` (a versioned file)::

    version: 1
    expect:
      - name: one charge of 100
        request:
          method: POST
          path: /v1/charges
          body: {jsonpath: {"$.amount": 100}}
        count: 1
      - request: {method: GET, path: "/v1/customers/{id}"}
        at_least: 1
      - name: no unmatched requests
        request: {unmatched: true}
        count: 0
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, model_validator

from stubforge.model.base import Model
from stubforge.model.matchers import BodyMatcher, StringMatcher
from stubforge.model.methods import Methods
from stubforge.model.path_syntax import PathTemplate

EXPECTATIONS_VERSION = 1


class RequestCriteria(Model):
    """Which journal entries count: every condition given must hold (none: all requests)."""

    method: Methods | None = None
    """HTTP method or list of methods."""
    path: PathTemplate | None = None
    """A literal path or a template like in stub files (``/v1/customers/{id}``)."""
    route: str | None = None
    """The id of the route that answered."""
    session: str | None = None
    """The ``X-Stubforge-Session`` of the request."""
    unmatched: bool | None = None
    """true: only requests no stub matched; false: only matched ones."""
    passthrough: bool | None = None
    """true: only requests forwarded to the real upstream (``--on-miss proxy|record``);
    false: only requests the mock answered itself."""
    status: int | None = Field(default=None, ge=0, le=999)
    """The status sent (0 when a fault sent none)."""
    query: dict[str, StringMatcher] = Field(default_factory=dict)
    """Conditions on query parameters (a scalar means equals)."""
    headers: dict[str, StringMatcher] = Field(default_factory=dict)
    """Conditions on request headers (names ignore case)."""
    cookies: dict[str, StringMatcher] = Field(default_factory=dict)
    """Conditions on cookies."""
    body: BodyMatcher | None = None
    """Conditions on the request body, like in stub files (``jsonpath``, ``json_partial``...).
    Bodies longer than the journal keeps (64 KiB) are checked on their first 64 KiB."""
    since: datetime | None = None
    """Only requests that arrived at or after this time (ISO 8601 or Unix seconds)."""
    until: datetime | None = None
    """Only requests that arrived before this time (ISO 8601 or Unix seconds)."""


class Expectation(Model):
    """How many journal entries must match ``request``: ``count``, or ``at_least`` /
    ``at_most`` (default: at least 1)."""

    name: str | None = None
    """A label for the report."""
    request: RequestCriteria = Field(default_factory=RequestCriteria)
    """Which requests count."""
    count: int | None = Field(default=None, ge=0)
    """Exactly this many."""
    at_least: int | None = Field(default=None, ge=0)
    """At least this many."""
    at_most: int | None = Field(default=None, ge=0)
    """At most this many."""

    @model_validator(mode="after")
    def _bounds(self) -> Expectation:
        if self.count is not None and (self.at_least is not None or self.at_most is not None):
            raise ValueError("give either count, or at_least / at_most, not both")
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError(f"at_least ({self.at_least}) is more than at_most ({self.at_most})")
        return self

    def bounds(self) -> tuple[int, int | None]:
        """(minimum, maximum or None)."""
        if self.count is not None:
            return self.count, self.count
        if self.at_least is None and self.at_most is None:
            return 1, None
        return self.at_least or 0, self.at_most

    def describe_count(self) -> str:
        low, high = self.bounds()
        if high is None:
            return f"at least {low}"
        if low == high:
            return "none" if low == 0 else f"exactly {low}"
        if low == 0:
            return f"at most {high}"
        return f"between {low} and {high}"


class ExpectationsFile(Model):
    """An expectations file for ``stubforge verify``."""

    version: Literal[1]
    """Format version; must be 1."""
    session: str | None = None
    """Check only requests of this session (an expectation's own ``session`` wins)."""
    passthrough: int | None = Field(default=None, ge=0)
    """How many requests may have reached the real upstream: ``passthrough: 0`` fails the
    run when a test was not answered by the stubs (checked after ``expect``)."""
    expect: list[Expectation] = Field(default_factory=list)
    """The expectations, checked in order."""

    @model_validator(mode="after")
    def _something(self) -> ExpectationsFile:
        if not self.expect and self.passthrough is None:
            raise ValueError("give at least one expectation in 'expect' (or 'passthrough')")
        return self

    def expectations(self) -> list[Expectation]:
        """``expect`` plus the ``passthrough`` count as one more expectation."""
        out = list(self.expect)
        if self.passthrough is not None:
            out.append(
                Expectation(
                    name=f"passthrough: {self.passthrough}",
                    request=RequestCriteria(passthrough=True),
                    count=self.passthrough,
                )
            )
        return out
