"""The indexed router: literal paths in a dict, templates in a segment trie, and a JSON-body
index where many routes share a path, so that matching cost does not grow with the number
of stubs.

Precedence (documented in docs/stub-format.md), best first:

1. higher ``priority``;
2. a literal path before a template;
3. the more specific template: more literal segments, then more typed parameters
   (``int``, ``uuid``), then no catch-all;
4. more conditions (query, headers, cookies, body);
5. definition order (file path order, then position in the file).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from stubforge.match.jsonvalue import canonical, quick_canonical
from stubforge.match.path import PathTemplate, segment_value
from stubforge.match.predicates import BodyCheck, Check
from stubforge.match.request import NOT_JSON, Request
from stubforge.model.path_syntax import Segment

ANY = "ANY"
_JSON_INDEX_MIN = 4  # below this many JSON-body routes on one path a scan is as fast


class MatchRoute:
    """The matching side of a route. ``handler`` is whatever the server attaches."""

    __slots__ = (
        "after_index",
        "checks",
        "file",
        "handler",
        "id",
        "json_key",
        "line",
        "methods",
        "order",
        "param_names",
        "priority",
        "sort_key",
        "template",
    )

    def __init__(
        self,
        id: str,
        methods: Sequence[str],
        path: str,
        checks: tuple[Check, ...] = (),
        priority: int = 0,
        order: int = 0,
        handler: Any = None,
        file: str = "",
        line: int = 0,
    ) -> None:
        self.id = id
        self.methods = tuple(methods)
        self.template = PathTemplate(path)
        self.checks = checks
        self.priority = priority
        self.order = order
        self.handler = handler
        self.file = file
        self.line = line
        self.param_names = tuple(s.name or "" for s in self.template.segments if s.is_param)
        body = [c for c in checks if isinstance(c, BodyCheck)]
        self.json_key = body[0].json_key if body else None
        # Conditions left to test after a JSON-index hit (the exact-JSON one is proven).
        self.after_index = tuple(
            c for c in checks if not (isinstance(c, BodyCheck) and c.json_only)
        )
        t = self.template
        self.sort_key = (
            -priority,
            0 if t.is_literal else 1,
            -t.literal_segments,
            -t.typed_params,
            1 if t.catch_all else 0,
            -len(checks),
            order,
        )

    def accepts(self, req: Request, params: dict[str, Any], indexed: bool = False) -> bool:
        """Whether every condition holds; ``indexed``: found through the JSON-body index."""
        for check in self.after_index if indexed else self.checks:
            if not check(req, params):
                return False
        return True


class Bucket:
    """Routes sharing a path and method, in precedence order, with an optional index of
    exact JSON bodies (canonical text → routes)."""

    __slots__ = ("index", "routes", "unindexed")

    def __init__(self, routes: Iterable[MatchRoute]) -> None:
        self.routes = sorted(routes, key=lambda r: r.sort_key)
        keyed = [r for r in self.routes if r.json_key is not None]
        self.index: dict[str, list[MatchRoute]] | None = None
        self.unindexed = self.routes
        if len(keyed) >= _JSON_INDEX_MIN:
            self.index = {}
            for r in keyed:
                self.index.setdefault(r.json_key or "", []).append(r)
            self.unindexed = [r for r in self.routes if r.json_key is None]

    def candidates(self, req: Request) -> list[MatchRoute]:
        if self.index is None:
            return self.routes
        doc = req.json
        hit: list[MatchRoute] = []
        if doc is not NOT_JSON:
            found = self.index.get(quick_canonical(doc))
            if found is None:  # maybe a float such as 1.0 standing for 1
                found = self.index.get(canonical(doc))
            hit = found or hit
        if not self.unindexed:
            return hit
        if not hit:
            return self.unindexed
        return sorted([*hit, *self.unindexed], key=lambda r: r.sort_key)


class PathEntry:
    """All routes of one path (or one template shape): a bucket per method."""

    __slots__ = ("any", "by_method", "routes")

    def __init__(self) -> None:
        self.routes: list[MatchRoute] = []
        self.by_method: dict[str, Bucket] = {}
        self.any: Bucket | None = None

    def add(self, route: MatchRoute) -> None:
        self.routes.append(route)

    def freeze(self) -> None:
        wildcard = [r for r in self.routes if ANY in r.methods]
        methods = {m for r in self.routes for m in r.methods if m != ANY}
        self.by_method = {
            m: Bucket([r for r in self.routes if m in r.methods or ANY in r.methods])
            for m in methods
        }
        self.any = Bucket(wildcard) if wildcard else None

    def bucket(self, method: str) -> Bucket | None:
        return self.by_method.get(method) or self.any

    def methods(self) -> set[str]:
        return {m for r in self.routes for m in r.methods}


@dataclass
class _Node:
    literal: dict[str, _Node] = field(default_factory=dict)
    params: dict[tuple[str, str, str], tuple[Segment, _Node]] = field(default_factory=dict)
    catch_all: dict[str, tuple[Segment, PathEntry]] = field(default_factory=dict)
    entry: PathEntry | None = None


@dataclass(frozen=True, slots=True)
class Match:
    route: MatchRoute
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Miss:
    """No route answered. ``allowed`` lists the methods of routes whose path matched
    (non-empty with no route of the request's method: a 405)."""

    allowed: tuple[str, ...]
    path_matched: bool


class Router:
    """Finds the route for a request; build once per stub set (immutable afterwards)."""

    def __init__(self, routes: Sequence[MatchRoute]) -> None:
        self.routes = sorted(routes, key=lambda r: r.order)
        self._literal: dict[str, PathEntry] = {}
        self._root = _Node()
        entries: list[PathEntry] = []
        self._template_cut = None
        for route in self.routes:
            if route.template.is_literal:
                entry = self._literal.get(route.template.literal_path)
                if entry is None:
                    entry = self._literal[route.template.literal_path] = PathEntry()
                    entries.append(entry)
                entry.add(route)
            else:
                entry, new = self._insert(route.template.segments)
                if new:
                    entries.append(entry)
                entry.add(route)
                prio = route.priority
                self._template_cut = (
                    prio if self._template_cut is None else max(self._template_cut, prio)
                )
        for entry in entries:
            entry.freeze()
        self.direct: dict[str, dict[str, MatchRoute]] = {}
        """method -> path -> the route, where one unconditional literal route answers it
        and no template can outrank it: a dict lookup and nothing else to touch (keyed by
        method first, so no key tuple is built or compared per request)."""
        for path, entry in self._literal.items():
            for method, bucket in entry.by_method.items():
                first = bucket.routes[0]
                if (
                    bucket.index is None
                    and not first.checks
                    and (self._template_cut is None or first.priority >= self._template_cut)
                ):
                    self.direct.setdefault(method, {})[path] = first

    def __len__(self) -> int:
        return len(self.routes)

    def _insert(self, segments: tuple[Segment, ...]) -> tuple[PathEntry, bool]:
        node = self._root
        for seg in segments:
            if not seg.is_param:
                node = node.literal.setdefault(seg.literal, _Node())
            elif seg.type == "path":
                found = node.catch_all.get(seg.prefix)
                if found is None:
                    found = node.catch_all[seg.prefix] = (seg, PathEntry())
                    return found[1], True
                return found[1], False
            else:
                key = (seg.type, seg.prefix, seg.suffix)
                pair = node.params.get(key)
                if pair is None:
                    pair = node.params[key] = (seg, _Node())
                node = pair[1]
        if node.entry is None:
            node.entry = PathEntry()
            return node.entry, True
        return node.entry, False

    def match(self, req: Request) -> Match | Miss:
        """The best route accepting ``req``, or a :class:`Miss`."""
        method = req.method
        by_path = self.direct.get(method)
        if by_path is not None:
            direct = by_path.get(req.path)
            if direct is not None:
                return Match(direct, {})
        entry = self._literal.get(req.path)
        cut = self._template_cut
        tried: list[MatchRoute] = []
        if entry is not None:
            bucket = entry.bucket(method)
            if bucket is not None:
                indexed = bucket.index is not None
                for route in bucket.candidates(req):
                    if cut is not None and route.priority < cut:
                        break  # a template of higher priority may win: decide below
                    if route.accepts(req, {}, indexed and route.json_key is not None):
                        return Match(route, {})
                    tried.append(route)
                if cut is None:
                    return self._miss(req, entry, [])
        if cut is None:
            return self._miss(req, entry, [])
        found = self._walk(req.path)
        candidates: list[tuple[MatchRoute, dict[str, Any]]] = []
        if entry is not None:
            bucket = entry.bucket(method)
            if bucket is not None:
                candidates += [(r, {}) for r in bucket.candidates(req) if r not in tried]
        for tpl_entry, values in found:
            bucket = tpl_entry.bucket(method)
            if bucket is None:
                continue
            for route in bucket.candidates(req):
                candidates.append((route, dict(zip(route.param_names, values, strict=False))))
        if len(candidates) > 1:
            candidates.sort(key=lambda pair: pair[0].sort_key)
        for route, params in candidates:
            if route.accepts(req, params):
                return Match(route, params)
        return self._miss(req, entry, [e for e, _ in found])

    def _miss(self, req: Request, entry: PathEntry | None, more: list[PathEntry]) -> Miss:
        allowed: set[str] = set()
        for e in [entry, *more] if entry is not None else more:
            allowed |= e.methods()
        has_method = req.method in allowed or ANY in allowed
        return Miss(
            allowed=tuple(sorted(allowed)) if not has_method else (),
            path_matched=bool(allowed),
        )

    def _walk(self, path: str) -> list[tuple[PathEntry, list[Any]]]:
        parts = path[1:].split("/") if path.startswith("/") else path.split("/")
        out: list[tuple[PathEntry, list[Any]]] = []
        self._descend(self._root, parts, 0, [], out)
        return out

    def _descend(
        self,
        node: _Node,
        parts: list[str],
        i: int,
        values: list[Any],
        out: list[tuple[PathEntry, list[Any]]],
    ) -> None:
        if i < len(parts):
            for prefix, (_seg, entry) in node.catch_all.items():
                rest = "/".join(parts[i:])
                if rest.startswith(prefix):
                    out.append((entry, [*values, rest[len(prefix) :]]))
        if i == len(parts):
            if node.entry is not None:
                out.append((node.entry, values))
            return
        part = parts[i]
        child = node.literal.get(part)
        if child is not None:
            self._descend(child, parts, i + 1, values, out)
        for seg, sub in node.params.values():
            value = segment_value(seg, part)
            if value is not None:
                self._descend(sub, parts, i + 1, [*values, value], out)
