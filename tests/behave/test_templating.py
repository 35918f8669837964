"""Response templating and variants, from a client's side of a real server."""

from __future__ import annotations

import datetime as dt
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server import running_server

STUBS = r"""
version: 1
defaults:
  headers: {x-request-path: "{{ request_path }}"}
routes:
  - id: echo-path
    request: {method: GET, path: "/accounts/{account}/items/{n:int}"}
    response:
      json:
        account: "{{ path.account }}"
        n: "{{ path.n }}"
        next: "{{ path.n + 1 }}"
        label: "item {{ path.n }} of {{ path.account }}"
  - id: echo-request
    request: {method: ANY, path: /echo}
    response:
      headers:
        x-trace: "{{ headers['x-trace-id'] | default('none') }}"
        x-method: "{{ method }}"
      json:
        q: "{{ query.q }}"
        missing: "{{ query.nope | default('dflt') }}"
        agent: "{{ headers['user-agent'] }}"
        session: "{{ cookies.session }}"
        method: "{{ method }}"
  - id: echo-body-text
    request: {method: POST, path: /echo/text}
    response: {body: "you said: {{ body }}"}
  - id: echo-json
    request: {method: POST, path: /echo/json}
    response:
      json:
        amount: "{{ json.amount }}"
        flag: "{{ json.flag }}"
        nothing: "{{ json.nothing }}"
        items: "{{ json['items'] }}"
        first_sku: "{{ json['items'][0].sku }}"
        as_text: "{{ json.amount }} cents"
        "{{ json.key }}": dynamic key
  - id: clock
    request: {method: GET, path: /clock}
    response:
      json:
        iso: "{{ now }}"
        year: "{{ now('%Y') }}"
        epoch: "{{ now('epoch') }}"
        id: "{{ uuid }}"
        id2: "{{ uuid }}"
  - id: clock-header
    request: {method: GET, path: /clock/header}
    response:
      headers: {x-request-id: "{{ uuid }}", x-year: "{{ now('%Y') }}"}
      body: ok
  - id: literal-braces
    request: {method: GET, path: /literal}
    response:
      template: false
      body: "{{ not a template }}"
  - id: escape-class
    request: {method: GET, path: /escape/class}
    response: {body: "{{ ''.__class__.__mro__[1].__subclasses__() }}"}
  - id: escape-globals
    request: {method: GET, path: /escape/globals}
    response: {json: {x: "{{ now.__init__.__globals__ }}"}}
  - id: escape-mutate
    request: {method: GET, path: /escape/mutate}
    response: {body: "{{ path.update({'a': 1}) }}"}
  - id: undefined-name
    request: {method: GET, path: /undefined}
    response: {body: "{{ path.nosuchthing.attr }}"}
  - id: header-injection
    request: {method: GET, path: /inject}
    response: {headers: {x-echo: "{{ query.v }}"}, body: ok}

  - id: variants
    request: {method: POST, path: "/charges/{kind}"}
    responses:
      - when: {body: {jsonpath: {"$.amount": {gt: 100000}}}}
        status: 402
        json: {error: card_declined}
      - when: {path: {kind: refund}, headers: {x-mode: test}}
        status: 202
        json: {queued: true}
      - when: {query: {fail: "1"}}
        status: 500
        body: failed
      - when: {cookies: {vip: "yes"}}
        status: 200
        json: {vip: true}
      - status: 200
        json: {ok: true, amount: "{{ json.amount }}"}
  - id: only-conditional
    request: {method: GET, path: /conditional}
    responses:
      - when: {query: {mode: a}}
        body: A
      - when: {query: {mode: b}}
        body: B
  - id: conditional-fallback
    priority: -1
    request: {method: GET, path: /conditional}
    response: {status: 203, body: fallback}
"""


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    root: Path = tmp_path_factory.mktemp("templating")
    (root / "t.yaml").write_text(textwrap.dedent(STUBS).lstrip())
    with running_server(root) as srv, httpx.Client(base_url=srv.url, timeout=5.0) as client:
        yield client


def test_path_parameters_keep_their_type(http: httpx.Client) -> None:
    r = http.get("/accounts/acct_9/items/41")
    assert r.status_code == 200
    assert r.json() == {"account": "acct_9", "n": 41, "next": 42, "label": "item 41 of acct_9"}
    assert r.headers["x-request-path"] == "/accounts/acct_9/items/41"


def test_query_headers_cookies_and_method(http: httpx.Client) -> None:
    r = http.get(
        "/echo",
        params={"q": "shoes"},
        headers={"X-Trace-Id": "t-1", "user-agent": "ua/1", "cookie": "session=s1"},
    )
    assert r.json() == {
        "q": "shoes",
        "missing": "dflt",
        "agent": "ua/1",
        "session": "s1",
        "method": "GET",
    }
    assert r.headers["x-trace"] == "t-1"
    assert r.headers["x-method"] == "GET"
    assert http.delete("/echo?q=x", headers={"cookie": "session=s"}).json()["method"] == "DELETE"


def test_text_body(http: httpx.Client) -> None:
    r = http.post("/echo/text", content="héllo".encode())
    assert r.text == "you said: héllo"
    assert r.headers["content-type"] == "text/plain; charset=utf-8"


def test_json_fields_keep_their_type_when_the_string_is_one_expression(
    http: httpx.Client,
) -> None:
    body = {"amount": 1250, "flag": True, "nothing": None, "items": [{"sku": "A"}], "key": "k"}
    r = http.post("/echo/json", json=body)
    assert r.status_code == 200
    assert r.json() == {
        "amount": 1250,
        "flag": True,
        "nothing": None,
        "items": [{"sku": "A"}],
        "first_sku": "A",
        "as_text": "1250 cents",
        "k": "dynamic key",
    }


def test_now_and_uuid(http: httpx.Client) -> None:
    before = int(time.time())
    data = http.get("/clock").json()
    after = int(time.time())
    assert data["year"] == str(dt.datetime.now(dt.UTC).year)
    assert isinstance(data["epoch"], int) and before <= data["epoch"] <= after
    parsed = dt.datetime.fromisoformat(data["iso"].replace("Z", "+00:00"))
    assert abs(parsed.timestamp() - time.time()) < 5
    assert uuid.UUID(data["id"]).version == 4
    assert data["id"] != data["id2"]
    assert http.get("/clock").json()["id"] != data["id"]


def test_header_templates(http: httpx.Client) -> None:
    first, second = http.get("/clock/header"), http.get("/clock/header")
    assert uuid.UUID(first.headers["x-request-id"]).version == 4
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert first.headers["x-year"] == str(dt.datetime.now(dt.UTC).year)


def test_templating_can_be_switched_off(http: httpx.Client) -> None:
    assert http.get("/literal").text == "{{ not a template }}"


@pytest.mark.parametrize(
    "path", ["/escape/class", "/escape/globals", "/escape/mutate", "/undefined"]
)
def test_sandbox_escapes_and_errors_answer_500_json(http: httpx.Client, path: str) -> None:
    r = http.get(path)
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["error"] == "template error"
    assert body["route"]
    assert "subclasses" not in r.text.lower() or "unsafe" in r.text.lower()
    assert http.get("/literal").status_code == 200  # the server lives on


def test_rendered_header_values_cannot_inject_headers(http: httpx.Client) -> None:
    r = http.get("/inject", params={"v": "a\r\nx-evil: 1"})
    assert r.status_code == 200
    assert "x-evil" not in r.headers
    assert "\n" not in r.headers["x-echo"] and "\r" not in r.headers["x-echo"]
    assert http.get("/literal").status_code == 200


# ---------------------------------------------------------------------------- variants


def test_first_variant_whose_when_holds_is_used(http: httpx.Client) -> None:
    r = http.post("/charges/card", json={"amount": 200_000})
    assert (r.status_code, r.json()) == (402, {"error": "card_declined"})
    r = http.post("/charges/refund", json={"amount": 5}, headers={"x-mode": "test"})
    assert (r.status_code, r.json()) == (202, {"queued": True})
    r = http.post("/charges/card?fail=1", json={"amount": 5})
    assert (r.status_code, r.text) == (500, "failed")
    r = http.post("/charges/card", json={"amount": 5}, headers={"cookie": "vip=yes"})
    assert r.json() == {"vip": True}


def test_default_variant_when_no_condition_holds(http: httpx.Client) -> None:
    r = http.post("/charges/refund", json={"amount": 7})  # no x-mode header
    assert (r.status_code, r.json()) == (200, {"ok": True, "amount": 7})
    r = http.post("/charges/card", content=b"not json")  # json is None: json.amount undefined
    assert (r.status_code, r.json()["error"]) == (500, "template error")


def test_route_without_default_falls_through_to_other_routes(http: httpx.Client) -> None:
    assert http.get("/conditional?mode=a").text == "A"
    assert http.get("/conditional?mode=b").text == "B"
    r = http.get("/conditional?mode=c")
    assert (r.status_code, r.text) == (203, "fallback")
