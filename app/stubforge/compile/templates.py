"""Path-template inference: which segments are ids, and what the parameters are called.

Per service, the observed paths form a trie. At each node the children are sorted into
literals and parameters:

1. a segment pinned by the hints file, or reserved (``api``, ``v1``, ``me``, ``search``...),
   stays literal;
2. a segment a detector recognises (integer, UUID, ULID, long hex, prefixed id like
   ``cus_9aB3``, date, long token), optionally with a file extension, becomes a parameter;
3. when the remaining *leaf* words under one parent (words with nothing below them) reach
   the cardinality threshold (default 10 distinct), they become a parameter too (names,
   slugs); below it, four or more are reported as ambiguous. Words with deeper paths
   below them are collection names and stay literal (force a template with a hint).

Merged children's subtrees are merged and inferred recursively, so ``/users/1/posts/9``
and ``/users/2/posts/7`` both give ``/users/{user_id}/posts/{post_id}``. A parameter is
named after its parent segment (``users`` → ``user_id``); its type is ``int`` or
``uuid`` when every value is one, else ``str``. Paths that match a hint template use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stubforge.compile.detectors import (
    PARAM_TYPES,
    detect,
    is_reserved,
    param_name,
    split_extension,
)
from stubforge.compile.hints import Hints
from stubforge.compile.literal import path_literal
from stubforge.model.path_syntax import Segment, parse_path_template

AMBIGUOUS_MIN = 4


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    terminal: bool = False

    def add(self, segments: tuple[str, ...]) -> None:
        node = self
        for seg in segments:
            node = node.children.setdefault(seg, _Node())
        node.terminal = True

    def merge(self, other: _Node) -> None:
        self.terminal = self.terminal or other.terminal
        for seg, child in other.children.items():
            mine = self.children.get(seg)
            if mine is None:
                self.children[seg] = _copy(child)
            else:
                mine.merge(child)


def _copy(node: _Node) -> _Node:
    out = _Node(terminal=node.terminal)
    out.merge(node)
    return out


@dataclass
class _Step:
    label: str
    param: str | None
    ext: str
    node: _Tree


@dataclass
class _Tree:
    steps: dict[str, _Step] = field(default_factory=dict)


@dataclass(frozen=True)
class Resolved:
    """A concrete path's template and its parameter values."""

    template: str
    params: tuple[tuple[str, str], ...]


@dataclass
class TemplateSet:
    """The inferred templates of one service, and what was ambiguous."""

    tree: _Tree
    forced: list[tuple[str, tuple[Segment, ...]]]
    ambiguities: list[str]
    cache: dict[str, Resolved] = field(default_factory=dict)

    def resolve(self, path: str) -> Resolved:
        """The template of an observed path (every observed path resolves)."""
        hit = self.cache.get(path)
        if hit is not None:
            return hit
        segments = tuple(path[1:].split("/"))
        for text, parsed in self.forced:
            params = _match_forced(parsed, segments)
            if params is not None:
                hit = Resolved(text, params)
                break
        else:
            hit = self._walk(segments)
        self.cache[path] = hit
        return hit

    def _walk(self, segments: tuple[str, ...]) -> Resolved:
        node, labels, params = self.tree, [], []
        for seg in segments:
            step = node.steps.get(seg)
            if step is None:  # not observed: keep literal (cannot happen for recorded paths)
                labels.append(path_literal(seg))
                continue
            labels.append(step.label)
            if step.param is not None:
                params.append((step.param, seg[: len(seg) - len(step.ext)] if step.ext else seg))
            node = step.node
        return Resolved("/" + "/".join(labels), tuple(params))


def _match_forced(
    parsed: tuple[Segment, ...], segments: tuple[str, ...]
) -> tuple[tuple[str, str], ...] | None:
    params: list[tuple[str, str]] = []
    for i, seg in enumerate(parsed):
        if seg.type == "path" and seg.name is not None:
            params.append((seg.name, "/".join(segments[i:])))
            return tuple(params)
        if i >= len(segments):
            return None
        text = segments[i]
        if seg.name is None:
            if text != seg.literal:
                return None
            continue
        if not (text.startswith(seg.prefix) and text.endswith(seg.suffix)):
            return None
        value = text[len(seg.prefix) : len(text) - len(seg.suffix) if seg.suffix else None]
        if not value or (seg.type == "int" and not value.isdigit()):
            return None
        params.append((seg.name, value))
    return tuple(params) if len(segments) == len(parsed) else None


def infer_templates(
    paths: list[str], hints: Hints, service: str = "", issued: frozenset[str] = frozenset()
) -> TemplateSet:
    """Infer the templates of one service's observed ``paths``; ``issued`` segments are
    ids an earlier response gave out (:mod:`stubforge.compile.correlations`)."""
    forced = [(t, parse_path_template(t)) for t in hints.templates]
    root = _Node()
    for path in sorted(set(paths)):
        segments = tuple(path[1:].split("/"))
        if any(_match_forced(parsed, segments) is not None for _, parsed in forced):
            continue
        root.add(segments)
    ambiguities: list[str] = []
    pinned = {s.lower() for s in hints.literals}
    tree = _generalise(root, None, "", frozenset(), pinned, hints.cardinality, ambiguities, issued)
    prefix = f"{service}: " if service else ""
    return TemplateSet(tree, forced, [prefix + a for a in ambiguities])


def _generalise(
    node: _Node,
    parent: str | None,
    where: str,
    used: frozenset[str],
    pinned: set[str],
    cardinality: int,
    ambiguities: list[str],
    issued: frozenset[str] = frozenset(),
) -> _Tree:
    literals: list[str] = []
    by_ext: dict[str, list[tuple[str, str]]] = {}
    for seg in sorted(node.children):
        base, ext = split_extension(seg)
        kind = None if seg.lower() in pinned or is_reserved(seg) else detect(base)
        if kind is None and seg in issued and seg.lower() not in pinned:
            kind = "issued"  # an earlier response gave this value out as an id
        if kind is not None:
            by_ext.setdefault(ext, []).append((seg, kind))
        else:
            literals.append(seg)
    words = [
        s
        for s in literals
        if s and not node.children[s].children and s.lower() not in pinned and not is_reserved(s)
    ]
    if len(words) >= cardinality:
        ambiguities.append(
            f"{where or '/'}: {len(words)} distinct words ({', '.join(words[:3])}, ...) "
            "became a parameter (pin some with 'literals' in the hints file)"
        )
        for seg in words:
            base, ext = split_extension(seg)
            by_ext.setdefault(ext if base else "", []).append((seg, "word"))
        literals = [s for s in literals if s not in set(words)]
    elif len(words) >= AMBIGUOUS_MIN:
        ambiguities.append(
            f"{where or '/'}: {len(words)} distinct words ({', '.join(words[:4])}) kept "
            f"literal; they may be ids (parameter from {cardinality}, or add a hint template)"
        )
    tree = _Tree()
    for seg in literals:
        child = node.children[seg]
        sub = _generalise(
            child, seg, f"{where}/{seg}", used, pinned, cardinality, ambiguities, issued
        )
        tree.steps[seg] = _Step(path_literal(seg), None, "", sub)
    for ext in sorted(by_ext):
        members = by_ext[ext]
        kinds = {k for _, k in members}
        ptype = PARAM_TYPES.get(kinds.pop(), "str") if len(kinds) == 1 else "str"
        name = _unique(param_name(parent), used)
        label = "{" + name + ("" if ptype == "str" else f":{ptype}") + "}" + path_literal(ext)
        merged = _Node()
        for seg, _ in members:
            merged.merge(node.children[seg])
        sub = _generalise(
            merged,
            label,
            f"{where}/{label}",
            used | {name},
            pinned,
            cardinality,
            ambiguities,
            issued,
        )
        step = _Step(label, name, ext, sub)
        for seg, _ in members:
            tree.steps[seg] = step
    return tree


def _unique(name: str, used: frozenset[str]) -> str:
    if name not in used:
        return name
    n = 2
    while f"{name}{n}" in used:
        n += 1
    return f"{name}{n}"
