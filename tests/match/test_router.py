"""Router precedence (documented in ``app/match/router.py``) and the JSON-body index.

Stub YAML goes in, is loaded and compiled exactly as the server does it, and requests are
matched through the router; the index must always give the answer a plain scan gives.
"""

from __future__ import annotations

import itertools
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from stubforge.load.loader import load_directory
from stubforge.match.request import Request
from stubforge.match.router import Match, MatchRoute, Miss, Router
from stubforge.serve.stubset import build_stubset


def router_for(tmp_path: Path, **files: str) -> Router:
    """Load ``files`` (name → YAML) the way the server does and return the router."""
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text).lstrip())
    result = load_directory(tmp_path)
    assert result.ok, [str(e) for e in result.errors]
    return build_stubset(result).router


def req(
    method: str,
    path: str,
    query: str = "",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request(method, path, query.encode(), raw, body)


def hit(router: Router, request: Request) -> str | None:
    result = router.match(request)
    return result.route.id if isinstance(result, Match) else None


# ---------------------------------------------------------------------------- precedence


def test_higher_priority_wins_even_over_a_literal(tmp_path: Path) -> None:
    r = router_for(
        tmp_path,
        **{
            "a.yaml": """
        version: 1
        routes:
          - {id: literal, request: {path: /v1/ping}}
          - {id: template-high, priority: 5, request: {path: "/v1/{what}"}}
          - {id: template-low, priority: -1, request: {path: "/v2/{what}"}}
          - {id: literal-v2, priority: -2, request: {path: /v2/ping}}
        """
        },
    )
    assert hit(r, req("GET", "/v1/ping")) == "template-high"
    assert hit(r, req("GET", "/v2/ping")) == "template-low"


def test_literal_beats_template_at_equal_priority(tmp_path: Path) -> None:
    r = router_for(
        tmp_path,
        **{
            "a.yaml": """
        version: 1
        routes:
          - {id: template, request: {path: "/v1/customers/{id}"}}
          - {id: literal, request: {path: /v1/customers/search}}
        """
        },
    )
    assert hit(r, req("GET", "/v1/customers/search")) == "literal"
    assert hit(r, req("GET", "/v1/customers/cus_1")) == "template"


def test_more_specific_template_wins(tmp_path: Path) -> None:
    r = router_for(
        tmp_path,
        **{
            "a.yaml": """
        version: 1
        routes:
          - {id: catch-all, request: {path: "/files/{rest:path}"}}
          - {id: two-params, request: {path: "/files/{a}/{b}"}}
          - {id: one-literal, request: {path: "/files/{a}/meta"}}
          - {id: any-item, request: {path: "/items/{id}"}}
          - {id: int-item, request: {path: "/items/{id:int}"}}
          - {id: uuid-item, request: {path: "/items/{id:uuid}"}}
          - {id: one-file, request: {path: "/files/{name}"}}
        """
        },
    )
    assert hit(r, req("GET", "/files/x/meta")) == "one-literal"
    assert hit(r, req("GET", "/files/x/y")) == "two-params"
    assert hit(r, req("GET", "/files/x")) == "one-file"
    assert hit(r, req("GET", "/files/x/y/z")) == "catch-all"
    assert hit(r, req("GET", "/files/")) == "catch-all"
    assert hit(r, req("GET", "/files")) is None
    assert r.routes[0].template.match("/files") is None  # near misses agree with the router
    assert r.routes[0].template.match("/files/") == {"rest": ""}
    assert hit(r, req("GET", "/items/12")) == "int-item"
    assert hit(r, req("GET", "/items/0b7f5a9e-52b4-4f4b-9b0b-6c1f4a7f6d10")) == "uuid-item"
    assert hit(r, req("GET", "/items/abc")) == "any-item"


def test_more_conditions_win_then_fall_back(tmp_path: Path) -> None:
    r = router_for(
        tmp_path,
        **{
            "a.yaml": """
        version: 1
        routes:
          - {id: plain, request: {method: GET, path: /charges}}
          - {id: by-customer, request: {method: GET, path: /charges, query: {customer: c1}}}
          - id: by-customer-and-auth
            request:
              method: GET
              path: /charges
              query: {customer: c1}
              headers: {authorization: {present: true}}
        """
        },
    )
    assert hit(r, req("GET", "/charges", "customer=c1", headers={"Authorization": "x"})) == (
        "by-customer-and-auth"
    )
    assert hit(r, req("GET", "/charges", "customer=c1")) == "by-customer"
    assert hit(r, req("GET", "/charges", "customer=c2")) == "plain"


def test_definition_order_breaks_ties_across_files(tmp_path: Path) -> None:
    r = router_for(
        tmp_path,
        **{
            "b.yaml": "version: 1\nroutes:\n  - {id: b-first, request: {path: /same}}\n",
            "a.yaml": """
                version: 1
                routes:
                  - {id: a-first, request: {path: /same}}
                  - {id: a-second, request: {path: /same}}
                """,
        },
    )
    assert hit(r, req("GET", "/same")) == "a-first"


def test_priority_applies_across_literal_and_template_conditions(tmp_path: Path) -> None:
    r = router_for(
        tmp_path,
        **{
            "a.yaml": """
        version: 1
        routes:
          - {id: literal-picky, request: {path: /x, query: {a: "1"}}}
          - {id: template-catch, priority: -5, request: {path: "/{any}"}}
        """
        },
    )
    assert hit(r, req("GET", "/x", "a=1")) == "literal-picky"
    assert hit(r, req("GET", "/x", "a=2")) == "template-catch"


def test_method_mismatch_on_a_known_path_is_distinguished(tmp_path: Path) -> None:
    r = router_for(
        tmp_path,
        **{
            "a.yaml": """
        version: 1
        routes:
          - {request: {method: [GET, DELETE], path: "/things/{id}"}}
          - {request: {method: POST, path: /things}}
          - {request: {method: GET, path: /cond, query: {a: "1"}}}
        """
        },
    )
    assert r.match(req("PUT", "/things/1")) == Miss(allowed=("DELETE", "GET"), path_matched=True)
    assert r.match(req("GET", "/things")) == Miss(allowed=("POST",), path_matched=True)
    assert r.match(req("GET", "/cond")) == Miss(allowed=(), path_matched=True)
    assert r.match(req("GET", "/nothing")) == Miss(allowed=(), path_matched=False)


def test_route_ids_are_generated_when_omitted(tmp_path: Path) -> None:
    r = router_for(
        tmp_path,
        **{
            "a.yaml": """
        version: 1
        routes:
          - {request: {method: GET, path: /a}}
          - {request: {method: GET, path: /a}}
          - {request: {method: [GET, POST], path: "/b/{id}"}}
        """
        },
    )
    assert [route.id for route in r.routes] == ["GET /a", "GET /a#2", "GET|POST /b/{id}"]


# ---------------------------------------------------------------------------- JSON index

INDEXED = """
version: 1
routes:
  - {id: amount-1, request: {method: POST, path: /pay, body: {json: {amount: 1}}}}
  - {id: amount-2, request: {method: POST, path: /pay, body: {json: {amount: 2}}}}
  - {id: amount-true, request: {method: POST, path: /pay, body: {json: {amount: true}}}}
  - {id: amount-1.5, request: {method: POST, path: /pay, body: {json: {amount: 1.5}}}}
  - id: nested
    request: {method: POST, path: /pay, body: {json: {amount: 3, card: {cvc: "1", n: [1, 2]}}}}
  - id: amount-1-eur
    priority: 1
    request: {method: POST, path: /pay, body: {json: {amount: 1}}, query: {currency: eur}}
  - id: big-amount
    request: {method: POST, path: /pay, body: {jsonpath: {"$.amount": {gt: 1000}}}}
  - id: partial-usd
    request: {method: POST, path: /pay, body: {json_partial: {currency: usd}}}
  - id: template-json
    request: {method: POST, path: "/{endpoint}", body: {json: {amount: 2}}}
  - id: fallback
    priority: -1
    request: {method: POST, path: /pay}
"""

BODIES: list[Any] = [
    {"amount": 1},
    {"amount": 1.0},
    {"amount": 2},
    {"amount": True},
    {"amount": 1.5},
    {"amount": "1"},
    {"amount": 3, "card": {"n": [1, 2], "cvc": "1"}},
    {"amount": 3, "card": {"n": [2, 1], "cvc": "1"}},
    {"amount": 5000},
    {"amount": 1, "currency": "usd"},
    {"currency": "usd"},
    [1],
    None,
]


def scan(routes: list[MatchRoute], request: Request) -> str | None:
    """The reference answer: every route, in precedence order, without any index."""
    for route in sorted(routes, key=lambda r: r.sort_key):
        if request.method not in route.methods and "ANY" not in route.methods:
            continue
        params = route.template.match(request.path)
        if params is not None and route.accepts(request, params):
            return route.id
    return None


def test_json_index_is_used_and_agrees_with_a_scan(tmp_path: Path) -> None:
    r = router_for(tmp_path, **{"a.yaml": INDEXED})
    bucket = r._literal["/pay"].bucket("POST")
    assert bucket is not None and bucket.index is not None, "the /pay bucket should be indexed"
    raw = [json.dumps(b).encode() for b in BODIES] + [b"{broken", b"", b"\xff"]
    raw += [b'{ "amount" : 1.0 }', b'{"card": {"cvc": "1", "n": [1, 2]}, "amount": 3.0}']
    for body, query, path in itertools.product(raw, ["", "currency=eur"], ["/pay", "/other"]):
        request = req("POST", path, query, body)
        assert hit(r, request) == scan(r.routes, request), (path, query, body)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"amount": 1}, "amount-1"),
        ({"amount": 1.0}, "amount-1"),
        ({"amount": True}, "amount-true"),
        ({"amount": 1.5}, "amount-1.5"),
        ({"amount": "1"}, "fallback"),
        ({"card": {"n": [1, 2], "cvc": "1"}, "amount": 3}, "nested"),
        ({"amount": 5000}, "big-amount"),
        ({"amount": 1, "currency": "usd"}, "partial-usd"),
    ],
)
def test_json_index_answers(tmp_path: Path, body: Any, expected: str) -> None:
    r = router_for(tmp_path, **{"a.yaml": INDEXED})
    assert hit(r, req("POST", "/pay", body=json.dumps(body).encode())) == expected


def test_json_index_respects_priority_of_conditions(tmp_path: Path) -> None:
    r = router_for(tmp_path, **{"a.yaml": INDEXED})
    body = json.dumps({"amount": 1}).encode()
    assert hit(r, req("POST", "/pay", "currency=eur", body)) == "amount-1-eur"
    assert hit(r, req("POST", "/elsewhere", body=json.dumps({"amount": 2}).encode())) == (
        "template-json"
    )
