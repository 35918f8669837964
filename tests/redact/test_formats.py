"""Body formats: each parser finds named values, keeps what it does not change byte for
byte, and never fails on malformed input (a crash would lose an exchange)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stubforge.redact.redactor import Redactor
from stubforge.redact.rules import build_ruleset

MIMES = [
    "application/json",
    "application/x-ndjson",
    "text/event-stream",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    'multipart/form-data; boundary="a b"',
    "text/xml",
    "application/soap+xml",
    "text/plain",
    "",
]


def red() -> Redactor:
    return Redactor(build_ruleset(pii=True), b"k")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400), mime=st.sampled_from(MIMES))
def test_any_bytes_in_any_format_redact_without_error(data: bytes, mime: str) -> None:
    r = red()
    out = r.body(data, mime, set())
    assert isinstance(out, bytes)
    assert r.body(out, mime, set()) == out  # a second pass changes nothing


_fragments = st.sampled_from(
    ['{"password":', '"x"', "}", "[", "<a>", "</a>", "--xyz\r\n", "data: ", "\n", "=", "&"]
)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.one_of(_fragments, st.text(max_size=12)), max_size=30))
def test_format_shaped_garbage_redacts_without_error(parts: list[str]) -> None:
    text = "".join(parts).encode("utf-8", "surrogatepass")
    for mime in MIMES:
        red().body(text, mime, set())


def test_unchanged_bodies_are_kept_byte_for_byte() -> None:
    for body, mime in (
        (b'{ "b": 1,  "a": [true, null] }\n', "application/json"),
        (b"<r><id>42</id><name>x</name></r>", "text/xml"),
        (b'data: {"n": 1}\n\n', "text/event-stream"),
        (b"a=1&b=two", "application/x-www-form-urlencoded"),
    ):
        assert red().body(body, mime, set()) == body


def test_json_inside_json_strings_is_redacted_and_stays_json() -> None:
    doc = {"Message": json.dumps({"password": "opaque-value-123", "n": 1})}
    out = json.loads(red().body(json.dumps(doc).encode(), "application/json", set()))
    inner = json.loads(out["Message"])
    assert inner["n"] == 1 and inner["password"] != "opaque-value-123"
