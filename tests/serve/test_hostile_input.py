"""Hostile requests against a real server: each gets a clean answer, quickly enough that
the test's timeout holds, and the server keeps answering others."""

from __future__ import annotations

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
