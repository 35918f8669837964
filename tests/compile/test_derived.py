"""Derived headers: digests of the body are recognised on every recorded exchange and
compiled into templates, so an edited body still carries a correct checksum."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from pathlib import Path

import httpx

from stubforge.compile.derived import derive_headers
from stubforge.compile.exchange import Exchange
from stubforge.compile.pipeline import exchanges_from
from tests.server import running_server

from .factory import Tape
from .replay import answer, compiled_routes, request_of


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _headers_for(body: bytes) -> dict[str, str]:
    return {
        "etag": f'"{hashlib.md5(body).hexdigest()}"',
        "content-md5": _b64(hashlib.md5(body).digest()),
        "x-amz-crc32": str(zlib.crc32(body)),
        "x-amz-checksum-crc32": _b64(zlib.crc32(body).to_bytes(4, "big")),
        "x-amz-checksum-sha256": _b64(hashlib.sha256(body).digest()),
        "digest": "sha-256=" + _b64(hashlib.sha256(body).digest()),
        "x-plain": "constant",
    }


def _tape(bodies: list[dict[str, object]], tamper: bool = False) -> Tape:
    tape = Tape()
    for n, doc in enumerate(bodies):
        text = json.dumps(doc, separators=(",", ":"))
        headers = _headers_for(text.encode())
        if tamper and n == 1:
            headers["etag"] = '"0123456789abcdef0123456789abcdef"'
        tape.add("GET", f"/v1/items/{n + 1}", text=text, response_headers=headers)
    return tape


def _exchanges(tmp: Path, tape: Tape) -> list[Exchange]:
    tape.write(tmp / "rec")
    return list(exchanges_from(tmp / "rec", []))


BODIES: list[dict[str, object]] = [{"id": 1, "name": "lamp"}, {"id": 2, "name": "desk"}]


def test_digests_of_the_body_are_recognised(tmp_path: Path) -> None:
    derived = derive_headers(_exchanges(tmp_path, _tape(BODIES)))
    assert {k: v.template for k, v in derived.items()} == {
        "etag": '"{{ md5(response.body) }}"',
        "content-md5": "{{ md5(response.body, 'base64') }}",
        "x-amz-crc32": "{{ crc32(response.body) }}",
        "x-amz-checksum-crc32": "{{ crc32(response.body, 'base64') }}",
        "x-amz-checksum-sha256": "{{ sha256(response.body, 'base64') }}",
        "digest": "sha-256={{ sha256(response.body, 'base64') }}",
    }


def test_one_exchange_against_the_hypothesis_rejects_it(tmp_path: Path) -> None:
    derived = derive_headers(_exchanges(tmp_path, _tape(BODIES, tamper=True)))
    assert "etag" not in derived and "content-md5" in derived


def test_a_redacted_body_is_no_evidence(tmp_path: Path) -> None:
    tape = _tape(BODIES)
    tape.entries[1]["response"]["content"]["text"] = '{"token":"redacted~secret~0123456789ab"}'
    tape.entries[1]["response"]["headers"].append({"name": "x-other", "value": "1"})
    derived = derive_headers(_exchanges(tmp_path, tape))
    assert derived["etag"].evidence.endswith("checked on 1 exchange(s)")


def test_an_upload_etag_is_the_request_body_digest(tmp_path: Path) -> None:
    tape = Tape()
    for data in ("first upload", "second"):
        tape.add(
            "PUT",
            f"/bucket/{data[:3]}",
            text="",
            response_headers={"etag": f'"{hashlib.md5(data.encode()).hexdigest()}"'},
        )
        tape.entries[-1]["request"]["postData"] = {"mimeType": "text/plain", "text": data}
    derived = derive_headers(_exchanges(tmp_path, tape))
    assert derived["etag"].template == '"{{ md5(request.body) }}"'


def test_an_edited_body_carries_correct_checksums(tmp_path: Path) -> None:
    exchanges = _exchanges(tmp_path, _tape(BODIES[:1]))
    (route,) = compiled_routes(exchanges, tmp_path / "stubs")
    assert route.response is not None
    served = answer(route, request_of(exchanges[0]), tmp_path / "stubs", {"item_id": 1})
    recorded = exchanges[0].resp_headers
    sent = {k.decode(): v.decode() for k, v in served.headers}
    assert all(sent[k] == recorded[k] for k in _headers_for(b""))
    edited = route.model_copy(
        update={"response": route.response.model_copy(update={"json_": {"id": 1, "name": "new"}})}
    )
    served = answer(edited, request_of(exchanges[0]), tmp_path / "stubs", {"item_id": 1})
    sent = {k.decode(): v.decode() for k, v in served.headers}
    assert sent == {**sent, **_headers_for(served.body)}


def test_head_carries_the_get_body_length_and_digests(tmp_path: Path) -> None:
    tape = Tape()
    body = b"0123456789" * 700  # a body file
    headers = {"etag": f'"{hashlib.md5(body).hexdigest()}"', "content-type": "text/plain"}
    tape.add("GET", "/bucket/report.txt", text=body.decode(), response_headers=headers)
    tape.add("HEAD", "/bucket/report.txt", text="", response_headers=headers)
    tape.entries[-1]["response"]["headers"].append(
        {"name": "content-length", "value": str(len(body))}
    )
    tape.write(tmp_path / "rec")
    routes = compiled_routes(list(exchanges_from(tmp_path / "rec", [])), tmp_path / "stubs")
    assert sorted(r.request.method for r in routes) == ["GET", "HEAD"]
    with running_server(tmp_path / "stubs") as server:
        head = httpx.head(f"{server.url}/bucket/report.txt")
        get = httpx.get(f"{server.url}/bucket/report.txt")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(body)) == get.headers["content-length"]
    assert head.headers["etag"] == get.headers["etag"] == headers["etag"]
    assert get.content == body


def test_a_varying_header_keeps_its_recorded_value_with_a_comment(tmp_path: Path) -> None:
    tape = Tape()
    for n in range(3):
        tape.add(
            "GET",
            "/v1/status",
            json_body={"ok": True},
            response_headers={"x-served-by": f"cache-{n}", "last-modified": f"day {n}"},
        )
    tape.write(tmp_path / "rec")
    from stubforge.compile.hints import Hints
    from stubforge.compile.pipeline import compile_directory

    output = compile_directory(tmp_path / "rec", Hints())
    (text,) = output.files.values()
    assert "x-served-by: cache-0" in text
    assert "# x-served-by (200): 3 values in 3 exchanges" in text
    assert any("x-served-by" in n for r in output.report.routes for n in r.notes)


def test_error_responses_keep_their_headers_and_checksums(tmp_path: Path) -> None:
    tape = Tape()
    for n in range(20):
        if n % 5 == 4:
            body = b'{"__type":"ServiceUnavailable"}'
            headers = {"x-amz-crc32": str(zlib.crc32(body)), "x-served-by": f"edge-{n}"}
            tape.add("POST", "/", 503, text=body.decode(), response_headers=headers)
        else:
            tape.add("POST", "/", json_body={"ok": n})
    tape.write(tmp_path / "rec")
    from stubforge.compile.hints import Hints
    from stubforge.compile.pipeline import compile_directory

    output = compile_directory(tmp_path / "rec", Hints())
    (text,) = output.files.values()
    assert 'x-amz-crc32: "{{ crc32(response.body) }}"' in text
    assert "x-served-by: edge-4" in text
