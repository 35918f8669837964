"""What a drift run found: findings per route, the whole report, and the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Category(StrEnum):
    """How much a difference matters to a client written against the stubs."""

    BREAKING = "breaking"
    """A client that works against the stubs may fail against the provider."""
    ADDITIVE = "additive"
    """The provider answers more than the stubs (new fields, values, headers)."""
    BEHAVIOURAL = "behavioural"
    """Same answers, different behaviour: latency, error rate, rate limits, new errors."""
    UNREACHABLE = "unreachable"
    """The route could not be checked (not probed, no answer, auth, 5xx storm)."""


@dataclass(frozen=True)
class Finding:
    """One difference between the stubs and the provider, with a few lines of evidence."""

    category: Category
    kind: str
    """A short stable name: ``field-removed``, ``latency-p50``, ``not-probed``..."""
    message: str
    evidence: tuple[str, ...] = ()
    """Diff-like lines: ``- stub: ...`` / ``+ provider: ...``."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category.value,
            "kind": self.kind,
            "message": self.message,
            "evidence": list(self.evidence),
        }


@dataclass
class RouteResult:
    """Everything found for one stub route."""

    route_id: str
    service: str
    method: str
    path: str
    file: str
    line: int
    answers: int = 0
    """How many provider answers were compared with the route."""
    findings: list[Finding] = field(default_factory=list)

    def count(self, category: Category) -> int:
        return sum(1 for f in self.findings if f.category is category)

    @property
    def drifted(self) -> bool:
        """Some finding other than unreachable: re-compiling would change the route."""
        return any(f.category is not Category.UNREACHABLE for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "route": self.route_id,
            "service": self.service,
            "method": self.method,
            "path": self.path,
            "file": self.file,
            "line": self.line,
            "answers": self.answers,
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass
class Unknown:
    """A provider answer that no stub route matches."""

    method: str
    url: str
    status: int

    def __str__(self) -> str:
        return f"{self.method} {self.url} answered {self.status or 'no response'}"


@dataclass
class DriftReport:
    """The whole run: per-route results, unmatched answers, and what was sent."""

    mode: str
    """``live`` or ``offline``."""
    source: str
    """The upstream URL (live) or the recordings directory (offline)."""
    stubs: str
    routes: list[RouteResult] = field(default_factory=list)
    unknown: list[Unknown] = field(default_factory=list)
    requests_sent: int = 0
    notes: list[str] = field(default_factory=list)
    written: str | None = None
    """Where the probes' answers were written (``--write-recordings``)."""

    @property
    def checked(self) -> int:
        """Routes whose answers were compared (not only unreachable)."""
        return sum(
            1
            for r in self.routes
            if (r.answers and all(f.category is not Category.UNREACHABLE for f in r.findings))
            or r.drifted
        )

    def total(self, category: Category) -> int:
        return sum(r.count(category) for r in self.routes)

    @property
    def exit_code(self) -> int:
        """2 when no route could be compared, else 1 when anything is breaking, else 0."""
        if self.checked == 0:
            return 2
        return 1 if self.total(Category.BREAKING) else 0

    def summary(self) -> dict[str, int]:
        out = {c.value: self.total(c) for c in Category}
        out["unknown"] = len(self.unknown)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "source": self.source,
            "stubs": self.stubs,
            "requests_sent": self.requests_sent,
            "summary": self.summary(),
            "exit_code": self.exit_code,
            "routes": [r.to_dict() for r in self.routes],
            "unknown": [
                {"method": u.method, "url": u.url, "status": u.status} for u in self.unknown
            ],
            "would_change": [r.route_id for r in self.routes if r.drifted],
            "written": self.written,
            "notes": list(self.notes),
        }
