"""Echo templates need proof of a copy; a coincidence stays literal."""

from __future__ import annotations

from stubforge.compile.echo import Echo, templatize
from stubforge.compile.exchange import from_entry
from stubforge.model.recording import RecordingEntry
from tests.compile.factory import Tape


def _marked(tape: Tape) -> object:
    ex = from_entry(RecordingEntry.model_validate(tape.entries[-1]), 0)
    return templatize(ex.resp_json, ex, {})


def test_a_word_from_one_search_does_not_become_a_template() -> None:
    t = Tape()
    orders = [{"id": 1, "status": "shipped"}, {"id": 2, "status": "shipped"}]
    t.add("GET", "/v1/orders", json_body={"data": orders}, query={"q": "shipped"})
    marked = _marked(t)
    assert marked == {"data": orders}


def test_a_field_of_the_same_name_or_a_particular_value_is_a_copy() -> None:
    t = Tape()
    t.add(
        "POST",
        "/v1/contacts",
        201,
        request_json={"email": "ada@example.com", "status": "new"},
        json_body={"contact": "ada@example.com", "status": "new"},
    )
    marked = _marked(t)
    assert isinstance(marked, dict)
    assert isinstance(marked["contact"], Echo) and "json.email" in marked["contact"].expr
    assert isinstance(marked["status"], Echo) and "json.status" in marked["status"].expr
