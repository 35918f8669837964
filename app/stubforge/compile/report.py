"""The compile report (routes, exchanges per route, ambiguities, what was dropped) and a
progress bar for long runs (stderr, only on a terminal)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO


@dataclass
class RouteReport:
    """What the compiler made of one route."""

    service: str
    id: str
    method: str
    template: str
    exchanges: int
    statuses: str
    variants: int = 1
    hand: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Everything worth telling the person who ran the compiler."""

    routes: list[RouteReport] = field(default_factory=list)
    ambiguities: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    exchanges: int = 0
    fidelity: Any = None
    """The projected fidelity (``stubforge.evaluate.fidelity.Fidelity``), once evaluated."""

    def text(self) -> str:
        """The report as plain text (deterministic)."""
        lines = [f"{len(self.routes)} route(s) from {self.exchanges} exchange(s)"]
        width = max((len(r.id) for r in self.routes), default=0)
        for r in self.routes:
            extra = f"  {r.variants} variants" if r.variants > 1 else ""
            lines.append(
                f"  {r.id:<{width}}  {r.method} {r.template}  {r.exchanges} exchanges "
                f"({r.statuses}){extra}"
            )
            lines.extend(f"      - {n}" for n in r.notes)
        if self.ambiguities:
            lines.append("ambiguous:")
            lines.extend(f"  - {a}" for a in self.ambiguities)
        if self.dropped:
            lines.append("dropped:")
            lines.extend(f"  - {d}" for d in self.dropped)
        if self.fidelity is not None:
            lines.append(self.fidelity.text().rstrip("\n"))
        if self.written:
            lines.append("wrote:")
            lines.extend(f"  {w}" for w in self.written)
        return "\n".join(lines) + "\n"


def as_json(report: Report) -> dict[str, Any]:
    """The report as JSON data (``stubforge compile --json``)."""
    return {
        "exchanges": report.exchanges,
        "routes": [dict(vars(r)) for r in report.routes],
        "ambiguities": report.ambiguities,
        "dropped": report.dropped,
        "written": report.written,
        "fidelity": None if report.fidelity is None else report.fidelity.as_dict(),
    }


class Progress:
    """A one-line progress bar on ``stream`` when it is a terminal; silent otherwise."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() and total > 0
        self.total, self.label, self.done = total, label, 0
        self._last = 0.0

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        frac = min(self.done / self.total, 1.0)
        bar = "#" * int(frac * 30)
        self.stream.write(f"\r{self.label} [{bar:<30}] {self.done}/{self.total}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
