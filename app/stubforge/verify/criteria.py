"""Request criteria compiled against journal entries: a predicate plus the fields that
differ (for readable verification failures)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stubforge.match.path import PathTemplate
from stubforge.match.predicates import Check, compile_conditions
from stubforge.match.request import Request
from stubforge.model.expectation import RequestCriteria
from stubforge.serve.journal import RawEntry

Difference = tuple[str, Any, Any]
"""(field, expected, actual)."""


class Selector:
    """Which journal entries meet a :class:`RequestCriteria` (compiled once)."""

    def __init__(self, criteria: RequestCriteria) -> None:
        c = criteria
        self.criteria = c
        method = c.method
        methods = [method] if isinstance(method, str) else list(method or [])
        self.methods = frozenset(methods) if methods and "ANY" not in methods else None
        self.template = PathTemplate(c.path) if c.path is not None else None
        self.checks: tuple[Check, ...] = compile_conditions(c.query, c.headers, c.cookies, c.body)
        self.since = c.since.timestamp() if c.since is not None else None
        self.until = c.until.timestamp() if c.until is not None else None

    def __call__(self, e: RawEntry) -> bool:
        return not self.differences(e, first_only=True)

    def differences(self, e: RawEntry, first_only: bool = False) -> list[Difference]:
        """The fields of ``e`` that fail the criteria (empty when it matches)."""
        c = self.criteria
        out: list[Difference] = []
        if self.since is not None and e.started < self.since:
            out.append(("time", f">= {c.since}", e.started))
        if self.until is not None and e.started >= self.until:
            out.append(("time", f"< {c.until}", e.started))
        if c.unmatched is not None and (e.route_id is None) != c.unmatched:
            out.append(("unmatched", c.unmatched, e.route_id is None))
        if c.passthrough is not None and (e.passthrough is not None) != c.passthrough:
            out.append(("passthrough", c.passthrough, e.passthrough is not None))
        if c.route is not None and e.route_id != c.route:
            out.append(("route", c.route, e.route_id))
        if c.session is not None and e.session_id != c.session:
            out.append(("session", c.session, e.session_id))
        if c.status is not None and e.status != c.status:
            out.append(("status", c.status, e.status))
        if self.methods is not None and e.method not in self.methods:
            want = next(iter(self.methods)) if len(self.methods) == 1 else sorted(self.methods)
            out.append(("method", want, e.method))
        params: dict[str, Any] = {}
        if self.template is not None:
            matched = self.template.match(e.path)
            if matched is None:
                out.append(("path", self.template.text, e.path))
            else:
                params = matched
        if out and first_only:
            return out
        if self.checks:
            req = Request(e.method, e.path, e.query_string, e.headers, e.body, e.client)
            for check in self.checks:
                if not check(req, params):
                    out.append((check.field, check.expected(), check.actual(req, params)))
                    if first_only:
                        return out
        return out

    def select(self, entries: Iterable[RawEntry]) -> list[RawEntry]:
        return [e for e in entries if self(e)]

    def describe(self) -> str:
        """The criteria in words: ``POST /v1/charges where body $.amount == 100``."""
        c = self.criteria
        head = (
            " ".join(
                p
                for p in (
                    "|".join(sorted(self.methods)) if self.methods else "",
                    c.path or "",
                )
                if p
            )
            or "any request"
        )
        parts = []
        if c.route is not None:
            parts.append(f"route {c.route}")
        if c.unmatched is not None:
            parts.append("unmatched" if c.unmatched else "matched")
        if c.passthrough is not None:
            parts.append("passed through" if c.passthrough else "answered by the mock")
        if c.status is not None:
            parts.append(f"status {c.status}")
        if c.session is not None:
            parts.append(f"session {c.session}")
        parts += [f"{check.field} {check.expected()}" for check in self.checks]
        if c.since is not None:
            parts.append(f"since {c.since.isoformat()}")
        if c.until is not None:
            parts.append(f"until {c.until.isoformat()}")
        return head + (" where " + ", ".join(parts) if parts else "")
