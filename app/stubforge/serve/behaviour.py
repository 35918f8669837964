"""A route's behaviour compiled for serving, one per profile: latency sampler, error rules
with prepared responses, rate limit and slow-body setting."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from stubforge.behave.errors import CompiledRule
from stubforge.behave.latency import Sampler, sampler, scaled
from stubforge.behave.profiles import BehaviourSpec
from stubforge.model.dribble import Dribble
from stubforge.model.ratelimit import RateLimit
from stubforge.model.response import ResponseSpec
from stubforge.serve.prepared import ResponseBuilder


class Behaviour:
    __slots__ = (
        "dribble",
        "latency",
        "limiter",
        "multiplier",
        "plain",
        "profile",
        "rate_limit",
        "refused",
        "rules",
    )

    def __init__(
        self, spec: BehaviourSpec, default_headers: Mapping[str, str], context: Mapping[str, Path]
    ) -> None:
        self.latency: Sampler | None = scaled(sampler(spec.latency), spec.multiplier)
        self.multiplier = spec.multiplier
        """The profile's latency multiplier (also applied to the gaps of event streams)."""
        self.rules: tuple[CompiledRule[ResponseBuilder], ...] = tuple(
            CompiledRule(
                named.id,
                named.rule,
                None
                if named.rule.response is None
                else ResponseBuilder(named.rule.response, default_headers, context),
                named.profile,
            )
            for named in spec.errors
        )
        self.rate_limit: RateLimit | None = spec.rate_limit
        self.refused: ResponseBuilder | None = None
        """The answer to a request over the rate limit (with the file's default headers)."""
        if spec.rate_limit is not None:
            refusal = ResponseSpec.model_validate(
                {"status": spec.rate_limit.status, "json": spec.rate_limit.body}
            )
            self.refused = ResponseBuilder(refusal, default_headers, context)
        self.limiter = spec.limiter
        self.dribble: Dribble | None = spec.dribble
        self.profile = spec.profile
        self.plain = spec.is_plain
