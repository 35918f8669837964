"""The resource inference: each rule with a case where it fires and one where it must not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stubforge.compile.exchange import Exchange, from_entry
from stubforge.compile.grouping import group_exchanges
from stubforge.compile.hints import Hints
from stubforge.compile.idpatterns import classify_ids
from stubforge.compile.pipeline import compile_directory
from stubforge.compile.resources import InferredResource, infer_resources
from stubforge.model.recording import RecordingEntry
from stubforge.model.resource import Resource
from tests.compile.factory import Tape


def _exchanges(tape: Tape) -> list[Exchange]:
    return [from_entry(RecordingEntry.model_validate(e), i) for i, e in enumerate(tape.entries)]


def _infer(tape: Tape) -> list[InferredResource]:
    return infer_resources(group_exchanges(_exchanges(tape), Hints()).groups)


def crud_tape() -> Tape:
    """A json-server-like API: list with page/per_page and a total, CRUD on items."""
    t = Tape()
    people = [{"id": i, "name": f"p{i}", "role": "dev"} for i in range(1, 4)]
    t.add(
        "GET",
        "/people",
        json_body={"object": "list", "data": people[:2], "total": 3},
        query={"page": "1", "per_page": "2"},
    )
    t.add(
        "GET",
        "/people",
        json_body={"object": "list", "data": people[2:], "total": 3},
        query={"page": "2", "per_page": "2"},
    )
    t.add("GET", "/people/2", json_body=people[1])
    t.add(
        "POST",
        "/people",
        201,
        request_json={"name": "new"},
        json_body={"id": 4, "name": "new", "role": "guest"},
    )
    t.add(
        "PATCH",
        "/people/4",
        request_json={"role": "dev"},
        json_body={"id": 4, "name": "new", "role": "dev"},
    )
    t.add("PUT", "/people/1", request_json={"name": "one"}, json_body={"id": 1, "name": "one"})
    t.add("DELETE", "/people/4", 204)
    t.add("GET", "/people/4", 404, json_body={"message": "person 4 not found"})
    t.add(
        "GET",
        "/people",
        json_body={"object": "list", "data": [people[1]], "total": 2},
        query={"role": "dev", "page": "1", "per_page": "1"},
    )
    return t


def test_crud_collection_becomes_a_resource() -> None:
    (found,) = _infer(crud_tape())
    spec = found.spec
    Resource.model_validate(spec)  # what the compiler writes loads
    assert (spec["collection"], spec["item"], spec["id_field"]) == (
        "/people",
        "/people/{person_id:int}",
        "id",
    )
    assert spec["ids"] == {"kind": "sequence", "start": 4}
    assert spec["operations"] == ["list", "create", "read", "update", "replace", "delete"]
    assert spec["list"]["items"] == "data" and spec["list"]["total"] == "total"
    assert spec["list"]["fields"] == {"object": "list"}
    assert spec["list"]["pagination"] == {"style": "page", "page": "page", "size": "per_page"}
    assert spec["list"]["filters"] == ["role"]
    assert spec["create"] == {"fields": {"role": "guest"}}
    assert spec["not_found"]["json"] == {"message": "person {{ path.person_id }} not found"}
    assert [p["id"] for p in spec["seed"]] == [1, 2, 3]  # 4 was created in the session
    assert spec["seed"][0]["name"] == "p1"  # as first seen, before the PUT


def test_a_parameter_that_is_no_id_makes_no_resource() -> None:
    t = Tape()
    for day in ("2024-01-01", "2024-01-02"):
        t.add("GET", f"/reports/{day}", json_body={"rows": 3, "status": "ok"})
    t.add("GET", "/reports", json_body=[{"name": "daily"}])
    assert _infer(t) == []


def test_list_items_link_to_item_paths_without_item_reads() -> None:
    t = Tape()
    t.add("GET", "/v1/tags", json_body=[{"slug": "tag_a81x", "n": 1}, {"slug": "tag_b72y", "n": 2}])
    t.add("DELETE", "/v1/tags/tag_a81x", 204)
    (found,) = _infer(t)
    assert found.spec["id_field"] == "slug"
    assert found.spec["seed"] == [{"slug": "tag_a81x", "n": 1}, {"slug": "tag_b72y", "n": 2}]
    t2 = Tape()
    t2.add("GET", "/v1/tags", json_body=[{"slug": "tag_a81x"}, {"slug": "tag_b72y"}])
    t2.add("DELETE", "/v1/tags/tag_c11z", 204)  # no listed item carries this id
    assert _infer(t2) == []


def test_a_provider_that_changes_an_item_by_itself_keeps_its_reads() -> None:
    t = Tape()
    t.add("POST", "/jobs", 201, request_json={}, json_body={"id": 7, "status": "pending"})
    for status in ("pending", "running", "done"):
        t.add("GET", "/jobs/7", json_body={"id": 7, "status": status})
    assert _infer(t) == []  # reads are behaviour over time, a create alone needs no state


def test_envelopes_and_prefixed_ids() -> None:
    t = Tape()
    for n, cid in enumerate(["cus_9aB3kd8sLq2mXz", "cus_Pq81bb2nK4sS0a"]):
        t.add(
            "POST",
            "/v1/customers",
            200,
            request_json={"email": f"{n}@x"},
            json_body={"data": {"id": cid, "email": f"{n}@x"}},
        )
        t.add("GET", f"/v1/customers/{cid}", json_body={"data": {"id": cid, "email": f"{n}@x"}})
    (found,) = _infer(t)
    assert found.spec["envelope"] == "data"
    assert found.spec["ids"] == {
        "kind": "prefixed",
        "prefix": "cus_",
        "length": 14,
        "alphabet": "alnum",
    }


def test_id_patterns_and_where_they_must_not_fire() -> None:
    assert classify_ids([5, 6], [1, 2, 5, 6])[0] == {"kind": "sequence", "start": 5}
    assert classify_ids([], [1, 9])[0] == {"kind": "sequence", "start": 10}
    v7 = ["018f3c1e-7b2a-7c3d-8e4f-5a6b7c8d9e0f", "018f3c1e-7b2b-7000-9000-000000000000"]
    assert classify_ids(v7, v7)[0] == {"kind": "uuid7"}
    mixed = ["018f3c1e-7b2a-7c3d-8e4f-5a6b7c8d9e0f", "9f1c7a52-3d8e-4b4f-9c55-2c2f0f5b8e11"]
    assert classify_ids(mixed, mixed)[0]["kind"] == "opaque"  # versions differ: no guess
    ulids = ["01ARZ3NDEKTSV4RRFFQ69G5FAV", "01BX5ZZKBKACTAV9WEVGEMMVRZ"]
    assert classify_ids(ulids, ulids)[0] == {"kind": "ulid"}
    two_prefixes: list[Any] = ["cus_abc", "ord_abc"]
    assert classify_ids(two_prefixes, two_prefixes)[0]["kind"] == "opaque"


def test_a_resource_defined_by_hand_is_left_out(tmp_path: Path) -> None:
    crud_tape().write(tmp_path / "recordings")
    hand = {"resource:people": "shop.overrides.yaml"}
    output = compile_directory(tmp_path / "recordings", Hints(), hand)
    (text,) = output.files.values()
    assert "resources:" not in text
    assert "Resource people defined by hand in shop.overrides.yaml" in text


def test_nested_collections_and_cursor_pages() -> None:
    t = Tape()
    first = [{"id": f"ch_{n}aB9xQ2mZ", "amount": n} for n in range(1, 4)]
    t.add(
        "GET",
        "/v1/customers/cus_4Qa9xZ1bC7/charges",
        json_body={"object": "list", "data": first[:2], "has_more": True},
        query={"limit": "2"},
    )
    t.add(
        "GET",
        "/v1/customers/cus_4Qa9xZ1bC7/charges",
        json_body={"object": "list", "data": first[2:], "has_more": False},
        query={"limit": "2", "starting_after": first[1]["id"]},
    )
    t.add("GET", f"/v1/customers/cus_4Qa9xZ1bC7/charges/{first[0]['id']}", json_body=first[0])
    (found,) = _infer(t)
    spec = found.spec
    Resource.model_validate(spec)
    assert spec["list"]["pagination"] == {
        "style": "cursor",
        "after": "starting_after",
        "size": "limit",
    }
    assert spec["list"]["has_more"] == "has_more"
    assert list(spec["seed_in"]) == ["cus_4Qa9xZ1bC7"]
    assert [c["id"] for c in spec["seed_in"]["cus_4Qa9xZ1bC7"]] == [c["id"] for c in first]
