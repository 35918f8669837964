"""Answers in, report out: match each answer to its stub route, compare, classify.

:func:`compare_answers` is the one comparison both modes share. It is pure: the live mode
hands it the probes' answers, the offline mode a fresh recording set.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from stubforge.compile.behaviour import is_error
from stubforge.compile.exchange import Exchange
from stubforge.drift.answers import Probe, compare_probe
from stubforge.drift.behaviour import Thresholds, behaviour_findings
from stubforge.drift.expected import RouteStubs, StubIndex
from stubforge.drift.findings import Category, DriftReport, Finding, RouteResult, Unknown


@dataclass(frozen=True)
class Skipped:
    """A route (or request) that could not be checked, and why."""

    route_id: str
    kind: str
    reason: str


def request_key(ex: Exchange) -> str:
    """``METHOD /path?query``, with a digest of the body when there is one."""
    query = "&".join(f"{k}={v}" for k, v in ex.query)
    key = f"{ex.method} {ex.path}" + (f"?{query}" if query else "")
    if ex.body:
        key += f" [body {hashlib.sha256(ex.body.encode()).hexdigest()[:8]}]"
    return key


def _merge(findings: list[Finding], keys: list[str]) -> list[Finding]:
    """One finding per (category, kind, message without its request), saying how many
    requests showed it."""
    groups: dict[tuple[Category, str, str], list[Finding]] = {}
    for finding in findings:
        text = finding.message
        for key in keys:
            text = text.replace(key, "")
        groups.setdefault((finding.category, finding.kind, text), []).append(finding)
    out = []
    for members in groups.values():
        first = members[0]
        if len(members) > 1:
            first = Finding(
                first.category,
                first.kind,
                f"{first.message} (and {len(members) - 1} more request(s))",
                first.evidence,
            )
        out.append(first)
    order = list(Category)
    return sorted(out, key=lambda f: order.index(f.category))


def _route_result(
    stubs: RouteStubs, probes: list[Probe], limits: Thresholds, skipped: list[Skipped]
) -> RouteResult:
    result = RouteResult(stubs.id, stubs.service, stubs.method, stubs.path, stubs.file, stubs.line)
    answers = [ex for p in probes for ex in p.answers]
    result.answers = len(answers)
    found: list[Finding] = [
        Finding(Category.UNREACHABLE, s.kind, s.reason) for s in skipped if s.route_id == stubs.id
    ]
    if not answers:
        if not found:
            found.append(Finding(Category.UNREACHABLE, "no-answers", "no answer to compare"))
        result.findings = found
        return result
    failing = [ex for ex in answers if is_error(ex)]
    if len(failing) == len(answers) and not any(a.status >= 500 for a in stubs.answers()):
        what = ", ".join(sorted({ex.fault or str(ex.status) for ex in failing}))
        found.append(
            Finding(
                Category.UNREACHABLE,
                "no-good-answer",
                f"every answer failed ({what}); nothing to compare",
            )
        )
        result.findings = found
        return result
    for probe in probes:
        found.extend(compare_probe(probe))
    found.extend(behaviour_findings(stubs, answers, limits))
    result.findings = _merge(found, [p.key for p in probes])
    return result


def compare_answers(
    index: StubIndex,
    answers: Iterable[Exchange],
    limits: Thresholds | None = None,
    skipped: Iterable[Skipped] = (),
    report: DriftReport | None = None,
) -> DriftReport:
    """Compare every answer with the stubs; routes with no answers are unreachable."""
    limits = limits or Thresholds()
    report = report or DriftReport("offline", "", "")
    skipped = list(skipped)
    probes: dict[str, dict[str, Probe]] = {}
    for ex in answers:
        found = index.match(ex)
        if found is None:
            url = ex.path + ("?" + "&".join(f"{k}={v}" for k, v in ex.query) if ex.query else "")
            report.unknown.append(Unknown(ex.method, url, ex.status))
            continue
        stubs, expected = found
        key = request_key(ex)
        probe = probes.setdefault(stubs.id, {}).setdefault(key, Probe(key, expected, []))
        probe.answers.append(ex)
    for stubs in index.routes:
        route_probes = list(probes.get(stubs.id, {}).values())
        report.routes.append(_route_result(stubs, route_probes, limits, skipped))
    return report
