"""The stub file, format version 1.

::

    version: 1
    service: payments
    defaults: {headers: {x-provider: payments}}
    routes:
      - id: get-customer
        request: {method: GET, path: /v1/customers/{customer_id}}
        response: {status: 200, json: {id: "{{ path.customer_id }}"}}
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from stubforge.model.base import Model
from stubforge.model.cors import Cors
from stubforge.model.dribble import Dribble
from stubforge.model.errors import ErrorRule
from stubforge.model.headers import ResponseHeaders
from stubforge.model.latency import Latency
from stubforge.model.matchers import BodyCondition, StringMatcher
from stubforge.model.methods import ANY_METHOD, Methods
from stubforge.model.path_syntax import PathTemplate
from stubforge.model.profile import Profile
from stubforge.model.provenance import DriftSettings, RecordingWindow
from stubforge.model.ratelimit import RateLimit
from stubforge.model.resource import Resource
from stubforge.model.response import ResponseSpec, VariantSpec
from stubforge.model.state import ScenarioStep, SequenceSpec

FORMAT_VERSION = 1


class RequestSpec(Model):
    """Which requests a route answers: every condition given must hold."""

    method: Methods = ANY_METHOD
    """HTTP method (``GET``), a list of methods, or ``ANY`` (the default)."""
    path: PathTemplate
    """A literal path (``/v1/ping``) or a template (``/v1/customers/{id}``, ``{id:int}``,
    ``{id:uuid}``, a catch-all tail ``{rest:path}``). Matched against the decoded path;
    a trailing slash is significant."""
    query: dict[str, StringMatcher] = Field(default_factory=dict)
    """Conditions on query parameters (a scalar means equals). Other parameters are ignored."""
    headers: dict[str, StringMatcher] = Field(default_factory=dict)
    """Conditions on request headers; names are case-insensitive."""
    cookies: dict[str, StringMatcher] = Field(default_factory=dict)
    """Conditions on cookies."""
    body: BodyCondition | None = None
    """Conditions on the request body."""

    @field_validator("headers")
    @classmethod
    def _unique_header_names(cls, value: dict[str, Any]) -> dict[str, Any]:
        seen: dict[str, str] = {}
        for name in value:
            low = name.lower()
            if low in seen:
                raise ValueError(
                    f"header {name!r} given twice (as {seen[low]!r}); names ignore case"
                )
            seen[low] = name
        return value

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods as a tuple; ``("ANY",)`` matches every method."""
        if isinstance(self.method, str):
            return (self.method,)
        return tuple(dict.fromkeys(self.method))


class Route(Model):
    """One stubbed endpoint: the request it matches and what it answers."""

    id: str | None = Field(default=None, min_length=1, pattern=r"^[A-Za-z0-9_.:/-]+$")
    """A unique id (letters, digits, ``_.:/-``); generated from the file and position if
    omitted. Used by the journal, verification and the admin API."""
    description: str | None = None
    """Free text for humans."""
    priority: int = 0
    """Higher wins. Among equal priorities a literal path beats a template, then the route
    with more specific path and more conditions wins, then the one defined first."""
    request: RequestSpec
    """What the route matches."""
    response: ResponseSpec | None = None
    """The response (use ``responses`` for variants)."""
    responses: list[VariantSpec] | None = Field(default=None, min_length=1)
    """Response variants: the first whose ``when`` holds is used; a variant without
    ``when`` is the default and must be last."""
    latency: Latency | None = None
    """Delay before responding (overrides the file default)."""
    dribble: Dribble | None = None
    """Send the body slowly (overrides the file default)."""
    errors: list[ErrorRule] | None = None
    """Injected errors and faults, first firing rule wins (replaces the file default;
    ``[]`` turns the default off)."""
    rate_limit: RateLimit | None = None
    """A rate limit (overrides the file default)."""
    state: ScenarioStep | None = None
    """Scenario state this route requires and/or moves to."""
    sequence: SequenceSpec | None = None
    """Responses returned in order, one per request (instead of response/responses)."""
    validation: bool = True
    """With ``serve --validate SPEC``: false exempts the requests of this route's operation
    from validation against the spec."""
    recorded: RecordingWindow | None = None
    """When the exchanges this route was compiled from were recorded (written by
    ``stubforge compile``; ``stubforge check --max-age`` reads it)."""
    drift: DriftSettings | None = None
    """How ``stubforge drift`` treats this route (e.g. ``{probe: true}``)."""

    @model_validator(mode="after")
    def _one_response(self) -> Route:
        given = [n for n in ("response", "responses", "sequence") if getattr(self, n) is not None]
        if len(given) > 1:
            raise ValueError(
                f"give one of response, responses or sequence, not {' and '.join(given)}"
            )
        if self.responses is not None:
            for i, variant in enumerate(self.responses[:-1]):
                if variant.when is None:
                    raise ValueError(
                        f"responses[{i}] has no 'when' so it is the default, but "
                        f"{len(self.responses) - i - 1} variant(s) after it are unreachable; "
                        "move the default last"
                    )
        return self

    def variants(self) -> list[VariantSpec]:
        """The response variants in order (a single ``response`` is one default variant)."""
        if self.responses is not None:
            return list(self.responses)
        if self.response is not None:
            # the fields as they are (a dump would turn durations into bare numbers)
            fields = ResponseSpec.model_fields
            data = {
                fields[name].alias or name: getattr(self.response, name)
                for name in self.response.model_fields_set
            }
            return [VariantSpec.model_validate(data)]
        return [VariantSpec()]


class Defaults(Model):
    """Defaults for every route of the file."""

    headers: ResponseHeaders = Field(default_factory=dict)
    """Response headers added to every response (a route's own headers win)."""
    latency: Latency | None = None
    """Delay before responding, for routes that set none."""
    dribble: Dribble | None = None
    """Slow-body delivery, for routes that set none."""
    errors: list[ErrorRule] = Field(default_factory=list)
    """Error rules for routes that set none."""
    rate_limit: RateLimit | None = None
    """A rate limit for routes that set none (``scope: file`` shares one counter)."""
    cors: Cors | None = None
    """Answer browsers' CORS preflights and add ``Access-Control-*`` headers to responses
    for these origins."""


class StubFile(Model):
    """A stub file: a service's routes and defaults."""

    version: Literal[1]
    """Format version; must be 1."""
    service: str | None = None
    """The service these stubs stand in for (defaults to the file name)."""
    description: str | None = None
    """Free text for humans."""
    upstream: str | None = None
    """The real service's base URL (``https://api.example.com``): where
    ``stubforge serve --on-miss proxy|record`` forwards the requests no route matches."""
    defaults: Defaults = Field(default_factory=Defaults)
    """Defaults for every route of the file."""
    routes: list[Route] = Field(default_factory=list)
    """The routes."""
    profiles: dict[str, Profile] = Field(default_factory=dict)
    """Named behaviour overlays, chosen per request (``X-Stubforge-Profile``) or globally."""
    resources: list[Resource] = Field(default_factory=list)
    """Collections served statefully per session: creates, reads, updates, deletes and
    lists stay consistent with each other (see docs/compiler.md)."""

    @field_validator("resources")
    @classmethod
    def _resource_names(cls, value: list[Resource]) -> list[Resource]:
        seen: set[str] = set()
        for res in value:
            if res.name in seen:
                raise ValueError(f"resource name {res.name!r} is used twice")
            seen.add(res.name)
        return value

    @field_validator("upstream")
    @classmethod
    def _upstream_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/?#\s]+(/[^?#\s]*)?$", value):
            raise ValueError(f"upstream must be http(s)://host[:port][/path], got {value!r}")
        return value

    @field_validator("profiles")
    @classmethod
    def _profile_names(cls, value: dict[str, Profile]) -> dict[str, Profile]:
        for name in value:
            if not re.match(r"^[A-Za-z0-9_.-]+$", name):
                raise ValueError(f"invalid profile name {name!r}: use letters, digits and _.-")
        return value

    @model_validator(mode="after")
    def _profile_routes(self) -> StubFile:
        ids = {r.id for r in self.routes if r.id is not None}
        for name, profile in self.profiles.items():
            for rid in profile.routes or ():
                if rid not in ids:
                    raise ValueError(
                        f"profiles.{name}.routes: no route with id {rid!r} in this file"
                        f" (ids: {', '.join(sorted(ids)) or 'none'})"
                    )
        return self
