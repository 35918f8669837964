"""Safe by default: reads are probed, writes only when allowed."""

from __future__ import annotations

import json

import pytest

from stubforge.compile.exchange import NO_JSON, Exchange
from stubforge.drift.safety import Allowed, refusal
from stubforge.model.stub import Route


def _ex(method: str, path: str, body: object = NO_JSON, **headers: str) -> Exchange:
    text = json.dumps(body) if body is not NO_JSON else None
    return Exchange(
        0, 0.0, "https", "api.example", method, path, [], dict(headers), text, body,
        200, {}, None, None, NO_JSON, "", 0.0, None,
    )  # fmt: skip


def _route(path: str = "/v1/things", **extra: object) -> Route:
    return Route.model_validate({"request": {"method": "POST", "path": path}, **extra})


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_reads_are_probed(method: str) -> None:
    assert refusal(_ex(method, "/v1/things"), _route(), []) is None


def test_writes_are_refused_with_the_way_to_allow_them() -> None:
    why = refusal(_ex("DELETE", "/v1/things/1"), _route("/v1/things/{id}"), [])
    assert why is not None and "--allow 'DELETE /v1/things/{id}'" in why


def test_allow_list_by_template_or_recorded_path_and_route_opt_in() -> None:
    ex = _ex("POST", "/v1/tokens")
    assert refusal(ex, _route("/v1/tokens"), [Allowed.parse("post /v1/tokens")]) is None
    assert refusal(ex, _route("/v1/tokens"), [Allowed.parse("POST /v1/other")]) is not None
    assert refusal(ex, _route("/v1/tokens", drift={"probe": True}), []) is None


@pytest.mark.parametrize(
    ("body", "headers", "probed"),
    [
        ({"jsonrpc": "2.0", "method": "eth_getBalance"}, {}, True),
        ({"jsonrpc": "2.0", "method": "eth_sendTransaction"}, {}, False),
        ({"query": "query Me { me { id } }"}, {}, True),
        ({"query": "{ me { id } }"}, {}, True),
        ({"query": "mutation Pay { pay { id } }"}, {}, False),
        (NO_JSON, {"x-amz-target": "DynamoDB_20120810.GetItem"}, True),
        (NO_JSON, {"x-amz-target": "DynamoDB_20120810.PutItem"}, False),
        (NO_JSON, {"x-amz-target": "Logs.DescribeLogGroups"}, True),
    ],
)
def test_rpc_operations_that_read_as_reads(
    body: object, headers: dict[str, str], probed: bool
) -> None:
    ex = _ex("POST", "/rpc", body, **headers)
    assert (refusal(ex, _route("/rpc"), []) is None) is probed


def test_a_bad_allow_entry_says_how_to_write_it() -> None:
    with pytest.raises(ValueError, match="METHOD /path"):
        Allowed.parse("POST")
