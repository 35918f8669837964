"""Behaviour inferred from traffic: the error mix and rate limits.

Errors. A 5xx or 408 answer, and an exchange that ended in an upstream fault, is
treated as *random* (the provider failing), not as a function of the request: it
becomes an error rule with its observed rate, one rule per distinct error response or
fault. Rules are evaluated in order and the first that fires wins, so rule *k* gets
``rate = f_k / (1 - f_1 - ... - f_{k-1})`` to reproduce observed fractions ``f``.
Other 4xx answers depend on the request (validation, unknown ids) and become variants.

Rate limits. 429 answers are the rate limiter's. Its limit comes from
``X-RateLimit-Limit`` / ``RateLimit-Limit`` / ``RateLimit-Policy`` (``100;w=60``), its
window from the policy's ``w``, else ``Retry-After`` / a seconds-valued reset, else one
second; without headers the limit is the median number of requests answered in the
one-second windows where the 429s began. The counter key is ``header:authorization`` (or
the API-key header) when requests carry one, else the client ``ip``. A limit seen on
several routes of a service goes in the file's defaults with ``scope: file``. The
algorithm is a sliding window ("at most N in any window"), which reproduces a burst the
same way whatever the clock, where a clock-aligned fixed window would let more through.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from stubforge.compile.exchange import NO_JSON, Exchange
from stubforge.compile.literal import literal_json

FAULTS = {
    "connection_reset": "connection_reset",
    "connection_refused": "connection_reset",
    "tls_error": "connection_reset",
    "other": "connection_reset",
    "empty_reply": "empty_response",
    "truncated_body": "truncated_body",
    "timeout": "timeout",
}
"""Recorded fault kinds → the stub format's faults."""


def is_error(ex: Exchange) -> bool:
    """An exchange whose answer is treated as a random failure (5xx, 408, or a fault)."""
    return ex.failed or ex.status >= 500 or ex.status == 408


def is_throttled(ex: Exchange) -> bool:
    return ex.status == 429


@dataclass
class ErrorMix:
    """Error rules (stub-file data) and the observed counts."""

    rules: list[dict[str, Any]] = field(default_factory=list)
    counts: list[tuple[str, int]] = field(default_factory=list)
    total: int = 0


def error_rules(
    exchanges: list[Exchange],
    total: int,
    response_of: Any,
    timeline: list[Exchange] | None = None,
    origin: float = 0.0,
) -> ErrorMix:
    """Error rules for the error exchanges of a route with ``total`` exchanges.

    With ``timeline`` (the route's exchanges in time order; ``origin``: the recording's
    start) periodic errors become ``every`` rules and clustered ones ``window`` rules
    (see :mod:`stubforge.compile.errortime`); they come first, then the flat rates.
    """
    mix = ErrorMix(total=total)
    if total == 0:
        return mix
    classes: dict[str, tuple[int, dict[str, Any], str]] = {}
    members: dict[str, list[Exchange]] = {}
    for ex in exchanges:
        if not is_error(ex):
            continue
        if ex.failed:
            fault = FAULTS.get(ex.fault or "other", "connection_reset")
            key = "fault:" + fault
            classes.setdefault(key, (ex.index, {"fault": fault}, f"fault {ex.fault}"))
        else:
            key, data = response_of(ex)
            classes.setdefault(key, (ex.index, {"response": data}, f"status {ex.status}"))
        members.setdefault(key, []).append(ex)
    counts: Counter[str] = Counter({k: len(v) for k, v in members.items()})
    order = sorted(classes, key=lambda k: (-counts[k], classes[k][0]))
    flat: Counter[str] = Counter(counts)
    if timeline is not None:
        position = {id(ex): i for i, ex in enumerate(timeline)}
        for key in order:
            spots = sorted(position[id(ex)] for ex in members[key] if id(ex) in position)
            timed = _timed_rule(spots, timeline, origin)
            if timed is not None:
                rule, explained, label = timed
                mix.rules.append({**rule, **classes[key][1]})
                mix.counts.append((f"{classes[key][2]} {label}", explained))
                flat[key] -= explained
    remaining = 1.0
    for key in order:
        if flat[key] <= 0:
            continue
        _, rule, label = classes[key]
        frac = flat[key] / total
        rate = min(1.0, frac / remaining) if remaining > 0 else 1.0
        remaining -= frac
        mix.rules.append({"rate": round(max(rate, 0.0001), 4), **rule})
        mix.counts.append((label, flat[key]))
    return mix


def _timed_rule(
    spots: list[int], timeline: list[Exchange], origin: float
) -> tuple[dict[str, Any], int, str] | None:
    """An ``every`` or ``window`` trigger for errors at ``spots``, the errors it explains
    and a label for the comment; None when they look random."""
    from stubforge.compile.errortime import ALWAYS, clustered, periodic
    from stubforge.model.duration import format_duration

    n = len(timeline)
    cycle = periodic(spots, n)
    if cycle is not None:
        return {"every": cycle.every}, len(spots), f"(every {cycle.every}th request)"
    window = clustered(spots, n)
    if window is None or not timeline[window.first].started:
        return None
    start = timeline[window.first].started
    last = timeline[window.last].started
    if window.last + 1 < n:
        end = timeline[window.last + 1].started
    else:
        gaps = sorted(b.started - a.started for a, b in itertools.pairwise(timeline))
        end = last + (gaps[len(gaps) // 2] if gaps else 0.0)
    duration = max(round(end - start, 3), 0.001)
    offset = max(round(start - origin, 3), 0.0)
    trigger: dict[str, Any] = {
        "window": {"start": format_duration(offset), "duration": format_duration(duration)}
    }
    inside = window.count / window.length
    if inside < ALWAYS:
        trigger["rate"] = round(inside, 4)
    label = (
        f"(clustered: {window.count} in {window.length} requests from "
        f"{format_duration(offset)} for {format_duration(duration)}, p={window.p_value:.1g})"
    )
    return trigger, window.count, label


_POLICY_W = re.compile(r"w=(\d+)")
_NUM = re.compile(r"^\s*(\d+)")


@dataclass
class Throttle:
    """What the 429s of a set of exchanges say about the rate limit."""

    limit: int
    per: float
    key: str
    headers: str
    reset: str
    body: Any
    evidence: str


def _first_int(values: list[str]) -> int | None:
    nums = [int(m.group(1)) for v in values if (m := _NUM.match(v))]
    return Counter(nums).most_common(1)[0][0] if nums else None


def infer_throttle(exchanges: list[Exchange]) -> Throttle | None:
    """A rate limit when any exchange was answered 429."""
    throttled = [ex for ex in exchanges if is_throttled(ex)]
    if not throttled:
        return None
    hdr = {
        name: [ex.resp_headers[name] for ex in exchanges if name in ex.resp_headers]
        for name in (
            "x-ratelimit-limit",
            "ratelimit-limit",
            "ratelimit-policy",
            "ratelimit",
            "retry-after",
            "x-ratelimit-reset",
            "ratelimit-reset",
        )
    }
    limit = _first_int(hdr["x-ratelimit-limit"]) or _first_int(hdr["ratelimit-limit"])
    limit = limit or _first_int(hdr["ratelimit-policy"])
    evidence = "headers"
    per: float | None = None
    for value in hdr["ratelimit-policy"]:
        m = _POLICY_W.search(value)
        if m:
            per = float(m.group(1))
            break
    if per is None:
        resets = [int(v) for v in hdr["x-ratelimit-reset"] + hdr["ratelimit-reset"] if v.isdigit()]
        small = [r for r in resets if 0 < r <= 3600]
        retry = [int(v) for v in hdr["retry-after"] if v.strip().isdigit()]
        per = float(max(retry or small or [1]))
    if limit is None:
        limit, evidence = _limit_from_traffic(exchanges, per), "traffic"
    has_x = bool(hdr["x-ratelimit-limit"])
    has_ietf = bool(hdr["ratelimit-limit"] or hdr["ratelimit-policy"] or hdr["ratelimit"])
    style = (
        "both" if has_x and has_ietf else "ietf" if has_ietf else "x-ratelimit" if has_x else "none"
    )
    resets = [int(v) for v in hdr["x-ratelimit-reset"] if v.isdigit()]
    sample = throttled[0]
    body: Any = (
        sample.resp_json if sample.resp_json is not NO_JSON else {"error": "rate limit exceeded"}
    )
    return Throttle(
        limit=max(limit, 1),
        per=max(per, 1.0),
        key=_key(exchanges),
        headers=style,
        reset="epoch" if any(r > 10**9 for r in resets) else "seconds",
        body=literal_json(json.loads(json.dumps(body))),
        evidence=f"{len(throttled)} of {len(exchanges)} answered 429; limit from {evidence}",
    )


def _limit_from_traffic(exchanges: list[Exchange], per: float) -> int:
    windows: dict[int, list[Exchange]] = {}
    for ex in exchanges:
        windows.setdefault(int(ex.started // per), []).append(ex)
    counts = sorted(
        sum(1 for ex in members if not is_throttled(ex))
        for members in windows.values()
        if any(is_throttled(ex) for ex in members)
    )
    return counts[len(counts) // 2] if counts else 1


def _key(exchanges: list[Exchange]) -> str:
    for name in ("authorization", "x-api-key", "api-key"):
        if all(name in ex.headers for ex in exchanges):
            return f"header:{name}"
    return "ip"


def rate_limit_spec(t: Throttle, scope: str | None = None) -> dict[str, Any]:
    """The ``rate_limit`` stub data of an inferred throttle."""
    from stubforge.model.duration import format_duration

    spec: dict[str, Any] = {
        "algorithm": "sliding_window",
        "limit": t.limit,
        "per": format_duration(t.per),
    }
    if scope:
        spec["scope"] = scope
    spec["key"] = t.key
    spec["headers"] = t.headers
    if t.reset != "seconds":
        spec["reset"] = t.reset
    spec["body"] = t.body
    return spec
