"""Find the spec operation for a stub route (a path template) or a request (a concrete path).

Spec paths are indexed once by method and segment count. A literal segment of the spec
beats a parameter, as in the OpenAPI rules for path matching.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from stubforge.openapi.operations import Operation, base_path, operations
from stubforge.openapi.routes import plain_path
from stubforge.openapi.spec import Spec

_PARAM = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True, slots=True)
class Entry:
    segments: tuple[str | None, ...]
    """Literal segments, ``None`` for a segment holding a parameter."""
    patterns: tuple[re.Pattern[str] | None, ...]
    names: tuple[tuple[str, ...], ...]
    operation: Operation


class OperationIndex:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.prefix, _ = base_path(spec)
        self._by: dict[tuple[str, int], list[Entry]] = defaultdict(list)
        self.operations: list[Operation] = []
        for op in operations(spec):
            self.operations.append(op)
            full = self.prefix + plain_path(op.path)
            segs = full.strip("/").split("/") if full.strip("/") else [""]
            literal: list[str | None] = []
            patterns: list[re.Pattern[str] | None] = []
            names: list[tuple[str, ...]] = []
            for seg in segs:
                found = _PARAM.findall(seg)
                if not found:
                    literal.append(seg)
                    patterns.append(None)
                    names.append(())
                    continue
                literal.append(None)
                parts = _PARAM.split(seg)
                rx = "(.+?)".join(re.escape(p) for p in parts)
                patterns.append(re.compile(rx + r"\Z", re.S))
                names.append(tuple(f[1:-1] for f in found))
            entry = Entry(tuple(literal), tuple(patterns), tuple(names), op)
            self._by[(op.method, len(segs))].append(entry)
        for entries in self._by.values():  # most literal segments first
            entries.sort(key=lambda e: -sum(s is not None for s in e.segments))

    def for_request(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation a concrete request path belongs to, and its path parameters."""
        segs = path.strip("/").split("/") if path.strip("/") else [""]
        for entry in self._by.get((method.upper(), len(segs)), ()):
            params: dict[str, str] = {}
            for seg, lit, rx, names in zip(
                segs, entry.segments, entry.patterns, entry.names, strict=True
            ):
                if lit is not None:
                    if seg != lit:
                        break
                    continue
                assert rx is not None
                m = rx.match(seg)
                if m is None or not seg:
                    break
                params.update(zip(names, m.groups(), strict=False))
            else:
                return entry.operation, params
        return None

    def for_template(self, method: str, template: str) -> Operation | None:
        """The operation a stub's path template (``/v1/pets/{id:int}``) stands for."""
        segs = template.strip("/").split("/") if template.strip("/") else [""]
        for entry in self._by.get((method.upper(), len(segs)), ()):
            for seg, lit in zip(segs, entry.segments, strict=True):
                is_param = bool(_PARAM.search(seg))
                if lit is not None and (is_param or seg != lit):
                    break
                if lit is None and not is_param and not seg:
                    break
            else:
                return entry.operation
        return None
