"""``requests/verify``: count the journal entries meeting an expectation's criteria and,
on failure, explain with the matching entries (too many) or the closest ones and the
fields that differed (too few)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stubforge.model.expectation import Expectation
from stubforge.redact.redactor import Redactor
from stubforge.serve.journal import RawEntry
from stubforge.verify.criteria import Selector
from stubforge.verify.journal_view import iso_time, redact_value, redactor

SHOWN = 5
"""How many matching or closest requests a failure report lists."""


def _summary(e: RawEntry, red: Redactor) -> str:
    qs = e.query_string.decode("latin-1")
    where = red.url(e.path + ("?" + qs if qs else ""), set())
    return (
        f"#{e.id} {e.method} {where} -> {e.status} ({e.route_id or 'unmatched'}) "
        f"at {iso_time(e.started)}"
    )


def verify(expectation: Expectation, entries: Sequence[RawEntry]) -> dict[str, Any]:
    """The verdict as JSON: ``ok``, ``count``, ``expected`` and a readable ``report``."""
    selector = Selector(expectation.request)
    matching = [e for e in entries if selector(e)]
    low, high = expectation.bounds()
    count = len(matching)
    ok = count >= low and (high is None or count <= high)
    expected = expectation.describe_count()
    label = expectation.name or selector.describe()
    red = redactor()
    lines = [
        f"{'PASS' if ok else 'FAIL'} {label}: expected {expected}, got {count}",
    ]
    if expectation.name:
        lines.append(f"  criteria: {selector.describe()}")
    closest: list[dict[str, Any]] = []
    if high is not None and count > high:
        lines.append("  matching requests:")
        lines += [f"    {_summary(e, red)}" for e in matching[:SHOWN]]
        if count > SHOWN:
            lines.append(f"    ... and {count - SHOWN} more")
    elif not ok:
        scored = []
        for e in entries:
            diffs = selector.differences(e)
            if diffs:
                scored.append((len(diffs), -e.id, e, diffs))
        scored.sort(key=lambda t: (t[0], t[1]))
        for _, _, e, diffs in scored[:SHOWN]:
            shown = [
                {
                    "field": f,
                    "expected": want,
                    "actual": redact_value(red, f, got),
                }
                for f, want, got in diffs
            ]
            closest.append({"id": e.id, "request": _summary(e, red), "differences": shown})
        if closest:
            lines.append("  closest requests:")
            for c in closest:
                lines.append(f"    {c['request']}")
                for d in c["differences"]:
                    lines.append(
                        f"      {d['field']}: expected {d['expected']}, got {d['actual']!r}"
                    )
        else:
            lines.append("  the journal holds no requests")
    return {
        "ok": ok,
        "name": expectation.name,
        "criteria": selector.describe(),
        "expected": expected,
        "count": count,
        "matches": [e.id for e in matching[:100]],
        "closest": closest,
        "report": "\n".join(lines),
    }
