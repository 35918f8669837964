"""Which request fields choose the response, and the ``when`` conditions that say so.

:func:`choose_features` picks, greedily, the request features (see
:mod:`stubforge.compile.features`) that best explain which response class each exchange got:
at each step the feature that leaves the fewest exchanges disagreeing with the majority
of their group, ties broken by fewer groups, then the candidates' order: path before
query before body fields, structural ``has`` features before literal body values (see
:mod:`stubforge.compile.conditions`), then header, then name. It stops when the classes
are explained, when a step does not help, or after three features. Route-level matchers
are only the operation (see grouping), so a route answers values it never saw; the
features become ``when`` conditions of variants.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from stubforge.compile.exchange import Exchange
from stubforge.compile.features import PRESENT, Feature, feature_value

MAX_FEATURES = 3
Combo = tuple[str | None, ...]


def impurity(combos: list[Combo], classes: list[str]) -> tuple[int, int]:
    """(exchanges outside their group's majority class, number of groups)."""
    groups: dict[Combo, Counter[str]] = {}
    for combo, cls in zip(combos, classes, strict=True):
        groups.setdefault(combo, Counter())[cls] += 1
    bad = sum(sum(c.values()) - max(c.values()) for c in groups.values())
    return bad, len(groups)


def choose_features(
    exchanges: list[Exchange], classes: list[str], candidates: list[Feature]
) -> list[Feature]:
    """The features whose values best determine ``classes`` (empty if one class)."""
    if len(set(classes)) <= 1:
        return []
    chosen: list[Feature] = []
    values = {f: [feature_value(ex, f) for ex in exchanges] for f in candidates}
    current: list[Combo] = [() for _ in exchanges]
    best_bad = impurity(current, classes)[0]
    while len(chosen) < MAX_FEATURES and best_bad > 0:
        scored = []
        for rank, f in enumerate(candidates):  # ties: the candidates' order (preference)
            if f in chosen:
                continue
            combos = [(*c, v) for c, v in zip(current, values[f], strict=True)]
            bad, groups = impurity(combos, classes)
            scored.append(((bad, groups, rank), f, combos))
        if not scored:
            break
        (bad, _, _), f, combos = min(scored, key=lambda s: s[0])
        if bad >= best_bad:
            break
        chosen.append(f)
        current, best_bad = combos, bad
    return chosen


def combos_of(exchanges: list[Exchange], features: list[Feature]) -> list[Combo]:
    """Each exchange's values of ``features``."""
    return [tuple(feature_value(ex, f) for f in features) for ex in exchanges]


def _string_condition(values: list[str | None]) -> Any:
    if len(values) == 1:
        value = values[0]
        if value is None:
            return {"absent": True}
        if value == PRESENT:
            return {"present": True}
        return value
    return {"one_of": sorted(v for v in values if v is not None)}


def _json_path(name: str) -> str:
    if (
        name
        and (name[0].isalpha() or name[0] in "_$")
        and all(c.isalnum() or c in "_$-" for c in name)
    ):
        return f"$.{name}"
    return "$[" + json.dumps(name) + "]"


def _json_condition(values: list[str | None]) -> Any:
    if len(values) == 1:
        value = values[0]
        if value is None:
            return {"present": False}
        parsed = json.loads(value)
        return {"equals": parsed} if isinstance(parsed, dict | list) or parsed is None else parsed
    return {"one_of": [json.loads(v) for v in sorted(v for v in values if v is not None)]}


def when_spec(features: list[Feature], combos: list[Combo]) -> dict[str, Any]:
    """A ``when`` matching the given value combinations.

    Several combinations are only merged for a single feature (``one_of``), and never
    when one of them is "absent": callers pass one combination otherwise.
    """
    when: dict[str, Any] = {}
    for i, f in enumerate(features):
        values = sorted({c[i] for c in combos}, key=lambda v: (v is not None, v or ""))
        if f.kind == "has":
            body = when.setdefault("body", {"jsonpath": {}})
            body["jsonpath"][_json_path(f.name)] = {"present": values[0] is not None}
            continue
        if f.kind == "json":
            body = when.setdefault("body", {"jsonpath": {}})
            body["jsonpath"][_json_path(f.name)] = _json_condition(values)
            continue
        section = {"path": "path", "query": "query", "header": "headers"}[f.kind]
        when.setdefault(section, {})[f.name] = _string_condition(values)
    return when


def mergeable(combos: list[Combo]) -> bool:
    """True when these single-feature combinations can share one ``one_of`` condition."""
    return all(len(c) == 1 and c[0] is not None and c[0] != PRESENT for c in combos)
