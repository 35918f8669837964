"""The shape of JSON bodies, and the differences between an expected and an observed shape.

A :class:`Shape` merges one or more JSON values: the types seen at each place, the fields
of objects, the items of arrays, and the values of *enum-like* fields (``status``,
``type``, ``code``... holding short words). Values are not compared otherwise: that ids,
names or amounts differ between two answers is data, not drift. A stub value that is a
template (``{{ uuid }}``, ``{{ now }}``, ``{{ path.id }}``) is volatile: any value, of any
type, is fine there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from stubforge.compile.detectors import detect
from stubforge.model.template_syntax import contains_template

_ENUM_KEY = re.compile(
    r"(?i)^(status|state|type|object|kind|code|error|error_code|reason|currency|mode|"
    r"category|level|outcome|result|role|plan|tier|interval|phase|severity|decision)$"
    r"|[_-](status|state|type|kind|code|reason)$|[a-z](Status|State|Type|Kind|Code)$"
)
_ENUM_VALUE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,40}$")
_CODE_KEY = re.compile(r"(?i)(code|type|error|reason)$")


def is_enum_like(key: str | None, value: Any) -> bool:
    """A short word under a key that names a closed set of values."""
    return (
        key is not None
        and isinstance(value, str)
        and _ENUM_KEY.search(key) is not None
        and _ENUM_VALUE.match(value) is not None
        and detect(value) is None
    )


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


@dataclass
class Shape:
    """What was seen at one place of one or more JSON values."""

    samples: int = 0
    types: set[str] = field(default_factory=set)
    fields: dict[str, Shape] = field(default_factory=dict)
    field_counts: dict[str, int] = field(default_factory=dict)
    items: Shape | None = None
    values: set[str] = field(default_factory=set)
    volatile: bool = False

    def add(self, value: Any, key: str | None = None) -> Shape:
        """Merge ``value`` (seen under ``key``) into this shape; returns self."""
        self.samples += 1
        if isinstance(value, str) and contains_template(value):
            self.volatile = True
            return self
        self.types.add(type_name(value))
        if isinstance(value, dict):
            for k, v in value.items():
                self.fields.setdefault(k, Shape()).add(v, k)
                self.field_counts[k] = self.field_counts.get(k, 0) + 1
        elif isinstance(value, list):
            for item in value:
                if self.items is None:
                    self.items = Shape()
                self.items.add(item, key)
        elif is_enum_like(key, value):
            self.values.add(value)
        return self

    @property
    def concrete(self) -> set[str]:
        """The types seen, without ``null`` (a field that may be null is not a type change)."""
        return self.types - {"null"}

    def describe(self) -> str:
        if self.volatile:
            return "any (template)"
        return "/".join(sorted(self.types)) or "nothing"


def shape_of(values: list[Any]) -> Shape:
    """The merged shape of several JSON values (the samples of one answer)."""
    shape = Shape()
    for value in values:
        shape.add(value)
    return shape


@dataclass(frozen=True)
class Difference:
    """One structural difference: ``kind`` is ``removed``, ``added``, ``renamed``, ``type``,
    ``value-gone``, ``value-new`` or ``value-renamed``; ``code`` marks an error-code-like key."""

    kind: str
    path: str
    old: str = ""
    new: str = ""
    code: bool = False


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key) else f'{path}["{key}"]'


def compare(expected: Shape, observed: Shape, path: str = "$") -> list[Difference]:
    """The differences of ``observed`` (the provider) from ``expected`` (the stubs)."""
    if expected.volatile or not expected.concrete or not observed.concrete:
        return []
    if not expected.concrete & observed.concrete:
        return [Difference("type", path, expected.describe(), observed.describe())]
    out: list[Difference] = []
    if "object" in expected.concrete and "object" in observed.concrete:
        out.extend(_fields(expected, observed, path))
    if expected.items is not None and observed.items is not None:
        out.extend(compare(expected.items, observed.items, f"{path}[]"))
    out.extend(_values(expected, observed, path))
    return out


def _fields(expected: Shape, observed: Shape, path: str) -> list[Difference]:
    out: list[Difference] = []
    removed = [k for k in expected.fields if k not in observed.fields]
    added = [k for k in observed.fields if k not in expected.fields]
    if len(removed) == 1 and len(added) == 1:
        old, new = expected.fields[removed[0]], observed.fields[added[0]]
        if old.volatile or old.concrete & new.concrete or not old.concrete:
            out.append(Difference("renamed", path, removed[0], added[0]))
            removed, added = [], []
    out.extend(
        Difference("removed", _child(path, k), expected.fields[k].describe()) for k in removed
    )
    out.extend(
        Difference("added", _child(path, k), new=observed.fields[k].describe()) for k in added
    )
    for key, exp in expected.fields.items():
        if key in observed.fields:
            out.extend(compare(exp, observed.fields[key], _child(path, key)))
    return out


def _values(expected: Shape, observed: Shape, path: str) -> list[Difference]:
    if not expected.values or not observed.values:
        return []
    gone = sorted(expected.values - observed.values)
    new = sorted(observed.values - expected.values)
    code = _CODE_KEY.search(path) is not None
    if gone and new:
        return [Difference("value-renamed", path, ", ".join(gone), ", ".join(new), code)]
    if gone:
        return [Difference("value-gone", path, ", ".join(gone), code=code)]
    if new:
        return [Difference("value-new", path, new=", ".join(new), code=code)]
    return []
