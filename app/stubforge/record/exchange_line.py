"""The one line ``stubforge record`` prints per recorded exchange.

``GET /v1/customers/cus_1 200 45ms redacted: authorization=1 email=2`` — method, path (no
query), status (or the fault), upstream time, and how many values each redaction rule
masked (the redactor's own count): rule names and counts only, never a value, so the line
is safe in CI logs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit


def rule_counts(
    before: Mapping[tuple[str, str], int], after: Mapping[tuple[str, str], int]
) -> Counter[str]:
    """Values masked per rule between two snapshots of ``Redactor.report``."""
    counts: Counter[str] = Counter()
    for (rule, where), n in after.items():
        if n > before.get((rule, where), 0):
            counts[rule] += n - before.get((rule, where), 0)
    return counts


def exchange_line(entry: dict[str, Any], redacted: Mapping[str, int]) -> str:
    request = entry.get("request") or {}
    response = entry.get("response") or {}
    path = urlsplit(str(request.get("url", ""))).path or "/"
    status = response.get("status") or 0
    outcome = str(status) if status else f"no response ({entry.get('_fault') or 'error'})"
    took = entry.get("time")
    ms = f" {float(took):.0f}ms" if isinstance(took, int | float) and took >= 0 else ""
    masked = " ".join(f"{rule}={n}" for rule, n in sorted(redacted.items()) if n) or "nothing"
    return f"{request.get('method', '?')} {path} {outcome}{ms} redacted: {masked}"
