"""What the server attaches to each matched route: its variants and behaviour settings."""

from __future__ import annotations

from typing import Any

from stubforge.behave.latency import Sampler
from stubforge.match.predicates import Check, Params
from stubforge.match.request import Request
from stubforge.serve.prepared import Prepared, ResponseBuilder


class Variant:
    __slots__ = ("builder", "checks", "index")

    def __init__(self, index: int, checks: tuple[Check, ...], builder: ResponseBuilder) -> None:
        self.index, self.checks, self.builder = index, checks, builder

    def accepts(self, req: Request, params: Params) -> bool:
        for check in self.checks:
            if not check(req, params):
                return False
        return True


class VariantsCheck(Check):
    """Route-level condition for routes without a default variant: some variant applies."""

    __slots__ = ("variants",)

    def __init__(self, variants: tuple[Variant, ...]) -> None:
        super().__init__("responses[*].when")
        self.variants = variants

    def __call__(self, req: Request, params: Params) -> bool:
        return any(v.accepts(req, params) for v in self.variants)

    def expected(self) -> str:
        return " or ".join(
            "(" + " and ".join(f"{c.field} {c.expected()}" for c in v.checks) + ")"
            for v in self.variants
        )

    def actual(self, req: Request, params: Params) -> Any:
        return "no variant's conditions hold"


class RoutePlan:
    """The serving side of a route (the router's ``handler``)."""

    __slots__ = (
        "behaviours",
        "id",
        "latency",
        "resource",
        "scenario",
        "sequence",
        "sequence_repeat",
        "service",
        "spec",
        "static",
        "variants",
    )

    def __init__(
        self,
        id: str,
        service: str,
        variants: tuple[Variant, ...],
        latency: Sampler | None,
        spec: Any,
        behaviours: dict[str | None, Any] | None = None,
        sequence: tuple[ResponseBuilder, ...] = (),
        sequence_repeat: bool = False,
    ) -> None:
        self.id = id
        self.service = service
        self.variants = variants
        self.latency = latency
        self.spec = spec
        self.behaviours: dict[str | None, Any] = behaviours or {}
        """The route's compiled behaviour per profile name (``None``: no profile)."""
        self.scenario = getattr(spec, "state", None)
        """The route's ``state`` (scenario step), if any."""
        self.sequence = sequence
        """Response sequence builders, if the route has a ``sequence``."""
        self.sequence_repeat = sequence_repeat
        self.resource: Any = None
        """The resource operation this route answers from (a ``serve.resources.ResourceLink``)."""
        self.static: Prepared | None = None
        """The one fixed response of a route without behaviour, state or variants: the
        pipeline sends it straight away when no profile is in force."""
        plain = self.behaviours.get(None)
        if (
            (plain is None or (plain.plain and plain.latency is None))
            and self.scenario is None
            and not sequence
            and len(variants) == 1
            and not variants[0].checks
        ):
            self.static = variants[0].builder.static

    def choose(self, req: Request, params: Params) -> Variant | None:
        for variant in self.variants:
            if not variant.checks or variant.accepts(req, params):
                return variant
        return None
