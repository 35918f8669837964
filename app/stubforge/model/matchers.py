"""Request matchers: string matchers (query, headers, cookies, path params) and body matchers.

A scalar is shorthand for ``equals``: ``query: {expand: sources}``. An object combines
operators with AND: ``{regex: "^cus_", one_of: [...]}``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, JsonValue, model_validator

from stubforge.model.base import Model
from stubforge.model.jsonpath_syntax import JsonPathExpr
from stubforge.model.patterns import Regex


def _scalar_to_equals(value: Any) -> Any:
    if isinstance(value, str | int | float | bool):
        return {"equals": value if isinstance(value, str) else _scalar_text(value)}
    return value


def _scalar_text(value: int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_text(value: Any) -> Any:
    if isinstance(value, int | float | bool):
        return _scalar_text(value)
    return value


Text = Annotated[str, BeforeValidator(_as_text, json_schema_input_type=str | int | float | bool)]
"""Text to compare with; a number or boolean written in YAML means its text (``10``, ``true``)."""


class StringMatcherSpec(Model):
    """Conditions on one text value (a query parameter, a header, a cookie, a path parameter).

    Several operators in one object must all hold. ``absent: true`` alone matches when the
    value is missing; every other operator requires the value to be present.
    """

    equals: Text | None = None
    """The value equals this text exactly."""
    regex: Regex | None = None
    """The value contains a match of this regular expression (anchor with ^ and $)."""
    contains: Text | None = None
    """The value contains this text."""
    one_of: list[Text] | None = Field(default=None, min_length=1)
    """The value equals one of these texts."""
    present: bool | None = None
    """true: the value must be present (any value); false: same as absent: true."""
    absent: bool | None = None
    """true: the value must not be present."""
    case_insensitive: bool = False
    """Compare equals / contains / one_of / regex ignoring case."""

    @model_validator(mode="after")
    def _one_operator(self) -> StringMatcherSpec:
        ops = [self.equals, self.regex, self.contains, self.one_of, self.present, self.absent]
        if all(op is None for op in ops):
            raise ValueError(
                "a matcher needs at least one of: equals, regex, contains, one_of, present, absent"
            )
        wants_absent = self.absent is True or self.present is False
        if wants_absent and any(
            op is not None for op in (self.equals, self.regex, self.contains, self.one_of)
        ):
            raise ValueError("absent cannot be combined with equals, regex, contains or one_of")
        return self


StringMatcher = Annotated[
    StringMatcherSpec,
    BeforeValidator(
        _scalar_to_equals, json_schema_input_type=StringMatcherSpec | str | int | float | bool
    ),
]
"""A string matcher; a scalar is shorthand for ``equals``."""


class JsonCondition(Model):
    """Conditions on the value a JSONPath expression selects (all must hold)."""

    equals: JsonValue = None
    """Equal to this JSON value (objects compare ignoring key order)."""
    gt: float | None = None
    """A number greater than this."""
    gte: float | None = None
    """A number greater than or equal to this."""
    lt: float | None = None
    """A number less than this."""
    lte: float | None = None
    """A number less than or equal to this."""
    regex: Regex | None = None
    """A string containing a match of this regular expression."""
    one_of: list[JsonValue] | None = Field(default=None, min_length=1)
    """Equal to one of these JSON values."""
    present: bool | None = None
    """true: the expression selects something; false: it selects nothing."""

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return {"equals": value}
        return value

    @model_validator(mode="after")
    def _one_operator(self) -> JsonCondition:
        if (
            "equals" not in self.model_fields_set
            and all(v is None for v in (self.gt, self.gte, self.lt, self.lte, self.regex))
            and self.one_of is None
            and self.present is None
        ):
            raise ValueError(
                "a JSONPath condition needs one of: "
                "equals, gt, gte, lt, lte, regex, one_of, present"
            )
        return self


def _same(value: Any) -> Any:
    return value


JsonConditionOrValue = Annotated[
    JsonCondition, BeforeValidator(_same, json_schema_input_type=JsonCondition | JsonValue)
]
"""A JSONPath condition; anything but a mapping is shorthand for ``equals``."""


class BodyMatcher(Model):
    """Conditions on the request body (all given must hold).

    A plain string is shorthand for ``equals``.
    """

    equals: str | None = None
    """The body text equals this exactly."""
    json_: JsonValue = Field(default=None, alias="json")
    """The body is JSON equal to this (object key order ignored)."""
    json_partial: JsonValue = None
    """The body is JSON containing this: every key given must be there with an equal value
    (recursively); arrays must contain matching elements."""
    jsonpath: dict[JsonPathExpr, JsonConditionOrValue] | None = Field(default=None, min_length=1)
    """JSONPath expressions (``$.amount``, ``$.items[0].sku``, ``$.tags[*]``) and the condition
    each selected value must meet."""
    regex: Regex | None = None
    """The body text contains a match of this regular expression."""
    contains: Text | None = None
    """The body text contains this."""
    one_of: list[Text] | None = Field(default=None, min_length=1)
    """The body text equals one of these."""
    present: bool | None = None
    """true: a non-empty body is required; false: the body must be empty."""
    absent: bool | None = None
    """true: the body must be empty."""

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"equals": value}
        return value

    @model_validator(mode="after")
    def _one_operator(self) -> BodyMatcher:
        if not self.model_fields_set:
            raise ValueError(
                "a body matcher needs one of: equals, json, json_partial, jsonpath, regex, "
                "contains, one_of, present, absent"
            )
        return self


BodyCondition = Annotated[
    BodyMatcher, BeforeValidator(_same, json_schema_input_type=BodyMatcher | str)
]
"""A body matcher; a string is shorthand for ``equals``."""
