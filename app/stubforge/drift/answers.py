"""Compare the provider's answers to one route with what the route would answer.

Answers are grouped by request (the samples of one probe, or repeated requests in a
recording). For each request the route's expected answer is known (the variant its
``when`` picks). Throttled answers (429) and errors (5xx, 408, faults) are left to
:mod:`stubforge.drift.behaviour`; the others are compared:

* **status**: every answer got another status than the stub's → breaking
  (``status-changed``; a success that became 400/422 is ``required-field-added``, the
  provider now rejecting what the stubs accept); 401/403 is *unreachable* (the probe's
  credentials), not drift; a new 4xx in only some answers is a ``new-error-code``;
* **content type** (media type) → breaking;
* **body shape** (:mod:`stubforge.drift.shape`): removed/renamed fields, type changes and
  enum values gone are breaking; new fields and enum values additive; a new error code
  beside the old ones behavioural;
* **headers**: a stub header absent from every answer is breaking; a header every answer
  carries with one value, that the stubs lack, is additive. Headers whose value varies
  between answers, and the ones the compiler never replays (dates, ETags, request ids,
  rate-limit counters, cookies), are noise.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from stubforge.compile.behaviour import is_error, is_throttled
from stubforge.compile.exchange import NO_JSON, Exchange
from stubforge.compile.responses import keep_header
from stubforge.drift.expected import Answer
from stubforge.drift.findings import Category, Finding
from stubforge.drift.shape import Difference, compare, shape_of

_FIELD_HINT = re.compile(
    r"(?i)(?:missing|required)\W+(?:required\W+)?(?:field|param(?:eter)?|property|argument)?"
    r"\W*['\"`]?([A-Za-z_][A-Za-z0-9_.]*)|['\"`]?([A-Za-z_][A-Za-z0-9_.]*)['\"`]?\s+is\s+required"
)
_FIELD_KEYS = ("param", "field", "parameter", "property", "missing", "missing_field")
_NOT_FIELDS = {"field", "parameter", "param", "property", "argument", "required", "missing"}


@dataclass
class Probe:
    """The answers to one request, and what the stub answers it."""

    key: str
    """``METHOD /path?query`` (plus a body digest): what groups samples."""
    expected: list[Answer]
    answers: list[Exchange]


def _media(ex: Exchange) -> str:
    return ex.content_type.split(";")[0].strip().lower()


def _mentioned_field(value: object) -> str | None:
    """The request field an error body names (``{"param": "currency"}``, "currency is
    required"), if any."""
    if isinstance(value, dict):
        for key in _FIELD_KEYS:
            found = value.get(key)
            if isinstance(found, str) and re.match(r"^[A-Za-z_][A-Za-z0-9_.]*$", found):
                return found
        for inner in value.values():
            name = _mentioned_field(inner)
            if name is not None:
                return name
    elif isinstance(value, list):
        for inner in value:
            name = _mentioned_field(inner)
            if name is not None:
                return name
    elif isinstance(value, str):
        m = _FIELD_HINT.search(value)
        if m is not None:
            name = m.group(1) or m.group(2)
            if name and name.lower() not in _NOT_FIELDS:
                return name
    return None


def _status_findings(probe: Probe, normal: list[Exchange]) -> tuple[list[Finding], Answer | None]:
    """Findings about status codes, and the stub answer the normal answers compare with."""
    statuses = {a.status for a in probe.expected}
    same = [ex for ex in normal if ex.status in statuses]
    other = [ex for ex in normal if ex.status not in statuses]
    expected = probe.expected[0]
    if same:
        answer = next(a for a in probe.expected if a.status == same[0].status)
        found = [
            Finding(
                Category.BEHAVIOURAL,
                "new-error-code",
                f"{probe.key}: status {status} in {n} of {len(normal)} answers "
                f"(stub: {expected.status})",
                (f"- stub {expected.label}: {expected.status}", f"+ provider: {status} x{n}"),
            )
            for status, n in sorted(Counter(ex.status for ex in other).items())
        ]
        return found, answer
    got = Counter(ex.status for ex in other).most_common(1)[0][0]
    sample = next(ex for ex in other if ex.status == got)
    evidence = (f"- stub {expected.label}: {expected.status}", f"+ provider: {got}")
    if got in (401, 403):
        return [
            Finding(
                Category.UNREACHABLE,
                "auth",
                f"{probe.key}: the provider refused the request ({got}); "
                "give its credentials with --secrets",
                evidence,
            )
        ], None
    if expected.status < 300 and got in (400, 422):
        name = _mentioned_field(sample.resp_json if sample.resp_json is not NO_JSON else None)
        if name is None and sample.resp_text:
            name = _mentioned_field(sample.resp_text)
        what = f"new required request field {name!r}" if name else "a new request requirement"
        return [
            Finding(
                Category.BREAKING,
                "required-field-added",
                f"{probe.key}: the provider now rejects what the stubs accept: {what}",
                (*evidence, f"+ body: {(sample.resp_text or '')[:160]}"),
            )
        ], None
    return [
        Finding(
            Category.BREAKING,
            "status-changed",
            f"{probe.key}: status {expected.status} → {got}",
            evidence,
        )
    ], None


_KINDS = {
    "removed": (Category.BREAKING, "field-removed"),
    "renamed": (Category.BREAKING, "field-renamed"),
    "type": (Category.BREAKING, "type-changed"),
    "value-gone": (Category.BREAKING, "enum-value-gone"),
    "added": (Category.ADDITIVE, "field-added"),
    "value-new": (Category.ADDITIVE, "enum-value-added"),
}


def _body_finding(diff: Difference, answer: Answer, where: str) -> Finding:
    error = answer.status >= 400
    if diff.kind == "value-renamed":
        kind = "error-code-renamed" if error and diff.code else "enum-value-renamed"
        return Finding(
            Category.BREAKING,
            kind,
            f"{where}: {diff.path} {diff.old} → {diff.new}",
            (f"- stub {answer.label}: {diff.path} = {diff.old}", f"+ provider: {diff.new}"),
        )
    if diff.kind == "value-new" and error and diff.code:
        category, kind = Category.BEHAVIOURAL, "new-error-code"
    else:
        category, kind = _KINDS[diff.kind]
    if diff.kind == "renamed":
        return Finding(
            category,
            kind,
            f"{where}: {diff.path}.{diff.old} → {diff.path}.{diff.new}",
            (
                f"- stub {answer.label}: {diff.path}.{diff.old}",
                f"+ provider: {diff.path}.{diff.new}",
            ),
        )
    stub = f"- stub {answer.label}: {diff.path}" + (f" ({diff.old})" if diff.old else "")
    provider = f"+ provider: {diff.path}" + (f" ({diff.new})" if diff.new else " absent")
    if diff.kind == "removed":
        provider = f"+ provider: {diff.path} absent from every answer"
    elif diff.kind == "added":
        stub = f"- stub {answer.label}: {diff.path} absent"
    detail = {
        "removed": f"{diff.path} removed",
        "type": f"{diff.path} is {diff.new}, was {diff.old}",
        "value-gone": f"{diff.path}: {diff.old} no longer answered",
        "added": f"{diff.path} added ({diff.new})",
        "value-new": f"{diff.path}: new value(s) {diff.new}",
    }[diff.kind]
    return Finding(category, kind, f"{where}: {detail}", (stub, provider))


def _header_findings(answer: Answer, answers: list[Exchange], where: str) -> list[Finding]:
    """At most two findings: the stub's headers no answer carries (breaking), and the
    headers every answer carries with one value that the stub lacks (additive)."""
    removed = [
        name
        for name in sorted(answer.headers)
        if name != "content-type"
        and keep_header(name)
        and "{{" not in answer.headers[name]
        and not any(name in ex.resp_headers for ex in answers)
    ]
    values: dict[str, set[str]] = {}
    for ex in answers:
        for name, value in ex.resp_headers.items():
            values.setdefault(name, set()).add(value)
    added = [
        (name, next(iter(seen)))
        for name, seen in sorted(values.items())
        if answer.all_headers
        and name not in answer.headers
        and name != "content-type"
        and keep_header(name)
        and len(seen) == 1
        and all(name in ex.resp_headers for ex in answers)
    ]
    out: list[Finding] = []
    if removed:
        out.append(
            Finding(
                Category.BREAKING,
                "header-removed",
                f"{where}: no longer sent: {', '.join(removed)}",
                (
                    *(f"- stub {answer.label}: {n}: {answer.headers[n]}" for n in removed),
                    "+ provider: absent",
                ),
            )
        )
    if added:
        out.append(
            Finding(
                Category.ADDITIVE,
                "header-added",
                f"{where}: new header(s): {', '.join(n for n, _ in added)}",
                tuple(f"+ provider: {n}: {v}" for n, v in added),
            )
        )
    return out


def compare_probe(probe: Probe) -> list[Finding]:
    """Every structural finding for the answers of one request."""
    normal = [ex for ex in probe.answers if not is_error(ex) and not is_throttled(ex)]
    if not normal:
        return []
    found, answer = _status_findings(probe, normal)
    if answer is None:
        return found
    same = [ex for ex in normal if ex.status == answer.status]
    if answer.content_type is not None:
        got = Counter(_media(ex) for ex in same).most_common(1)[0][0]
        if got and got != answer.content_type:
            found.append(
                Finding(
                    Category.BREAKING,
                    "content-type-changed",
                    f"{probe.key}: content type {answer.content_type} → {got}",
                    (f"- stub {answer.label}: {answer.content_type}", f"+ provider: {got}"),
                )
            )
            return found
    bodies = [ex.resp_json for ex in same if ex.resp_json is not NO_JSON]
    if answer.json is not NO_JSON and bodies:
        diffs = compare(shape_of([answer.json]), shape_of(bodies))
        found.extend(_body_finding(d, answer, probe.key) for d in diffs)
    found.extend(_header_findings(answer, same, probe.key))
    return found
