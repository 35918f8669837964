"""A compiled string matcher (``equals``, ``regex``, ``contains``, ``one_of``, ``present``,
``absent``) applied to the values of one request field."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from stubforge.model.matchers import StringMatcherSpec
from stubforge.model.patterns import compile_regex

ValueTest = Callable[[str], bool]


class TextMatcher:
    """Tests a list of values (a repeated query parameter or header): true when the field
    is absent and ``absent`` is wanted, or when some value passes every operator."""

    __slots__ = ("_description", "_tests", "equals", "wants_absent")

    def __init__(self, spec: StringMatcherSpec) -> None:
        self.wants_absent = spec.absent is True or spec.present is False
        fold = spec.case_insensitive
        tests: list[ValueTest] = []
        parts: list[str] = []
        self.equals: str | None = spec.equals if not fold else None
        if spec.equals is not None:
            want = spec.equals.casefold() if fold else spec.equals
            tests.append((lambda v: v.casefold() == want) if fold else (lambda v: v == want))
            parts.append(f"equals {spec.equals!r}")
        if spec.regex is not None:
            rx = compile_regex(spec.regex, ignore_case=fold)
            tests.append(lambda v: rx.search(v) is not None)
            parts.append(f"matches /{spec.regex}/")
        if spec.contains is not None:
            sub = spec.contains.casefold() if fold else spec.contains
            tests.append((lambda v: sub in v.casefold()) if fold else (lambda v: sub in v))
            parts.append(f"contains {spec.contains!r}")
        if spec.one_of is not None:
            options = frozenset(o.casefold() if fold else o for o in spec.one_of)
            tests.append((lambda v: v.casefold() in options) if fold else (lambda v: v in options))
            parts.append(f"one of {spec.one_of!r}")
        if self.wants_absent:
            parts.append("absent")
        elif not parts:
            parts.append("present")
        self._tests = tuple(tests)
        self._description = " and ".join(parts) + (" (ignoring case)" if fold else "")

    def __call__(self, values: Sequence[str] | None) -> bool:
        if not values:
            return self.wants_absent
        if self.wants_absent:
            return False
        tests = self._tests
        return any(all(t(v) for t in tests) for v in values)

    def describe(self) -> str:
        return self._description
