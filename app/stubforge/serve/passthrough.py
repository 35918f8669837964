"""The on-miss policy at run time: which upstream a missed request goes to, the behaviour
profiles put on proxied answers, and the capture of ``--on-miss record``.

``Passthrough`` is per server. The policy can be switched at run time (the admin API);
the upstream client and the capture are opened on first use, so a server that never
proxies opens neither.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from stubforge.behave.profiles import BehaviourSpec, overlay
from stubforge.proxy.capture import Capture
from stubforge.proxy.client import ClientSettings, UpstreamClient
from stubforge.proxy.upstream import Upstream, UpstreamError, choose
from stubforge.serve.behaviour import Behaviour
from stubforge.serve.config import ServeConfig
from stubforge.serve.stubset import StubSet

log = logging.getLogger("stubforge.proxy")

POLICIES = ("404", "proxy", "record")
PASSTHROUGH_ROUTE = "passthrough"
"""The route id profiles see for proxied requests (``profiles.x.routes`` may name it)."""


@dataclass(frozen=True, slots=True)
class ProxiedBehaviour:
    """What a profile adds to a proxied answer: its error rules and faults, its latency
    (added to the upstream's) and its multiplier (stretching the upstream's own time)."""

    behaviour: Behaviour
    multiplier: float


@dataclass(frozen=True, slots=True)
class StubView:
    """What the miss path needs from one stub set, computed once per set."""

    upstreams: dict[str, Upstream]
    """service → its ``upstream:``."""
    route_service: dict[str, str]
    """route id → service."""
    behaviours: dict[tuple[str | None, str], ProxiedBehaviour]
    """(service or None for any, profile) → behaviour on proxied answers."""


def _view(stubs: StubSet) -> StubView:
    upstreams: dict[str, Upstream] = {}
    behaviours: dict[tuple[str | None, str], ProxiedBehaviour] = {}
    for loaded in stubs.files:
        model = loaded.model
        if model.upstream:
            try:
                upstreams.setdefault(loaded.service, Upstream.parse(model.upstream))
            except UpstreamError as exc:  # the loader validates; keep serving regardless
                log.warning("%s: %s", loaded.display, exc)
        context = {"root": loaded.path.parent, "file_dir": loaded.path.parent}
        for name, profile in model.profiles.items():
            spec = overlay(BehaviourSpec(), name, profile, PASSTHROUGH_ROUTE, loaded.display)
            proxied = ProxiedBehaviour(
                Behaviour(spec, model.defaults.headers, context), spec.multiplier
            )
            behaviours.setdefault((loaded.service, name), proxied)
            behaviours.setdefault((None, name), proxied)
    route_service = {r.id: r.handler.service for r in stubs.routes}
    return StubView(upstreams, route_service, behaviours)


class Passthrough:
    """The server's on-miss policy, upstreams, connection pool and capture."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        if config.on_miss not in POLICIES:
            raise ValueError(f"on-miss policy must be one of {', '.join(POLICIES)}")
        self.policy = config.on_miss
        self.default = Upstream.parse(config.upstream) if config.upstream else None
        self.client = UpstreamClient(
            ClientSettings(
                connect_timeout=config.connect_timeout,
                read_timeout=config.upstream_timeout,
                upstream_ca=config.upstream_ca,
                insecure=config.insecure_upstream,
            )
        )
        self._capture: Capture | None = None
        self._view: tuple[StubSet, StubView] | None = None

    @property
    def active(self) -> bool:
        return self.policy != "404"

    def set_policy(self, policy: str) -> None:
        """Switch the policy; ``record`` opens the recordings directory now so that a
        directory that cannot be written is refused here (``ValueError``/``OSError``)."""
        if policy not in POLICIES:
            raise ValueError(f"unknown on-miss policy {policy!r} (one of {', '.join(POLICIES)})")
        if policy == "record":
            self.capture()
        self.policy = policy

    def capture(self) -> Capture:
        if self._capture is None:
            c = self.config
            self._capture = Capture.open(
                c.recordings, rules=c.redact_rules, pii=c.redact_pii, key_file=c.redact_key_file
            )
        return self._capture

    @property
    def capturing(self) -> Capture | None:
        """The open capture, if record mode was ever on."""
        return self._capture

    def view(self, stubs: StubSet) -> StubView:
        cached = self._view
        if cached is None or cached[0] is not stubs:
            cached = self._view = (stubs, _view(stubs))
        return cached[1]

    def upstream_for(self, stubs: StubSet, closest_route: str | None) -> Upstream | None:
        view = self.view(stubs)
        service = view.route_service.get(closest_route) if closest_route else None
        return choose(service, view.upstreams, self.default)

    def service_of(self, stubs: StubSet, closest_route: str | None) -> str | None:
        return self.view(stubs).route_service.get(closest_route) if closest_route else None

    def behaviour(
        self, stubs: StubSet, service: str | None, profile: str | None
    ) -> ProxiedBehaviour | None:
        if profile is None:
            return None
        found = self.view(stubs).behaviours
        return found.get((service, profile)) or found.get((None, profile))

    def describe(self) -> dict[str, object]:
        return {
            "on_miss": self.policy,
            "policies": list(POLICIES),
            "upstream": self.default.url if self.default else None,
            "recordings": str(self.config.recordings),
            "recorded": self._capture.written if self._capture else 0,
        }

    async def aclose(self) -> None:
        await self.client.aclose()
        if self._capture is not None:
            self._capture.close()
