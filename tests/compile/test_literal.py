"""Recorded traffic is data, never code: whatever a provider sends (template syntax in a
header, a body, a JSON string, a path) the compiled stub sends back as recorded."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stubforge.behave.templating import compile_text
from stubforge.compile.exchange import Exchange
from stubforge.compile.literal import escape, literal, path_literal
from stubforge.compile.pipeline import exchanges_from
from stubforge.match.path import PathTemplate
from tests.server import running_server

from .factory import Tape
from .replay import answer, compiled_routes, request_of

SNIPPETS = [
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "{",
    "}",
    "'",
    '"',
    "\\",
    "{{ headers.authorization }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    "{{ oops",
    "{% raw %}",
    "{% endraw %}",
    "{{ '{' }}",
]
nasty = st.lists(st.sampled_from(SNIPPETS) | st.text(max_size=6), max_size=8).map("".join)
header_text = st.lists(
    st.sampled_from(SNIPPETS)
    | st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")),
    min_size=1,
    max_size=6,
).map(lambda parts: "".join(parts).strip() or "x")


@settings(max_examples=150, deadline=None)
@given(text=nasty)
def test_escaped_text_renders_to_itself(text: str) -> None:
    assert compile_text(escape(text))({}) == text
    assert compile_text(literal(text))({}) == text


def _exchange(tmp: Path, tape: Tape) -> Exchange:
    tape.write(tmp / "rec")
    (ex,) = exchanges_from(tmp / "rec", [])
    return ex


def test_a_header_with_template_syntax_is_sent_as_recorded(tmp_path: Path) -> None:
    tape = Tape()
    value = "{{ headers.authorization }} {% for i in range(100000) %}{{ i }}{% endfor %}"
    tape.add(
        "GET",
        "/v1/me",
        json_body={"id": 1},
        headers={"authorization": "Bearer secret"},
        response_headers={"x-note": value, "x-broken": "{{ oops", "link": "{#c#}</v1/me>"},
    )
    ex = _exchange(tmp_path, tape)
    (route,) = compiled_routes([ex], tmp_path / "stubs")
    sent = dict(answer(route, request_of(ex), tmp_path / "stubs").headers)
    assert sent[b"x-note"] == value.encode()
    assert sent[b"x-broken"] == b"{{ oops"
    assert sent[b"link"] == b"{#c#}</v1/me>"


def test_a_literal_brace_in_a_recorded_path_stays_literal(tmp_path: Path) -> None:
    tape = Tape()
    tape.add("GET", "/files/{id}", json_body={"name": "braces"})
    tape.add("GET", "/files/plain", json_body={"name": "plain"})
    tape.write(tmp_path / "rec")
    routes = compiled_routes(list(exchanges_from(tmp_path / "rec", [])), tmp_path / "stubs")
    paths = sorted(r.request.path for r in routes)
    assert paths == ["/files/plain", "/files/{{id}}"]
    template = PathTemplate("/files/{{id}}")
    assert template.is_literal and template.match("/files/{id}") == {}
    assert template.match("/files/other") is None
    with running_server(tmp_path / "stubs") as server:
        assert httpx.get(f"{server.url}/files/%7Bid%7D").json() == {"name": "braces"}
        assert httpx.get(f"{server.url}/files/other").status_code == 404


@pytest.mark.parametrize("segment", ["{id}", "a{{b}}c", "}{", "{x:int}"])
def test_path_literals_parse_back_to_the_segment(segment: str) -> None:
    assert PathTemplate("/" + path_literal(segment)).literal_path == "/" + segment


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(header=header_text, text=nasty, field=nasty, echo=nasty)
def test_no_recorded_byte_sequence_becomes_a_template(
    tmp_path_factory: pytest.TempPathFactory, header: str, text: str, field: str, echo: str
) -> None:
    tmp = tmp_path_factory.mktemp("lit")
    tape = Tape()
    body = {"note": field, "echo": echo + "-echoed", "n": 1}
    tape.add(
        "POST",
        "/v1/things",
        request_json={"echo": echo + "-echoed"},
        headers={"authorization": "Bearer secret-token"},
        response_headers={"x-recorded": header, "content-type": "application/json"},
        text=json.dumps(body),
    )
    tape.add(
        "GET",
        "/v1/notes",
        headers={"authorization": "Bearer secret-token"},
        response_headers={"x-recorded": header, "content-type": "text/plain"},
        text=text or "empty",
    )
    tape.write(tmp / "rec")
    exchanges = list(exchanges_from(tmp / "rec", []))
    routes = compiled_routes(exchanges, tmp / "stubs")
    by_path = {r.request.path: r for r in routes}
    for ex in exchanges:
        sent = answer(by_path[ex.path], request_of(ex), tmp / "stubs")
        headers = dict(sent.headers)
        assert headers[b"x-recorded"] == header.encode("latin-1")
        assert sent.body == (ex.resp_text or "").encode()


@settings(max_examples=100, deadline=None)
@given(text=nasty, recorded=st.sampled_from(["42", "ab", "{", "{{"]))
def test_recorded_text_around_a_template_stays_literal(text: str, recorded: str) -> None:
    from stubforge.compile.literal import replace_escaped

    template = replace_escaped(text, recorded, "{{ path.id }}")
    assert compile_text(template)({"path": {"id": recorded}}) == text


def test_a_recorded_429_body_with_template_syntax_is_sent_as_recorded(tmp_path: Path) -> None:
    tape = Tape(step_ms=50)
    evil = {"error": "{{ headers.authorization }}", "{% if 1 %}k{% endif %}": 1}
    for n in range(30):
        if n % 10 >= 5:
            tape.add("GET", "/v1/search", 429, json_body=evil, headers={"authorization": "B x"})
        else:
            tape.add("GET", "/v1/search", json_body={"n": n}, headers={"authorization": "B x"})
    tape.write(tmp_path / "rec")
    routes = compiled_routes(list(exchanges_from(tmp_path / "rec", [])), tmp_path / "stubs")
    limited = [r for r in routes if r.rate_limit is not None]
    assert limited, "the 429s became a rate limit"
    with running_server(tmp_path / "stubs") as server, httpx.Client(base_url=server.url) as c:
        answers = [c.get("/v1/search", headers={"authorization": "Bearer s"}) for _ in range(14)]
    refused = [a for a in answers if a.status_code == 429]
    assert refused and all(a.json() == evil for a in refused)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.binary(max_size=64)
    | st.lists(st.sampled_from(SNIPPETS), max_size=6).map(lambda p: "".join(p).encode())
)
def test_no_recorded_body_bytes_become_a_template(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    import base64

    tmp = tmp_path_factory.mktemp("bytes")
    tape = Tape()
    tape.add("GET", "/v1/blob", response_headers={"content-type": "application/octet-stream"})
    content = tape.entries[-1]["response"]["content"]
    try:
        content["text"] = data.decode("utf-8")
    except UnicodeDecodeError:
        content.update(text=base64.b64encode(data).decode(), encoding="base64")
    tape.write(tmp / "rec")
    (ex,) = exchanges_from(tmp / "rec", [])
    (route,) = compiled_routes([ex], tmp / "stubs")
    assert answer(route, request_of(ex), tmp / "stubs").body == data
