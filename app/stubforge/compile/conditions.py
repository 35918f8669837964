"""Structural request features: a body field present or absent.

When responses to one route differ, a structure (``name`` missing → 422) explains them
better than the literal values that happened to go with it (``nick == "x"`` → 422). A
presence feature splits the exchanges into two groups only, so among features that
explain the responses equally well (:func:`stubforge.compile.matchers.choose_features`
checks every exchange) it beats a literal one on the number of groups; between two
presence features, the one present in more exchanges comes first: the absence of a field
most requests carry (a required field) is a better explanation than the presence of a
rare one. JSON, form-encoded and multipart bodies count alike (the exchange reads forms
as objects).
"""

from __future__ import annotations

from stubforge.compile.exchange import Exchange
from stubforge.compile.features import VOLATILE_NAME, Feature

HAS = "\x00has"
"""The value of a presence feature when the field is there."""


def structural_features(exchanges: list[Exchange], volatile: set[str]) -> list[Feature]:
    """``has`` features for the top-level body fields missing from some exchanges."""
    counts: dict[str, int] = {}
    for ex in exchanges:
        if isinstance(ex.json, dict):
            for name in ex.json:
                counts[str(name)] = counts.get(str(name), 0) + 1
    bodies = sum(1 for ex in exchanges if isinstance(ex.json, dict))
    names = [
        n
        for n, c in counts.items()
        if c < len(exchanges) and not VOLATILE_NAME.search(n) and n.lower() not in volatile
    ]
    if not bodies:
        return []
    return [Feature("has", n) for n in sorted(names, key=lambda n: (-counts[n], n))]


def with_structure(candidates: list[Feature], structural: list[Feature]) -> list[Feature]:
    """The candidates in preference order: structural features before literal body ones."""
    at = next((i for i, f in enumerate(candidates) if f.kind in ("json", "header")), None)
    at = len(candidates) if at is None else at
    return [*candidates[:at], *structural, *candidates[at:]]
