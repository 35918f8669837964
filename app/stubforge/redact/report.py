"""The redaction report: what was masked, by rule and field path, so rules can be tuned
without reading recordings (``stubforge record --redact-report``, ``import har``).

Paths name where a value was: ``request.headers.authorization``,
``request.query.api_key``, ``response.body$.data[*].email`` (JSON, ``[*]`` for any array
element), ``response.body<Password>`` (an XML element), ``request.body.password`` (a
form or multipart field), ``response.body[event]$.token`` (a server-sent event). Values
never appear in it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable


def report_lines(counts: Counter[tuple[str, str]]) -> list[str]:
    """One line per (rule, path), busiest rule first; a header and a total."""
    if not counts:
        return ["redaction report: nothing was masked"]
    by_rule: Counter[str] = Counter()
    for (rule, _), n in counts.items():
        by_rule[rule] += n
    width = max(len(rule) for rule in by_rule)
    lines = [f"redaction report: {sum(counts.values())} values masked"]
    for rule, total in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  {rule:<{width}}  {total:>6}")
        paths = sorted(
            ((path, n) for (r, path), n in counts.items() if r == rule),
            key=lambda pn: (-pn[1], pn[0]),
        )
        lines += [f"  {'':<{width}}  {n:>6}  {path or '(text)'}" for path, n in paths]
    return lines


def merge(counters: Iterable[Counter[tuple[str, str]]]) -> Counter[tuple[str, str]]:
    total: Counter[tuple[str, str]] = Counter()
    for c in counters:
        total.update(c)
    return total
