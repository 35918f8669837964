"""Compiled request conditions. Each :class:`Check` tests one field of a request and can
say what it expected and what it saw (for near-miss reports)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from stubforge.match.jsonpath import select
from stubforge.match.jsonvalue import canonical, json_contains, json_equal
from stubforge.match.request import NOT_JSON, Request
from stubforge.match.text import TextMatcher
from stubforge.model.jsonpath_syntax import parse_jsonpath
from stubforge.model.matchers import BodyMatcher, JsonCondition, StringMatcherSpec
from stubforge.model.patterns import compile_regex
from stubforge.model.response import WhenSpec

Params = dict[str, Any]


class Check(ABC):
    """One condition on a request. ``field`` names it as a user would: ``query.expand``."""

    __slots__ = ("field",)

    def __init__(self, field: str) -> None:
        self.field = field

    @abstractmethod
    def __call__(self, req: Request, params: Params) -> bool:
        """Whether the request meets the condition."""

    @abstractmethod
    def expected(self) -> str:
        """What the condition wants, in words."""

    @abstractmethod
    def actual(self, req: Request, params: Params) -> Any:
        """What the request has in that field."""


class QueryCheck(Check):
    __slots__ = ("matcher", "name")

    def __init__(self, name: str, spec: StringMatcherSpec) -> None:
        super().__init__(f"query.{name}")
        self.name, self.matcher = name, TextMatcher(spec)

    def __call__(self, req: Request, params: Params) -> bool:
        return self.matcher(req.query.get(self.name))

    def expected(self) -> str:
        return self.matcher.describe()

    def actual(self, req: Request, params: Params) -> Any:
        values = req.query.get(self.name)
        return values[0] if values and len(values) == 1 else values


class HeaderCheck(Check):
    __slots__ = ("matcher", "name")

    def __init__(self, name: str, spec: StringMatcherSpec) -> None:
        super().__init__(f"headers.{name.lower()}")
        self.name, self.matcher = name.lower(), TextMatcher(spec)

    def __call__(self, req: Request, params: Params) -> bool:
        return self.matcher(req.headers.get(self.name))

    def expected(self) -> str:
        return self.matcher.describe()

    def actual(self, req: Request, params: Params) -> Any:
        return req.header(self.name)


class CookieCheck(Check):
    __slots__ = ("matcher", "name")

    def __init__(self, name: str, spec: StringMatcherSpec) -> None:
        super().__init__(f"cookies.{name}")
        self.name, self.matcher = name, TextMatcher(spec)

    def __call__(self, req: Request, params: Params) -> bool:
        value = req.cookies.get(self.name)
        return self.matcher(None if value is None else (value,))

    def expected(self) -> str:
        return self.matcher.describe()

    def actual(self, req: Request, params: Params) -> Any:
        return req.cookies.get(self.name)


class ParamCheck(Check):
    """A condition on a path parameter (used by response variants)."""

    __slots__ = ("matcher", "name")

    def __init__(self, name: str, spec: StringMatcherSpec) -> None:
        super().__init__(f"path.{name}")
        self.name, self.matcher = name, TextMatcher(spec)

    def __call__(self, req: Request, params: Params) -> bool:
        value = params.get(self.name)
        return self.matcher(None if value is None else (str(value),))

    def expected(self) -> str:
        return self.matcher.describe()

    def actual(self, req: Request, params: Params) -> Any:
        return params.get(self.name)


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class BodyCheck(Check):
    """Every condition of a ``body:`` matcher. ``json_key`` is the canonical form of an
    exact ``json`` condition, which the router uses as an index key."""

    __slots__ = ("_tests", "_text", "json_key", "json_only")

    def __init__(self, spec: BodyMatcher) -> None:
        super().__init__("body")
        tests: list[tuple[Any, str]] = []
        self.json_key: str | None = None
        fields = spec.model_fields_set
        if spec.equals is not None:
            want = spec.equals
            tests.append((lambda r: r.text == want, f"equals {_short(want)!r}"))
        if "json_" in fields:
            doc = spec.json_
            self.json_key = canonical(doc)
            tests.append((lambda r: json_equal(r.json, doc), f"JSON equal to {self.json_key}"))
        if "json_partial" in fields:
            part = spec.json_partial
            tests.append(
                (
                    lambda r: r.json is not NOT_JSON and json_contains(r.json, part),
                    f"JSON containing {canonical(part)}",
                )
            )
        for expr, cond in (spec.jsonpath or {}).items():
            tests.append((_jsonpath_test(expr, cond), f"{expr} {_describe_cond(cond)}"))
        if spec.regex is not None:
            rx = compile_regex(spec.regex)
            tests.append((lambda r: rx.search(r.text) is not None, f"matches /{spec.regex}/"))
        if spec.contains is not None:
            sub = spec.contains
            tests.append((lambda r: sub in r.text, f"contains {sub!r}"))
        if spec.one_of is not None:
            options = frozenset(spec.one_of)
            tests.append((lambda r: r.text in options, f"one of {spec.one_of!r}"))
        if spec.absent is True or spec.present is False:
            tests.append((lambda r: not r.body, "empty"))
        elif spec.present is True:
            tests.append((lambda r: bool(r.body), "non-empty"))
        self._tests = tuple(t for t, _ in tests)
        self._text = " and ".join(d for _, d in tests)
        self.json_only = self.json_key is not None and len(tests) == 1
        """True when the body condition is exactly ``json``: an index hit on the canonical
        text already proves it."""

    def __call__(self, req: Request, params: Params) -> bool:
        return all(t(req) for t in self._tests)

    def expected(self) -> str:
        return self._text

    def actual(self, req: Request, params: Params) -> Any:
        return _short(req.text)


def _describe_cond(cond: JsonCondition) -> str:
    parts = []
    if "equals" in cond.model_fields_set:
        parts.append(f"== {canonical(cond.equals)}")
    for op, sym in (("gt", ">"), ("gte", ">="), ("lt", "<"), ("lte", "<=")):
        if getattr(cond, op) is not None:
            parts.append(f"{sym} {getattr(cond, op)}")
    if cond.regex is not None:
        parts.append(f"matches /{cond.regex}/")
    if cond.one_of is not None:
        parts.append(f"one of {canonical(cond.one_of)}")
    if cond.present is not None:
        parts.append("present" if cond.present else "absent")
    return " and ".join(parts)


def _jsonpath_test(expr: str, cond: JsonCondition) -> Any:
    steps = parse_jsonpath(expr)
    value_tests: list[Any] = []
    if "equals" in cond.model_fields_set:
        want = cond.equals
        value_tests.append(lambda v: json_equal(v, want))
    for op, bound in (("gt", cond.gt), ("gte", cond.gte), ("lt", cond.lt), ("lte", cond.lte)):
        if bound is not None:
            value_tests.append(_compare(op, bound))
    if cond.regex is not None:
        rx = compile_regex(cond.regex)
        value_tests.append(lambda v: isinstance(v, str) and rx.search(v) is not None)
    if cond.one_of is not None:
        options = cond.one_of
        value_tests.append(lambda v: any(json_equal(v, o) for o in options))
    present = cond.present

    def test(req: Request) -> bool:
        doc = req.json
        if doc is NOT_JSON:
            return False
        found = select(doc, steps)
        if present is not None and bool(found) != present:
            return False
        if not value_tests:
            return True
        return any(all(t(v) for t in value_tests) for v in found)

    return test


def _compare(op: str, bound: float) -> Any:
    def number(v: Any) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    if op == "gt":
        return lambda v: number(v) and v > bound
    if op == "gte":
        return lambda v: number(v) and v >= bound
    if op == "lt":
        return lambda v: number(v) and v < bound
    return lambda v: number(v) and v <= bound


def compile_conditions(
    query: dict[str, StringMatcherSpec],
    headers: dict[str, StringMatcherSpec],
    cookies: dict[str, StringMatcherSpec],
    body: BodyMatcher | None,
    path: dict[str, StringMatcherSpec] | None = None,
) -> tuple[Check, ...]:
    """Compile the conditions of a request spec or a ``when`` block, cheapest first."""
    checks: list[Check] = []
    checks += [ParamCheck(n, s) for n, s in (path or {}).items()]
    checks += [QueryCheck(n, s) for n, s in query.items()]
    checks += [HeaderCheck(n, s) for n, s in headers.items()]
    checks += [CookieCheck(n, s) for n, s in cookies.items()]
    if body is not None:
        checks.append(BodyCheck(body))
    return tuple(checks)


def compile_when(when: WhenSpec | None) -> tuple[Check, ...]:
    if when is None:
        return ()
    return compile_conditions(when.query, when.headers, when.cookies, when.body, when.path)
