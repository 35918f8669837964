"""Bodies sent as recorded: every body of the test recordings, compiled on its own, is
served byte for byte when its route has no template; JSON stays editable ``json:`` with
the provider's layout."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stubforge.compile.exchange import NO_JSON, Exchange
from stubforge.compile.pipeline import exchanges_from
from stubforge.model.jsonlayout import JsonLayout, find_layout

from .factory import Tape
from .golden_cases import GOLDEN
from .replay import answer, compiled_routes, request_of, templated

RECORDINGS = sorted(p for p in GOLDEN.glob("*/recordings"))


def _recorded(ex: Exchange) -> bytes:
    if ex.resp_base64 is not None:
        import base64

        return base64.b64decode(ex.resp_base64)
    return (ex.resp_text or "").encode()


def _all_exchanges() -> list[Exchange]:
    """One exchange per distinct (status, body) of the recordings."""
    out: dict[tuple[int, bytes], Exchange] = {}
    for directory in RECORDINGS:
        for ex in exchanges_from(directory, []):
            # a lone 429 compiles into a rate limit, not a response (its body: rate_limit.body)
            if not ex.failed and ex.status != 429:
                out.setdefault((ex.status, _recorded(ex)), ex)
    return list(out.values())


def test_every_recorded_body_is_served_byte_for_byte_unless_templated(tmp_path: Path) -> None:
    exchanges = _all_exchanges()
    assert len(exchanges) > 30
    exact = 0
    for n, ex in enumerate(exchanges):
        (route,) = compiled_routes([ex], tmp_path / str(n))
        served = answer(route, request_of(ex), tmp_path / str(n), dict(ex.params))
        if not templated(route):
            assert served.body == _recorded(ex), (n, route.id)
            exact += 1
    assert exact > 10


LAYOUTS = [
    JsonLayout(),
    JsonLayout(spaces=True),
    JsonLayout(indent=2, newline=True),
    JsonLayout(indent=4),
    JsonLayout(ascii=True),
    JsonLayout(html=True, newline=True),
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(value=json_values, layout=st.sampled_from(LAYOUTS))
def test_a_layout_is_found_for_any_value_it_wrote(value: Any, layout: JsonLayout) -> None:
    text = layout.dumps(value).decode("utf-8", "surrogatepass")
    found = find_layout(text, value)
    assert found is not None
    assert found.dumps(value) == text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize(
    "text",
    ['{"price": 1.50}', '{"url": "http:\\/\\/x"}', '{"a": 1, "a": 2}', '{\r\n  "a": 1\r\n}'],
)
def test_no_layout_for_bodies_json_cannot_reproduce(text: str) -> None:
    assert find_layout(text, json.loads(text)) is None


def _exchange_with_body(tmp_path: Path, text: str) -> Exchange:
    tape = Tape()
    tape.add("GET", "/v1/thing", response_headers={"content-type": "application/json"}, text=text)
    tape.write(tmp_path / "rec")
    (ex,) = exchanges_from(tmp_path / "rec", [])
    assert ex.resp_json is not NO_JSON
    return ex


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"b":1,"a":[1,2],"é":"ü"}', "json"),
        ('{\n  "b": 1,\n  "a": "\\u00e9"\n}\n', "json"),
        ('{"price": 1.50}', "body"),
        ('{"html": "\\u003cb\\u003e"}', "json"),
    ],
)
def test_json_bodies_are_served_exactly_and_stay_readable(
    tmp_path: Path, text: str, field: str
) -> None:
    ex = _exchange_with_body(tmp_path, text)
    (route,) = compiled_routes([ex], tmp_path / "stubs")
    assert route.response is not None
    assert field in route.response.model_dump(by_alias=True, exclude_unset=True)
    assert answer(route, request_of(ex), tmp_path / "stubs").body == text.encode()


def test_a_large_body_goes_to_a_file_with_the_recorded_bytes(tmp_path: Path) -> None:
    text = json.dumps({"items": [{"n": i, "name": f"item {i}"} for i in range(300)]}, indent=3)
    ex = _exchange_with_body(tmp_path, text)
    (route,) = compiled_routes([ex], tmp_path / "stubs")
    assert route.response is not None and route.response.body_file is not None
    assert (tmp_path / "stubs" / route.response.body_file).read_bytes() == text.encode()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_values, layout=st.sampled_from(LAYOUTS))
def test_any_json_body_round_trips_through_the_stub_file(
    tmp_path_factory: pytest.TempPathFactory, value: Any, layout: JsonLayout
) -> None:
    tmp = tmp_path_factory.mktemp("json")
    text = layout.dumps(value).decode("utf-8", "surrogatepass")
    if not text.lstrip().startswith(("{", "[")):
        return  # a bare scalar is not read as a JSON body
    tape = Tape()
    tape.add("POST", "/v1/x", response_headers={"content-type": "application/json"}, text=text)
    tape.write(tmp / "rec")
    (ex,) = exchanges_from(tmp / "rec", [])
    (route,) = compiled_routes([ex], tmp / "stubs")
    if not templated(route):
        assert answer(route, request_of(ex), tmp / "stubs").body == text.encode(
            "utf-8", "surrogatepass"
        )
