"""Every request matcher, seen from a client: a tester's YAML in, the stubbed answer out.

One real server (uvicorn on 127.0.0.1:0) serves the whole stub file below; each test asks it
over HTTP with httpx and checks which route answered (``x-route`` header).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server import running_server

STUBS = """
version: 1
service: matchers
routes:
  # --- method ---------------------------------------------------------------
  - id: method-single
    request: {method: get, path: /m/single}
    response: {headers: {x-route: method-single}}
  - id: method-list
    request: {method: [PUT, PATCH], path: /m/list}
    response: {headers: {x-route: method-list}}
  - id: method-any
    request: {method: ANY, path: /m/any}
    response: {headers: {x-route: method-any}}
  - id: method-default-any
    request: {path: /m/default}
    response: {headers: {x-route: method-default-any}}

  # --- path -----------------------------------------------------------------
  - id: path-literal
    request: {method: GET, path: /p/literal}
    response: {headers: {x-route: path-literal}}
  - id: path-literal-trailing-slash
    request: {method: GET, path: /p/literal/}
    response: {headers: {x-route: path-literal-trailing-slash}}
  - id: path-str
    request: {method: GET, path: "/p/str/{id}"}
    response: {headers: {x-route: path-str}}
  - id: path-int
    request: {method: GET, path: "/p/num/{id:int}"}
    response: {headers: {x-route: path-int}}
  - id: path-uuid
    request: {method: GET, path: "/p/uuid/{id:uuid}"}
    response: {headers: {x-route: path-uuid}}
  - id: path-affixes
    request: {method: GET, path: "/p/files/{name}.json"}
    response: {headers: {x-route: path-affixes}}
  - id: path-prefix
    request: {method: GET, path: "/p/versions/v{n:int}"}
    response: {headers: {x-route: path-prefix}}
  - id: path-catch-all
    request: {method: GET, path: "/p/static/{rest:path}"}
    response: {headers: {x-route: path-catch-all}}

  # --- query ----------------------------------------------------------------
  - id: query-equals
    request: {method: GET, path: /q, query: {expand: sources}}
    response: {headers: {x-route: query-equals}}
  - id: query-number-shorthand
    request: {method: GET, path: /q/limit, query: {limit: 10}}
    response: {headers: {x-route: query-number-shorthand}}
  - id: query-absent
    request: {method: GET, path: /q/absent, query: {debug: {absent: true}}}
    response: {headers: {x-route: query-absent}}
  - id: query-present
    request: {method: GET, path: /q/present, query: {debug: {present: true}}}
    response: {headers: {x-route: query-present}}
  - id: query-one-of
    request: {method: GET, path: /q/one-of, query: {sort: {one_of: [asc, desc, 10]}}}
    response: {headers: {x-route: query-one-of}}

  # --- headers --------------------------------------------------------------
  - id: header-regex
    request: {method: GET, path: /h, headers: {Authorization: {regex: "^Bearer sk_"}}}
    response: {headers: {x-route: header-regex}}
  - id: header-contains
    request: {method: GET, path: /h/contains, headers: {accept: {contains: json}}}
    response: {headers: {x-route: header-contains}}
  - id: header-case-insensitive
    request:
      method: GET
      path: /h/ci
      headers: {x-mode: {equals: FAST, case_insensitive: true}}
    response: {headers: {x-route: header-case-insensitive}}
  - id: header-absent
    request: {method: GET, path: /h/absent, headers: {authorization: {absent: true}}}
    response: {headers: {x-route: header-absent}}

  # --- cookies --------------------------------------------------------------
  - id: cookie-equals
    request: {method: GET, path: /c, cookies: {session: abc}}
    response: {headers: {x-route: cookie-equals}}
  - id: cookie-regex
    request: {method: GET, path: /c/regex, cookies: {session: {regex: "^s_[0-9]+$"}}}
    response: {headers: {x-route: cookie-regex}}

  # --- body -----------------------------------------------------------------
  - id: body-equals
    request: {method: POST, path: /b/equals, body: "ping"}
    response: {headers: {x-route: body-equals}}
  - id: body-json
    request: {method: POST, path: /b/json, body: {json: {a: 1, b: [true, null]}}}
    response: {headers: {x-route: body-json}}
  - id: body-json-bool
    request: {method: POST, path: /b/json-bool, body: {json: {flag: true}}}
    response: {headers: {x-route: body-json-bool}}
  - id: body-json-partial
    request:
      method: POST
      path: /b/partial
      body: {json_partial: {currency: usd, items: [{sku: A}], meta: {env: test}}}
    response: {headers: {x-route: body-json-partial}}
  - id: body-regex
    request: {method: POST, path: /b/regex, body: {regex: "^amount=\\\\d+$"}}
    response: {headers: {x-route: body-regex}}
  - id: body-contains
    request: {method: POST, path: /b/contains, body: {contains: needle}}
    response: {headers: {x-route: body-contains}}
  - id: body-one-of
    request: {method: POST, path: /b/one-of, body: {one_of: ["yes", "no", 42]}}
    response: {headers: {x-route: body-one-of}}
  - id: body-absent
    request: {method: POST, path: /b/absent, body: {absent: true}}
    response: {headers: {x-route: body-absent}}
  - id: body-present
    request: {method: POST, path: /b/present, body: {present: true}}
    response: {headers: {x-route: body-present}}

  # --- JSONPath ---------------------------------------------------------------
  - id: jp-equals
    request: {method: POST, path: /jp/equals, body: {jsonpath: {"$.user.name": Ada}}}
    response: {headers: {x-route: jp-equals}}
  - id: jp-range
    request:
      method: POST
      path: /jp/range
      body: {jsonpath: {"$.amount": {gt: 10, lte: 100}, "$.fee": {gte: 1, lt: 5}}}
    response: {headers: {x-route: jp-range}}
  - id: jp-regex
    request:
      method: POST
      path: /jp/regex
      body: {jsonpath: {"$.email": {regex: "@example\\\\.com$"}}}
    response: {headers: {x-route: jp-regex}}
  - id: jp-one-of
    request:
      method: POST
      path: /jp/one-of
      body: {jsonpath: {"$.currency": {one_of: [usd, eur]}}}
    response: {headers: {x-route: jp-one-of}}
  - id: jp-present
    request: {method: POST, path: /jp/present, body: {jsonpath: {"$.coupon": {present: true}}}}
    response: {headers: {x-route: jp-present}}
  - id: jp-not-present
    request: {method: POST, path: /jp/not-present, body: {jsonpath: {"$.coupon": {present: false}}}}
    response: {headers: {x-route: jp-not-present}}
  - id: jp-wildcard
    request: {method: POST, path: /jp/wildcard, body: {jsonpath: {"$.items[*].sku": B}}}
    response: {headers: {x-route: jp-wildcard}}
  - id: jp-index
    request: {method: POST, path: /jp/index, body: {jsonpath: {"$.items[-1].sku": Z}}}
    response: {headers: {x-route: jp-index}}
  - id: jp-descend
    request: {method: POST, path: /jp/descend, body: {jsonpath: {"$..id": 7}}}
    response: {headers: {x-route: jp-descend}}
  - id: jp-quoted-key
    request: {method: POST, path: /jp/quoted, body: {jsonpath: {"$['odd key']": true}}}
    response: {headers: {x-route: jp-quoted-key}}
"""


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    root: Path = tmp_path_factory.mktemp("matchers")
    (root / "matchers.yaml").write_text(textwrap.dedent(STUBS).lstrip())
    with running_server(root) as srv, httpx.Client(base_url=srv.url, timeout=5.0) as client:
        yield client


def route(response: httpx.Response) -> str | None:
    """The id of the route that answered, or ``None`` for a miss."""
    if response.headers.get("x-stubforge-unmatched"):
        return None
    value: str | None = response.headers.get("x-route")
    return value


# ---------------------------------------------------------------------------- method


def test_single_method_matches_only_itself(http: httpx.Client) -> None:
    assert route(http.get("/m/single")) == "method-single"
    assert route(http.post("/m/single")) is None


def test_method_list(http: httpx.Client) -> None:
    assert route(http.put("/m/list")) == "method-list"
    assert route(http.patch("/m/list")) == "method-list"
    assert route(http.get("/m/list")) is None


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "OPTIONS", "PURGE"])
def test_any_method(http: httpx.Client, method: str) -> None:
    assert route(http.request(method, "/m/any")) == "method-any"
    assert route(http.request(method, "/m/default")) == "method-default-any"


# ---------------------------------------------------------------------------- path


def test_literal_path_and_trailing_slash_are_distinct(http: httpx.Client) -> None:
    assert route(http.get("/p/literal")) == "path-literal"
    assert route(http.get("/p/literal/")) == "path-literal-trailing-slash"
    assert route(http.get("/p/literally")) is None


def test_str_parameter_is_one_non_empty_segment(http: httpx.Client) -> None:
    assert route(http.get("/p/str/cus_1")) == "path-str"
    assert route(http.get("/p/str/")) is None
    assert route(http.get("/p/str/a/b")) is None


@pytest.mark.parametrize(
    ("value", "matches"), [("42", True), ("-7", True), ("4x", False), ("", False), ("1.5", False)]
)
def test_int_parameter(http: httpx.Client, value: str, matches: bool) -> None:
    assert (route(http.get(f"/p/num/{value}")) == "path-int") is matches


@pytest.mark.parametrize(
    ("value", "matches"),
    [
        ("123e4567-e89b-12d3-a456-426614174000", True),
        ("123E4567-E89B-12D3-A456-426614174000", True),
        ("123e4567e89b12d3a456426614174000", True),
        ("123e4567-e89b-12d3-a456", False),
        ("not-a-uuid", False),
    ],
)
def test_uuid_parameter(http: httpx.Client, value: str, matches: bool) -> None:
    assert (route(http.get(f"/p/uuid/{value}")) == "path-uuid") is matches


def test_parameter_with_prefix_and_suffix(http: httpx.Client) -> None:
    assert route(http.get("/p/files/report.json")) == "path-affixes"
    assert route(http.get("/p/files/.json")) is None
    assert route(http.get("/p/files/report.xml")) is None
    assert route(http.get("/p/versions/v2")) == "path-prefix"
    assert route(http.get("/p/versions/vx")) is None
    assert route(http.get("/p/versions/2")) is None


def test_catch_all_takes_the_rest_of_the_path(http: httpx.Client) -> None:
    assert route(http.get("/p/static/app.js")) == "path-catch-all"
    assert route(http.get("/p/static/css/deep/site.css")) == "path-catch-all"
    assert route(http.get("/p/static/")) == "path-catch-all"
    assert route(http.get("/p/stat")) is None


def test_percent_encoded_paths_are_matched_decoded(http: httpx.Client) -> None:
    assert route(http.get("/p/%6Citeral")) == "path-literal"


# ---------------------------------------------------------------------------- query


def test_query_equals_ignores_other_parameters(http: httpx.Client) -> None:
    assert route(http.get("/q", params={"expand": "sources", "x": "1"})) == "query-equals"
    assert route(http.get("/q", params={"expand": "other"})) is None
    assert route(http.get("/q")) is None


def test_query_scalar_shorthand_for_a_number(http: httpx.Client) -> None:
    assert route(http.get("/q/limit?limit=10")) == "query-number-shorthand"
    assert route(http.get("/q/limit?limit=100")) is None


def test_repeated_query_parameter_matches_when_any_value_does(http: httpx.Client) -> None:
    assert route(http.get("/q?expand=a&expand=sources")) == "query-equals"


def test_query_absent_and_present(http: httpx.Client) -> None:
    assert route(http.get("/q/absent")) == "query-absent"
    assert route(http.get("/q/absent?debug=1")) is None
    assert route(http.get("/q/present?debug=")) == "query-present"
    assert route(http.get("/q/present")) is None


def test_query_one_of(http: httpx.Client) -> None:
    assert route(http.get("/q/one-of?sort=desc")) == "query-one-of"
    assert route(http.get("/q/one-of?sort=DESC")) is None
    assert route(http.get("/q/one-of?sort=10")) == "query-one-of"  # YAML 10 means the text 10


# ---------------------------------------------------------------------------- headers


def test_header_names_are_case_insensitive(http: httpx.Client) -> None:
    assert route(http.get("/h", headers={"AUTHORIZATION": "Bearer sk_1"})) == "header-regex"
    assert route(http.get("/h", headers={"authorization": "Bearer sk_1"})) == "header-regex"
    assert route(http.get("/h", headers={"authorization": "Basic x"})) is None


def test_header_contains(http: httpx.Client) -> None:
    assert route(http.get("/h/contains", headers={"accept": "application/json"})) == (
        "header-contains"
    )
    assert route(http.get("/h/contains", headers={"accept": "text/html"})) is None


def test_header_value_case_insensitive(http: httpx.Client) -> None:
    assert route(http.get("/h/ci", headers={"x-mode": "fast"})) == "header-case-insensitive"
    assert route(http.get("/h/ci", headers={"x-mode": "slow"})) is None


def test_header_absent(http: httpx.Client) -> None:
    assert route(http.get("/h/absent")) == "header-absent"
    assert route(http.get("/h/absent", headers={"authorization": "x"})) is None


# ---------------------------------------------------------------------------- cookies


def test_cookies(http: httpx.Client) -> None:
    assert route(http.get("/c", headers={"cookie": "theme=dark; session=abc"})) == ("cookie-equals")
    assert route(http.get("/c", headers={"cookie": "session=abd"})) is None
    assert route(http.get("/c")) is None
    assert route(http.get("/c/regex", headers={"cookie": "session=s_123"})) == "cookie-regex"
    assert route(http.get("/c/regex", headers={"cookie": "session=s_12x"})) is None


# ---------------------------------------------------------------------------- body


def test_body_equals(http: httpx.Client) -> None:
    assert route(http.post("/b/equals", content=b"ping")) == "body-equals"
    assert route(http.post("/b/equals", content=b"ping ")) is None


def test_body_json_ignores_key_order_and_whitespace(http: httpx.Client) -> None:
    body = b'{ "b": [true, null],\n "a": 1.0 }'
    assert route(http.post("/b/json", content=body)) == "body-json"
    assert route(http.post("/b/json", json={"a": 1, "b": [True, None], "c": 0})) is None
    assert route(http.post("/b/json", json={"a": 1, "b": [None, True]})) is None


def test_body_json_true_is_not_one(http: httpx.Client) -> None:
    assert route(http.post("/b/json-bool", json={"flag": True})) == "body-json-bool"
    assert route(http.post("/b/json-bool", json={"flag": 1})) is None
    assert route(http.post("/b/json-bool", json={"flag": "true"})) is None


def test_body_json_partial_is_a_subset(http: httpx.Client) -> None:
    full = {
        "currency": "usd",
        "amount": 5,
        "items": [{"sku": "B", "qty": 1}, {"sku": "A", "qty": 2}],
        "meta": {"env": "test", "run": 7},
    }
    assert route(http.post("/b/partial", json=full)) == "body-json-partial"
    assert route(http.post("/b/partial", json={**full, "currency": "eur"})) is None
    assert route(http.post("/b/partial", json={**full, "items": [{"sku": "B"}]})) is None
    assert route(http.post("/b/partial", json={**full, "meta": {"env": "prod"}})) is None


@pytest.mark.parametrize(
    "path", ["/b/json", "/b/partial", "/jp/equals", "/jp/range", "/jp/not-present"]
)
@pytest.mark.parametrize(
    "body", [b"{not json", b'{"a": 1', b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000, b""]
)
def test_malformed_json_simply_does_not_match(http: httpx.Client, path: str, body: bytes) -> None:
    response = http.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 404
    assert response.json()["error"] == "no stub matched"


def test_body_regex_contains_one_of(http: httpx.Client) -> None:
    assert route(http.post("/b/regex", content=b"amount=250")) == "body-regex"
    assert route(http.post("/b/regex", content=b"amount=25x")) is None
    assert route(http.post("/b/contains", content=b"hay needle hay")) == "body-contains"
    assert route(http.post("/b/contains", content=b"hay")) is None
    assert route(http.post("/b/one-of", content=b"no")) == "body-one-of"
    assert route(http.post("/b/one-of", content=b"42")) == "body-one-of"
    assert route(http.post("/b/one-of", content=b"maybe")) is None


def test_body_absent_and_present(http: httpx.Client) -> None:
    assert route(http.post("/b/absent")) == "body-absent"
    assert route(http.post("/b/absent", content=b"x")) is None
    assert route(http.post("/b/present", content=b"x")) == "body-present"
    assert route(http.post("/b/present")) is None


# ---------------------------------------------------------------------------- JSONPath


def test_jsonpath_scalar_shorthand_is_equals(http: httpx.Client) -> None:
    assert route(http.post("/jp/equals", json={"user": {"name": "Ada"}})) == "jp-equals"
    assert route(http.post("/jp/equals", json={"user": {"name": "Bob"}})) is None
    assert route(http.post("/jp/equals", json={"user": "Ada"})) is None


@pytest.mark.parametrize(
    ("amount", "fee", "matches"),
    [
        (11, 1, True),
        (100, 4.99, True),
        (10, 1, False),
        (101, 1, False),
        (50, 5, False),
        (50, 0.5, False),
        ("50", 1, False),
        (True, 1, False),
    ],
)
def test_jsonpath_comparisons(
    http: httpx.Client, amount: object, fee: object, matches: bool
) -> None:
    response = http.post("/jp/range", json={"amount": amount, "fee": fee})
    assert (route(response) == "jp-range") is matches


def test_jsonpath_regex_applies_to_strings_only(http: httpx.Client) -> None:
    assert route(http.post("/jp/regex", json={"email": "a@example.com"})) == "jp-regex"
    assert route(http.post("/jp/regex", json={"email": "a@example.org"})) is None
    assert route(http.post("/jp/regex", json={"email": ["a@example.com"]})) is None


def test_jsonpath_one_of(http: httpx.Client) -> None:
    assert route(http.post("/jp/one-of", json={"currency": "eur"})) == "jp-one-of"
    assert route(http.post("/jp/one-of", json={"currency": "gbp"})) is None


def test_jsonpath_present_and_not_present(http: httpx.Client) -> None:
    assert route(http.post("/jp/present", json={"coupon": None})) == "jp-present"
    assert route(http.post("/jp/present", json={})) is None
    assert route(http.post("/jp/not-present", json={"other": 1})) == "jp-not-present"
    assert route(http.post("/jp/not-present", json={"coupon": "X"})) is None


def test_jsonpath_wildcard_index_and_descent(http: httpx.Client) -> None:
    items = {"items": [{"sku": "A"}, {"sku": "B"}, {"sku": "Z"}]}
    assert route(http.post("/jp/wildcard", json=items)) == "jp-wildcard"
    assert route(http.post("/jp/wildcard", json={"items": [{"sku": "A"}]})) is None
    assert route(http.post("/jp/index", json=items)) == "jp-index"
    assert route(http.post("/jp/index", json={"items": [{"sku": "Z"}, {"sku": "A"}]})) is None
    deep = {"order": {"lines": [{"product": {"id": 7}}]}}
    assert route(http.post("/jp/descend", json=deep)) == "jp-descend"
    assert route(http.post("/jp/descend", json={"order": {"id": 8}})) is None


def test_jsonpath_quoted_key(http: httpx.Client) -> None:
    assert route(http.post("/jp/quoted", content=json.dumps({"odd key": True}))) == (
        "jp-quoted-key"
    )
    assert route(http.post("/jp/quoted", json={"odd key": 1})) is None
