"""The table of static routes: what the replay path answers with one dict lookup.

A route is static when it has one response, no conditions, no behaviour (latency, rules,
rate limit, dribble), no state and no sequence, and when nothing else could answer its
method and path (the router's ``direct`` routes). With no profile in force, its answer
never changes, so the replay path sends it without matching or planning.

Each entry is one small object holding only what sending and observing need. When the
traffic is spread over thousands of routes, every per-route object a request touches is
likely a cache miss; one entry (plus the body bytes) is what a request for a static route
touches, instead of the route, its plan, its prepared response and two ASGI messages.
Header lists are shared between entries with equal headers.

The entries, their path keys, route ids and bodies are fresh copies made one after the
other when the table is built, so they sit together in a few megabytes instead of being
scattered over the whole compiled stub set (about 14 KiB per route): random traffic over
10,000 routes then touches a few hundred memory pages rather than tens of thousands,
which keeps the processor's page-table caches (TLB) useful.
"""

from __future__ import annotations

from stubforge.match.router import Router
from stubforge.serve.outcome import Outcome, RouteMemo
from stubforge.serve.plan import RoutePlan
from stubforge.serve.prepared import Headers
from stubforge.serve.session import BehaviourRequest

StaticTable = dict[str, dict[str, "StaticRoute"]]
"""method -> path -> entry."""


class StaticRoute(RouteMemo):
    """One static route: what to send, and the memo the metrics keep its row in."""

    __slots__ = ("body", "headers", "route_id", "status")

    def __init__(self, route_id: str, status: int, headers: Headers, body: bytes) -> None:
        super().__init__()
        self.route_id = route_id
        self.status = status
        self.headers = headers
        self.body = body

    def outcome(self, req: BehaviourRequest, started: float) -> Outcome:
        """What the observers are told of an answer from this entry."""
        return Outcome(
            req, started, self.status, self.route_id, session=req.session or None, memo=self
        )


def static_table(router: Router) -> StaticTable:
    """The static entries among ``router``'s direct routes. HEAD is left out: it is
    answered without a body, which the planned path handles."""
    shared: dict[tuple[tuple[bytes, bytes], ...], Headers] = {}
    table: StaticTable = {}
    for method, by_path in router.direct.items():
        if method == "HEAD":
            continue
        for path, route in by_path.items():
            plan: RoutePlan = route.handler
            static = plan.static
            if static is None:
                continue
            headers = shared.setdefault(tuple(static.headers), static.headers)
            table.setdefault(method, {})[_copy(path)] = StaticRoute(
                _copy(plan.id), static.status, headers, bytes(bytearray(static.body))
            )
    return table


def _copy(text: str) -> str:
    """A new string object equal to ``text`` (allocated now, next to its neighbours)."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
