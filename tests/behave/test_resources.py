"""The pure core of stateful resources: ids, form bodies, updaters and list pages."""

from __future__ import annotations

import random
import re
import uuid

from stubforge.behave import resources as r
from stubforge.model.formdata import form_fields
from stubforge.model.resource import IdAssignment, Resource

RES = Resource.model_validate(
    {
        "name": "orders",
        "collection": "/orders",
        "item": "/orders/{order_id}",
        "ids": {"kind": "sequence", "start": 3},
        "operations": ["list", "create", "read", "update", "replace", "delete"],
        "list": {
            "items": "data",
            "total": "total",
            "has_more": "has_more",
            "pagination": {"style": "cursor", "size": "limit", "default_size": 2},
        },
        "seed": [{"id": 1, "status": "paid"}, {"id": 2, "status": "new"}],
    }
)


def test_random_ids_follow_the_pattern() -> None:
    rng = random.Random(1)
    v4 = r.random_id(IdAssignment(kind="uuid4"), rng)
    assert uuid.UUID(v4).version == 4
    v7 = r.random_id(IdAssignment(kind="uuid7"), rng, now=1_700_000_000)
    assert uuid.UUID(v7).version == 7 and v7.startswith("018bcfe5-6800")
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", r.random_id(IdAssignment(kind="ulid"), rng))
    pre = r.random_id(IdAssignment(kind="prefixed", prefix="cus_", length=14), rng)
    assert re.fullmatch(r"cus_[0-9A-Za-z]{14}", pre)


def test_form_fields_nest_brackets_and_lists() -> None:
    pairs = [("email", "a@b"), ("metadata[plan]", "gold"), ("expand[]", "x"), ("expand[]", "y")]
    assert form_fields(pairs) == {
        "email": "a@b",
        "metadata": {"plan": "gold"},
        "expand": ["x", "y"],
    }
    assert r.body_fields(b"a=1&b[c]=2", "application/x-www-form-urlencoded") == {
        "a": "1",
        "b": {"c": "2"},
    }
    assert r.body_fields(b"<x><a>1</a></x>", "application/xml") == {"a": "1"}
    assert r.body_fields(b"not json", "application/octet-stream") is None


def test_sequence_skips_taken_ids_and_updaters_do_not_touch_the_seed() -> None:
    state, made = r.create(RES, "", {"status": "new"}, "unused")(None)
    assert made.body == {"status": "new", "id": 3}
    state, patched = r.update(RES, "", "3", {"status": "paid", "note": None}, False)(state)
    assert patched.body == {"status": "paid", "id": 3}
    state, gone = r.delete(RES, "", "1")(state)
    assert gone.found and not r.read(RES, "", state, "1").found
    assert r.read(RES, "", None, "1").found  # a fresh session still has the seed
    _, missing = r.delete(RES, "", "1")(state)
    assert not missing.found


def test_cursor_pages_and_totals() -> None:
    state, _ = r.create(RES, "", {"status": "new"}, "")(None)
    first = r.listing(RES, "", state, {})
    assert [it["id"] for it in first["data"]] == [1, 2] and first["has_more"] is True
    assert first["total"] == 3
    second = r.listing(RES, "", state, {"starting_after": ["2"]})
    assert [it["id"] for it in second["data"]] == [3] and second["has_more"] is False
