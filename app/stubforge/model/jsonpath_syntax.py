"""The JSONPath subset stubforge understands, parsed at load time.

Supported: ``$`` root, ``.name``, ``['name']`` / ``["name"]``, ``[N]`` (negative counts from the
end), ``[*]`` and ``.*`` (every element or value), ``..name`` (recursive descent). Filters
and slices are not supported and are reported as load errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a parsed path: ``kind`` is ``key``, ``index``, ``wildcard`` or ``descend``."""

    kind: str
    key: str = ""
    index: int = 0


_TOKEN = re.compile(
    r"""
    \.\.(?P<desc>[A-Za-z_$][\w$-]*|\*)      # ..name / ..*
  | \.(?P<name>[A-Za-z_$][\w$-]*)          # .name
  | \.\*(?P<dotstar>)                       # .*
  | \[\s*(?P<idx>-?\d+)\s*\]                # [3]
  | \[\s*\*\s*\](?P<star>)                  # [*]
  | \[\s*'(?P<sq>(?:[^'\\]|\\.)*)'\s*\]    # ['name']
  | \[\s*"(?P<dq>(?:[^"\\]|\\.)*)"\s*\]    # ["name"]
    """,
    re.VERBOSE,
)


def parse_jsonpath(expr: str) -> tuple[Step, ...]:
    """Parse ``expr`` or raise ``ValueError`` naming the position that is not understood."""
    if not expr.startswith("$"):
        raise ValueError(f"JSONPath {expr!r} must start with '$'")
    steps: list[Step] = []
    pos = 1
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if m is None:
            raise ValueError(
                f"JSONPath {expr!r}: cannot parse at position {pos} ({expr[pos:]!r}); supported: "
                "$.name, ['name'], [0], [*], .*, ..name"
            )
        if m.group("desc") is not None:
            desc = m.group("desc")
            steps.append(Step("descend"))
            steps.append(Step("wildcard") if desc == "*" else Step("key", key=desc))
        elif m.group("name") is not None:
            steps.append(Step("key", key=m.group("name")))
        elif m.group("idx") is not None:
            steps.append(Step("index", index=int(m.group("idx"))))
        elif m.group("sq") is not None:
            steps.append(Step("key", key=m.group("sq").replace("\\'", "'")))
        elif m.group("dq") is not None:
            steps.append(Step("key", key=m.group("dq").replace('\\"', '"')))
        else:
            steps.append(Step("wildcard"))
        pos = m.end()
    return tuple(steps)


def _check(expr: str) -> str:
    parse_jsonpath(expr)
    return expr


JsonPathExpr = Annotated[str, AfterValidator(_check)]
