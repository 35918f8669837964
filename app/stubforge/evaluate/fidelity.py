"""Projected fidelity: the recordings replayed offline against the compiled stubs.

The compiled files are loaded the way ``stubforge serve`` loads them and every recorded
request goes, in recording order and in one session, through the server's own decision
pipeline (no socket, no sleeping). Each answer is classed:

* **identical** -- same status and the same body, modulo volatile values (timestamps,
  UUIDs, ULIDs, long hex strings, redaction placeholders, fields named like times or
  nonces);
* **wrong** -- a route answered, with another status or body (a wrong variant, stale
  state);
* **missed** -- no route matched.

Ids are bound as a client binds them: when the mock answers with an id where the provider
had answered another (a random id from a create), later recorded requests carrying the
provider's id are replayed with the mock's, and recorded answers compared accordingly.

Exchanges whose recorded answer was random behaviour (a fault, a 5xx, a 429) are not
scored, nor are requests the mock answered with an injected error or a rate-limit refusal.

The **held-out** score compiles again without every fifth exchange and replays the whole
recording against those stubs, scoring only the exchanges left out: how well the stubs
answer requests they never saw.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from stubforge.compile.compiler import CompileOutput
from stubforge.compile.correlations import ID_FIELD
from stubforge.compile.exchange import Exchange, shallow
from stubforge.compile.features import VOLATILE_NAME
from stubforge.compile.merge import write_output
from stubforge.serve.config import ServeConfig
from stubforge.serve.pipeline import decide
from stubforge.serve.session import BehaviourRequest
from stubforge.serve.state import ServerState

HOLD_OUT_EVERY = 5
"""Every fifth exchange (by recording order) is held out for the generalisation score."""

_VOLATILE_TEXT = re.compile(
    r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[0-7][0-9A-HJKMNP-TV-Z]{25}"
    r"|[0-9a-fA-F]{16,}"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"
    r"|redacted~.*)$"
)


@dataclass
class Score:
    """Counts of classed answers."""

    identical: int = 0
    wrong: int = 0
    missed: int = 0
    unscored: int = 0

    @property
    def scored(self) -> int:
        return self.identical + self.wrong + self.missed

    @property
    def share(self) -> float | None:
        return self.identical / self.scored if self.scored else None

    def add(self, verdict: str) -> None:
        setattr(self, verdict, getattr(self, verdict) + 1)

    def as_dict(self) -> dict[str, Any]:
        share = self.share
        return {
            "identical": self.identical,
            "wrong": self.wrong,
            "missed": self.missed,
            "unscored": self.unscored,
            "identical_share": None if share is None else round(share, 4),
        }

    def text(self) -> str:
        share = self.share
        if share is None:
            return "nothing to score"
        return (
            f"{share:.1%} identical ({self.identical} of {self.scored}; "
            f"{self.wrong} wrong, {self.missed} missed; {self.unscored} random, not scored)"
        )


@dataclass
class Fidelity:
    """Offline replay of every recording, per route and overall, and the held-out score."""

    overall: Score = field(default_factory=Score)
    routes: dict[str, Score] = field(default_factory=dict)
    held_out: Score = field(default_factory=Score)

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.as_dict(),
            "held_out": self.held_out.as_dict(),
            "held_out_every": HOLD_OUT_EVERY,
            "routes": {rid: s.as_dict() for rid, s in sorted(self.routes.items())},
        }

    def text(self) -> str:
        lines = [
            f"projected fidelity (recordings replayed offline): {self.overall.text()}",
            f"held out (every {HOLD_OUT_EVERY}th exchange, compiled without it): "
            f"{self.held_out.text()}",
        ]
        for rid, score in sorted(self.routes.items()):
            if score.wrong or score.missed:
                lines.append(f"  {rid}: {score.text()}")
        return "\n".join(lines) + "\n"


def normalise(value: Any) -> Any:
    """A JSON value with volatile parts blanked out."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if not VOLATILE_NAME.search(str(k))}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, str) and _VOLATILE_TEXT.match(value):
        return "<volatile>"
    return value


def _random(ex: Exchange) -> bool:
    return ex.failed or ex.status >= 500 or ex.status == 429


def _request(ex: Exchange, session: str, bound: dict[str, str]) -> BehaviourRequest:
    """The recorded request, with the ids the provider issued replaced by the ones the
    mock issued in their place (a client sends back what it was given)."""
    headers = [(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in ex.headers.items()]
    path = "/".join(bound.get(seg, seg) for seg in ex.path.split("/"))
    query = [(k, bound.get(v, v)) for k, v in ex.query]
    text = ex.body or ""
    for issued, ours in bound.items():
        if issued in text:
            text = text.replace(issued, ours)
    req = BehaviourRequest(ex.method, path, urlencode(query).encode(), headers, text.encode())
    req.session = session
    return req


def bind(recorded: Any, served: Any, bound: dict[str, str], name: str = "") -> None:
    """Pair the ids the provider issued with those the mock issued at the same place."""
    if isinstance(recorded, dict) and isinstance(served, dict):
        for k, v in recorded.items():
            if k in served:
                bind(v, served[k], bound, str(k))
    elif isinstance(recorded, list) and isinstance(served, list):
        for a, b in zip(recorded, served, strict=False):
            bind(a, b, bound, name)
    elif (
        isinstance(recorded, str | int)
        and type(recorded) is type(served)
        and recorded != served
        and ID_FIELD.search(name)
    ):
        bound.setdefault(str(recorded), str(served))


def _rebound(value: Any, bound: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _rebound(v, bound) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebound(v, bound) for v in value]
    if isinstance(value, str):
        return bound.get(value, value)
    if isinstance(value, int) and not isinstance(value, bool) and str(value) in bound:
        other = bound[str(value)]
        return int(other) if other.lstrip("-").isdigit() else value
    return value


def _parsed(text: bytes | str | None) -> Any:
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else (text or "")
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or too deep: compared as text
        return raw.strip()
    return doc if shallow(doc) else raw.strip()


async def _replay(
    stubs: Path, exchanges: list[Exchange], scored: Callable[[int], bool]
) -> tuple[Score, dict[str, Score]]:
    state, errors = ServerState.initial(ServeConfig(stubs=stubs, watch=False, seed=1))
    if state is None:
        raise RuntimeError("compiled stubs do not load: " + "; ".join(map(str, errors)))
    overall, routes = Score(), dict[str, Score]()
    try:
        bound: dict[str, str] = {}
        for n, ex in enumerate(exchanges):
            plan = await decide(state, _request(ex, "fidelity", bound), time.time())
            served = _parsed(plan.response.body) if plan.response is not None else None
            recorded = _rebound(_parsed(ex.resp_text), bound)
            if plan.response is not None and plan.response.status == ex.status:
                bind(recorded, served, bound)
                recorded = _rebound(recorded, bound)
            if not scored(n):
                continue
            route = plan.outcome.route_id or "(no route)"
            score = routes.setdefault(route, Score())
            rule = plan.outcome.rule or ""
            injected = plan.fault is not None or (bool(rule) and not rule.startswith("sequence"))
            if _random(ex) or injected or plan.response is None:
                verdict = "unscored"
            elif plan.outcome.route_id is None:
                verdict = "missed"
            elif plan.response.status == ex.status and normalise(served) == normalise(recorded):
                verdict = "identical"
            else:
                verdict = "wrong"
            overall.add(verdict)
            score.add(verdict)
    finally:
        await state.passthrough.aclose()
    return overall, routes


def project(
    exchanges: list[Exchange], output: CompileOutput, recompile: Callable[[list[Exchange]], Any]
) -> Fidelity:
    """Replay ``exchanges`` against ``output``; and the held-out share against the stubs
    ``recompile`` makes from the others."""
    result = Fidelity()
    ordered = sorted(exchanges, key=lambda ex: (ex.started, ex.index))
    with tempfile.TemporaryDirectory(prefix="stubforge-fidelity-") as tmp:
        full = Path(tmp) / "all"
        write_output(full, output)
        result.overall, result.routes = asyncio.run(_replay(full, ordered, lambda n: True))
        kept = [ex for n, ex in enumerate(ordered) if n % HOLD_OUT_EVERY != HOLD_OUT_EVERY - 1]
        if len(kept) < len(ordered) and kept:
            partial = Path(tmp) / "held-out"
            write_output(partial, recompile(kept))
            result.held_out, _ = asyncio.run(
                _replay(partial, ordered, lambda n: n % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1)
            )
    return result
