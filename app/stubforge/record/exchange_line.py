"""The one line ``stubforge record`` prints per recorded exchange.

``GET /v1/customers/cus_1 200 45ms redacted: authorization=1 email=2`` — method, path (no
query), status (or the fault), upstream time, and how many values each redaction rule
replaced: counts and rule names only, never a value, so the line is safe in CI logs.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from stubforge.model.recording import PLACEHOLDER_RE

_COUNTED = re.compile(PLACEHOLDER_RE.pattern.replace("[a-z0-9-]+", "([a-z0-9-]+)", 1))


def redaction_counts(entry: dict[str, Any]) -> Counter[str]:
    """How many placeholders of each rule a redacted entry holds."""
    text = json.dumps(entry, ensure_ascii=False)
    return Counter(m.group(1) for m in _COUNTED.finditer(text))


def exchange_line(entry: dict[str, Any]) -> str:
    request = entry.get("request") or {}
    response = entry.get("response") or {}
    path = urlsplit(str(request.get("url", ""))).path or "/"
    status = response.get("status") or 0
    outcome = str(status) if status else f"no response ({entry.get('_fault') or 'error'})"
    took = entry.get("time")
    ms = f" {float(took):.0f}ms" if isinstance(took, int | float) and took >= 0 else ""
    counts = redaction_counts(entry)
    redacted = " ".join(f"{rule}={n}" for rule, n in sorted(counts.items())) or "nothing"
    return f"{request.get('method', '?')} {path} {outcome}{ms} redacted: {redacted}"
