"""Hostile requests against a real server: each gets a clean answer, quickly enough that
the test's timeout holds, and the server keeps answering others."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import WriteStubs
from tests.server import RunningServer


@pytest.mark.timeout(30)
def test_a_catastrophic_regex_does_not_stall_the_server(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {method: POST, path: /a, body: {regex: "^(a+)+$"}}
            response: {status: 201}
          - request: {method: POST, path: /b, query: {q: {regex: "^(a|aa)+$"}}}
            response: {status: 201}
          - request: {method: GET, path: /ok}
            response: {status: 200}
        """,
    )
    server = serve()
    hostile = "a" * 40 + "!"
    # a backtracking engine needs ~2**40 steps for each of these
    assert client.post(f"{server.url}/a", content=hostile).status_code == 404
    assert client.post(f"{server.url}/b", params={"q": hostile}).status_code == 404
    assert client.post(f"{server.url}/a", content="aaaa").status_code == 201
    assert client.get(f"{server.url}/ok").status_code == 200


@pytest.mark.timeout(30)
def test_a_runaway_template_answers_500_and_the_server_stays_responsive(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {method: GET, path: /loop}
            response:
              body: "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
          - request: {method: GET, path: /big}
            response: {json: {data: "{{ 'x' * 100000000 }}"}}
          - request: {method: GET, path: /nan}
            response: {json: {n: "{{ query.v | float }}"}}
          - request: {method: GET, path: /ok}
            response: {body: "{{ query.v }}"}
        """,
    )
    server = serve()
    for path, words in (("/loop", "longer than"), ("/big", "larger than"), ("/nan", "JSON")):
        r = client.get(f"{server.url}{path}", params={"v": "nan"})
        assert r.status_code == 500
        assert r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert (problem["status"], problem["title"]) == (500, "template error")
        assert words in problem["detail"]
        assert client.get(f"{server.url}/ok", params={"v": "alive"}).text == "alive"


def test_two_different_session_headers_are_refused(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {method: POST, path: /next}
            sequence: {then: stick, responses: [{body: first}, {body: second}]}
        """,
    )
    server = serve()
    two = [("x-stubforge-session", "a"), ("x-stubforge-session", "b")]
    r = client.post(f"{server.url}/next", headers=two)
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["title"] == "conflicting X-Stubforge-Session headers"
    same = [("x-stubforge-session", "a"), ("x-stubforge-session", "a")]
    assert client.post(f"{server.url}/next", headers=same).text == "first"
    assert client.post(f"{server.url}/next", headers={"x-stubforge-session": "a"}).text == "second"
    profiles = [("x-stubforge-profile", "x"), ("x-stubforge-profile", "y")]
    assert client.post(f"{server.url}/next", headers=profiles).status_code == 400


@pytest.mark.timeout(30)
def test_a_client_that_leaves_during_the_delay_is_journaled_as_499(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {method: GET, path: /slow}
            response: {body: late}
            latency: 1s
        """,
    )
    server = serve()
    with pytest.raises(httpx.ReadTimeout), httpx.Client(timeout=0.2) as impatient:
        impatient.get(f"{server.url}/slow")
    time.sleep(1.2)  # the server finishes its delay and finds the client gone
    entries = client.get(f"{server.url}/__admin/requests").json()["requests"]
    assert [e["response"]["status"] for e in entries] == [499]
    metrics = client.get(f"{server.url}/__admin/metrics").text
    assert 'status="499"' in metrics


def test_a_huge_integer_path_segment_is_a_clean_miss(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {method: GET, path: "/items/{id:int}"}
            response: {json: {id: "{{ path.id }}"}}
        """,
    )
    server = serve()
    r = client.get(f"{server.url}/items/" + "9" * 5000)  # int() refuses over 4300 digits
    assert r.status_code == 404
    assert r.json()["error"] == "no stub matched"
    assert client.get(f"{server.url}/items/" + "9" * 300).json() == {"id": int("9" * 300)}


def test_a_stub_cannot_frame_the_response_twice(
    write_stub: WriteStubs, serve: Callable[..., RunningServer]
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {method: GET, path: /recorded}
            response:
              headers: {Transfer-Encoding: chunked, Content-Length: "999", x-kept: yes}
              body: hello
          - request: {method: GET, path: /templated}
            response:
              headers: {transfer-encoding: "{{ 'chunked' }}"}
              body: "{{ 'hi' }}"
        """,
    )
    server = serve()
    for path, body in (("/recorded", b"hello"), ("/templated", b"hi")):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".encode())
            raw = b""
            while chunk := s.recv(65536):
                raw += chunk
        head, _, rest = raw.partition(b"\r\n\r\n")
        names = [line.split(b":")[0].lower() for line in head.split(b"\r\n")[1:]]
        assert b"transfer-encoding" not in names
        assert names.count(b"content-length") == 1
        assert rest == body


@pytest.mark.parametrize("depth", [600, 3000, 100_000])
def test_deep_json_on_a_json_indexed_route_is_a_clean_miss(
    write_stub: WriteStubs, serve: Callable[..., RunningServer], client: httpx.Client, depth: int
) -> None:
    routes = "".join(
        f"""
          - request: {{method: POST, path: /rpc, body: {{json: {{method: m{i}}}}}}}
            response: {{body: m{i}}}"""
        for i in range(6)  # enough routes on one path for the JSON-body index
    )
    write_stub("api.yaml", "version: 1\nroutes:" + routes + "\n")
    server = serve()
    for body in ("[" * depth + "]" * depth, '{"method":' * depth + "1" + "}" * depth):
        r = client.post(f"{server.url}/rpc", content=body)
        assert r.status_code == 404
        assert r.json()["error"] == "no stub matched"
    assert client.post(f"{server.url}/rpc", json={"method": "m3"}).text == "m3"
