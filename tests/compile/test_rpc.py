"""Every RPC shape gets one route per operation; an operation never recorded gets an
honest miss (the provider's unknown-operation answer, or the near-miss 404)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory
from tests.server import running_server

from .factory import Tape

FORM = "application/x-www-form-urlencoded"
XML = "text/xml"
Call = tuple[str, dict[str, str], str]
"""(path, request headers, request body)."""


def _record(tape: Tape, call: Call, answer: str, status: int = 200) -> None:
    path, headers, body = call
    tape.add("POST", path, status, headers=headers, text=answer)
    ctype = headers.get("content-type", "")
    tape.entries[-1]["request"]["postData"] = {"mimeType": ctype, "text": body}


def _form(action: str, version: str, **extra: str) -> Call:
    body = "&".join(f"{k}={v}" for k, v in {"Action": action, "Version": version, **extra}.items())
    return ("/", {"content-type": FORM}, body)


def _target(target: str) -> Call:
    return ("/", {"x-amz-target": target, "content-type": "application/x-amz-json-1.0"}, "{}")


def _graphql(doc: dict[str, Any]) -> Call:
    return ("/graphql", {"content-type": "application/json"}, json.dumps(doc))


def _jsonrpc(doc: Any) -> Call:
    return ("/rpc", {"content-type": "application/json"}, json.dumps(doc))


def _soap(operation: str, action: str = '""') -> Call:
    body = (
        '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        f'<soap:Body><m:{operation} xmlns:m="urn:q"><m:Id>1</m:Id></m:{operation}></soap:Body>'
        "</soap:Envelope>"
    )
    return ("/soap", {"content-type": XML, "soapaction": action}, body)


HASH = "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38"
RECORDED: list[tuple[Call, str]] = [
    (_form("GetCallerIdentity", "2011-06-15"), "<GetCallerIdentityResponse/>"),
    (_form("ListTopics", "2010-03-31"), "<ListTopicsResponse/>"),
    (_form("Publish", "2010-03-31", Message="hi"), "<PublishResponse/>"),
    (_target("AmazonSQS.ListQueues"), '{"QueueUrls":[]}'),
    (_target("AmazonSQS.GetQueueUrl"), '{"QueueUrl":"q"}'),
    (_graphql({"operationName": "Me", "query": "query Me { me { id } }"}), '{"data":{"me":1}}'),
    (_graphql({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": HASH}}}), '{"p":1}'),
    (_jsonrpc({"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber"}), '{"result":"0x1"}'),
    (
        _jsonrpc(
            [{"jsonrpc": "2.0", "id": 1, "method": "a"}, {"jsonrpc": "2.0", "id": 2, "method": "b"}]
        ),
        '[{"result":1},{"result":2}]',
    ),
    (_soap("GetQuote"), "<soap:Envelope><q>1</q></soap:Envelope>"),
    (_soap("GetTime"), "<soap:Envelope><t>2</t></soap:Envelope>"),
]
UNSEEN: list[Call] = [
    _form("AssumeRole", "2011-06-15"),
    _form("ListTopics", "2099-01-01"),
    _target("AmazonSQS.DeleteQueue"),
    _graphql({"operationName": "Other", "query": "query Other { x }"}),
    _graphql({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}),
    _jsonrpc({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}),
    _jsonrpc([{"jsonrpc": "2.0", "id": 1, "method": "a"}]),
    _soap("Cancel"),
]


@pytest.fixture(scope="module")
def mock_url(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("rpc")
    tape = Tape("https://rpc.cloud.example")
    for call, answer in RECORDED:
        _record(tape, call, answer)
    tape.write(tmp / "rec")
    output = compile_directory(tmp / "rec", Hints())
    write_output(tmp / "stubs", output)
    ids = [r.id for r in output.report.routes]
    assert len(ids) == len(RECORDED), ids
    with running_server(tmp / "stubs") as server:
        yield server.url


def _send(url: str, call: Call) -> httpx.Response:
    path, headers, body = call
    return httpx.post(url + path, headers=headers, content=body.encode())


@pytest.mark.parametrize(("call", "answer"), RECORDED, ids=[a for _, a in RECORDED])
def test_each_operation_gets_its_own_answer(mock_url: str, call: Call, answer: str) -> None:
    got = _send(mock_url, call)
    assert (got.status_code, got.text) == (200, answer)


@pytest.mark.parametrize("call", UNSEEN, ids=[c[2][:40] for c in UNSEEN])
def test_an_unseen_operation_is_an_honest_miss(mock_url: str, call: Call) -> None:
    got = _send(mock_url, call)
    assert got.status_code == 404
    assert got.text not in {a for _, a in RECORDED}


def test_the_recorded_unknown_operation_answer_is_given_to_unseen_ones(tmp_path: Path) -> None:
    tape = Tape("https://sts.cloud.example")
    _record(tape, _form("GetCallerIdentity", "2011-06-15"), "<GetCallerIdentityResponse/>")
    error = "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>"
    _record(tape, _form("NoSuchThing", "2011-06-15"), error, status=400)
    tape.write(tmp_path / "rec")
    write_output(tmp_path / "stubs", compile_directory(tmp_path / "rec", Hints()))
    with running_server(tmp_path / "stubs") as server:
        known = _send(server.url, _form("GetCallerIdentity", "2011-06-15"))
        unseen = _send(server.url, _form("AssumeRole", "2011-06-15"))
    assert known.text == "<GetCallerIdentityResponse/>"
    assert (unseen.status_code, unseen.text) == (400, error)


def test_unseen_operations_get_the_providers_error_shape_per_family(tmp_path: Path) -> None:
    tape = Tape("https://aws.cloud.example")
    _record(tape, _form("ListTopics", "2010-03-31"), "<ListTopicsResponse/>")
    not_found = (
        "<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code>"
        "<Message>Topic does not exist</Message></Error><RequestId>r1</RequestId></ErrorResponse>"
    )
    _record(tape, _form("GetTopicAttributes", "2010-03-31"), not_found, status=404)
    _record(tape, _target("AmazonSQS.ListQueues"), '{"QueueUrls":[]}')
    missing = '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"no queue"}'
    _record(tape, _target("AmazonSQS.GetQueueUrl"), missing, status=400)
    _record(tape, _jsonrpc({"jsonrpc": "2.0", "id": 1, "method": "ok"}), '{"result":1}')
    failed = '{"jsonrpc":"2.0","id":2,"error":{"code":-32000,"message":"boom"}}'
    _record(tape, _jsonrpc({"jsonrpc": "2.0", "id": 2, "method": "fails"}), failed)
    tape.write(tmp_path / "rec")
    write_output(tmp_path / "stubs", compile_directory(tmp_path / "rec", Hints()))
    with running_server(tmp_path / "stubs") as server:
        xml = _send(server.url, _form("Publish", "2010-03-31"))
        aws_json = _send(server.url, _target("AmazonSQS.DeleteQueue"))
        jsonrpc = _send(server.url, _jsonrpc({"jsonrpc": "2.0", "id": 7, "method": "nope"}))
        known = _send(server.url, _form("ListTopics", "2010-03-31"))
    assert known.text == "<ListTopicsResponse/>"
    assert xml.status_code == 400 and "<Code>InvalidAction</Code>" in xml.text
    assert "<RequestId>r1</RequestId>" in xml.text  # the provider's envelope
    assert aws_json.status_code == 400
    assert aws_json.json()["__type"] == "UnknownOperationException"
    assert jsonrpc.json() == {
        "jsonrpc": "2.0",
        "id": 7,
        "error": {"code": -32601, "message": "Method not found"},
    }


def test_unseen_graphql_operations_get_the_graphql_error_shape(tmp_path: Path) -> None:
    tape = Tape("https://graph.cloud.example")
    me = _graphql({"operationName": "Me", "query": "query Me { me { id } }"})
    _record(tape, me, '{"data":{"me":{"id":1}}}')
    bad = _graphql({"operationName": "Bad", "query": "query Bad { nope }"})
    _record(tape, bad, '{"errors":[{"message":"Cannot query field nope"}]}', status=400)
    stale = _graphql({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "1" * 64}}})
    _record(tape, stale, '{"errors":[{"message":"PersistedQueryNotFound"}]}')
    tape.write(tmp_path / "rec")
    write_output(tmp_path / "stubs", compile_directory(tmp_path / "rec", Hints()))
    other = _graphql({"operationName": "Other", "query": "query Other { x }"})
    unknown_hash = _graphql({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": HASH}}})
    with running_server(tmp_path / "stubs") as server:
        by_name = _send(server.url, other)
        by_hash = _send(server.url, unknown_hash)
        known = _send(server.url, me)
    assert known.json() == {"data": {"me": {"id": 1}}}
    assert (
        by_name.status_code == 400 and "Unknown operation" in by_name.json()["errors"][0]["message"]
    )
    assert by_hash.json() == {"errors": [{"message": "PersistedQueryNotFound"}]}
