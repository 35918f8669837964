"""Body shapes: what is drift (fields, types, enum values) and what is noise (values,
templates, nulls)."""

from __future__ import annotations

from typing import Any

import pytest

from stubforge.drift.shape import compare, is_enum_like, shape_of


def _diffs(stub: Any, *answers: Any) -> list[tuple[str, str, str, str]]:
    return [
        (d.kind, d.path, d.old, d.new) for d in compare(shape_of([stub]), shape_of(list(answers)))
    ]


def test_values_and_templates_are_not_drift() -> None:
    stub = {"id": "{{ path.id }}", "name": "Ada", "created": "{{ now }}", "amount": 10}
    answer = {"id": 7, "name": "Grace", "created": "2026-01-01T00:00:00Z", "amount": 99.5}
    assert _diffs(stub, answer) == []


def test_removed_added_and_type_changed_fields() -> None:
    stub = {"a": 1, "b": "x", "c": {"d": True}}
    assert _diffs(stub, {"a": "1", "c": {"d": True, "e": None}}) == [
        ("removed", "$.b", "string", ""),
        ("type", "$.a", "number", "string"),
        ("added", "$.c.e", "", "null"),
    ]


def test_one_removed_and_one_added_of_the_same_type_is_a_rename() -> None:
    assert _diffs({"email": "a@b.c", "n": 1}, {"email_address": "a@b.c", "n": 1}) == [
        ("renamed", "$", "email", "email_address")
    ]


def test_a_field_present_in_any_sample_is_not_removed() -> None:
    assert _diffs({"a": 1, "b": 2}, {"a": 1}, {"a": 1, "b": 3}) == []


def test_null_is_not_a_type_change() -> None:
    assert _diffs({"a": None, "b": 1}, {"a": "now set", "b": None}) == []


def test_array_items_are_compared_as_one_shape() -> None:
    stub = {"data": [{"id": 1, "status": "open"}]}
    answer = {"data": [{"id": 2, "status": "open", "gift": False}, {"id": 3, "status": "open"}]}
    assert _diffs(stub, answer) == [("added", "$.data[].gift", "", "boolean")]


def test_enum_values_gone_new_and_renamed() -> None:
    assert _diffs({"status": "active"}, {"status": "disabled"}) == [
        ("value-renamed", "$.status", "active", "disabled")
    ]
    assert _diffs({"status": "active"}, {"status": "active"}, {"status": "paused"}) == [
        ("value-new", "$.status", "", "paused")
    ]
    error = compare(shape_of([{"error": {"code": "a_b"}}]), shape_of([{"error": {"code": "c_d"}}]))
    assert error[0].code is True


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("status", "succeeded", True),
        ("payment_status", "paid", True),
        ("objectType", "charge", True),
        ("status", "cus_9aB3xYz1", False),  # an id, not a word
        ("name", "ada", False),  # not an enum-like key
        ("code", "not a code", False),  # prose
    ],
)
def test_enum_like(key: str, value: str, expected: bool) -> None:
    assert is_enum_like(key, value) is expected
