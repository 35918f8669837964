"""One WireMock mapping to one route: matching, responses, priority, scenarios, and the
JSON pointer of every part that is not converted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stubforge.model.stub import StubFile
from stubforge.wiremock.convert import convert
from stubforge.wiremock.issues import Converted
from stubforge.wiremock.source import Mapping


def _convert(data: dict[str, Any], files: Path | None = None) -> Converted:
    return convert(Mapping("mappings/a.json", "/mappings/0", data, files))


def _route(data: dict[str, Any]) -> dict[str, Any]:
    converted = _convert(data)
    assert converted.issues == [], converted.issues
    assert converted.route is not None
    StubFile.model_validate({"version": 1, "routes": [converted.route]})
    return converted.route


def test_url_forms() -> None:
    url = _route({"request": {"url": "/a/b?x=1&y=2"}, "response": {}})["request"]
    assert url == {
        "method": "ANY",
        "path": "/a/b",
        "query": {"x": {"equals": "1"}, "y": {"equals": "2"}},
    }
    template = _route({"request": {"urlPathTemplate": "/u/{id}"}, "response": {}})
    assert template["request"]["path"] == "/u/{id}"
    pattern = _route({"request": {"urlPathPattern": "/orders/[0-9]+"}, "response": {"status": 200}})
    assert pattern["request"]["path"] == "/orders/{rest:path}"
    assert pattern["responses"] == [
        {"when": {"path": {"rest": {"regex": "^(?:[0-9]+)$"}}}, "status": 200}
    ]
    literal = _route({"request": {"urlPattern": "/plain"}, "response": {}})
    assert literal["request"]["path"] == "/plain" and "responses" not in literal


def test_value_patterns_and_bodies() -> None:
    request = _route(
        {
            "request": {
                "method": "post",
                "urlPath": "/c",
                "queryParameters": {"q": {"matches": "a|b"}, "d": {"absent": True}},
                "headers": {"X-T": {"equalTo": "acme", "caseInsensitive": True}},
                "cookies": {"s": {"contains": "x"}},
                "basicAuthCredentials": {"username": "u", "password": "p"},
                "bodyPatterns": [
                    {"matchesJsonPath": "$.a"},
                    {"matchesJsonPath": {"expression": "$.b", "equalTo": "x"}},
                ],
            },
            "response": {},
        }
    )["request"]
    assert request["method"] == "POST"
    assert request["query"] == {"q": {"regex": "^(?:a|b)$"}, "d": {"absent": True}}
    assert request["headers"]["X-T"] == {"equals": "acme", "case_insensitive": True}
    assert request["headers"]["Authorization"] == {"equals": "Basic dTpw"}
    assert request["cookies"] == {"s": {"contains": "x"}}
    assert request["body"] == {"jsonpath": {"$.a": {"present": True}, "$.b": {"equals": "x"}}}
    json_body = {"equalToJson": '{"a": [1, 2]}', "ignoreExtraElements": True}
    assert _route({"request": {"bodyPatterns": [json_body]}, "response": {}})["request"][
        "body"
    ] == {"json_partial": {"a": [1, 2]}}


def test_response_behaviour_priority_and_scenario() -> None:
    route = _route(
        {
            "name": "Get a thing!",
            "priority": 1,
            "scenarioName": "To do list",
            "requiredScenarioState": "Started",
            "newScenarioState": "Item added",
            "request": {"url": "/t"},
            "response": {
                "status": 201,
                "headers": {"Retry-After": 5},
                "jsonBody": {"a": 1},
                "delayDistribution": {"type": "lognormal", "median": 100, "sigma": 0.5},
                "chunkedDribbleDelay": {"numberOfChunks": 4, "totalDuration": 400},
            },
        }
    )
    assert (route["id"], route["description"], route["priority"]) == (
        "Get-a-thing",
        "Get a thing!",
        4,
    )
    assert route["state"] == {"scenario": "To-do-list", "requires": "started", "next": "Item-added"}
    assert route["response"] == {"status": 201, "headers": {"Retry-After": "5"}, "json": {"a": 1}}
    assert route["latency"] == {"p50": "100ms", "p99": "320ms"}
    assert route["dribble"] == {"chunks": 4, "duration": "400ms"}
    fault = _route({"request": {"url": "/f"}, "response": {"fault": "EMPTY_RESPONSE"}})
    assert fault["errors"] == [{"id": "wiremock-fault", "rate": 1.0, "fault": "empty_response"}]
    assert _route({"priority": 9, "request": {}, "response": {}})["priority"] == -4


def test_templated_body_file(tmp_path: Path) -> None:
    (tmp_path / "u.json").write_text('{"id": "{{request.path.[1]}}"}')
    converted = _convert(
        {
            "request": {"urlPathTemplate": "/users/{id}"},
            "response": {"bodyFileName": "u.json", "transformers": ["response-template"]},
        },
        tmp_path,
    )
    assert converted.issues == []
    assert converted.route is not None
    assert converted.route["response"] == {
        "status": 200,
        "template": True,
        "body_file": "bodies/u.json",
    }
    assert converted.body_files == {
        "bodies/u.json": b'{"id": "{{ request_path.split(\'/\')[2] }}"}'
    }


def test_what_is_not_converted_is_named_by_pointer() -> None:
    converted = _convert(
        {
            "request": {
                "url": "/x",
                "headers": {"Etag": {"doesNotMatch": "x"}},
                "bodyPatterns": [{"equalToXml": "<a/>"}],
            },
            "response": {"status": 418, "statusMessage": "teapot", "transformers": ["x"]},
            "postServeActions": [{"name": "webhook"}],
        }
    )
    assert converted.outcome == "partial"
    assert [(i.file, i.pointer) for i in converted.issues] == [
        ("mappings/a.json", "/mappings/0/request/headers/Etag/doesNotMatch"),
        ("mappings/a.json", "/mappings/0/request/bodyPatterns/0/equalToXml"),
        ("mappings/a.json", "/mappings/0/response/statusMessage"),
        ("mappings/a.json", "/mappings/0/response/transformers"),
        ("mappings/a.json", "/mappings/0/postServeActions"),
    ]
    proxy = _convert({"request": {}, "response": {"proxyBaseUrl": "http://x"}})
    assert (proxy.outcome, proxy.issues[0].pointer) == ("none", "/mappings/0/response/proxyBaseUrl")
    assert json.dumps(str(proxy.issues[0])).startswith('"mappings/a.json#/mappings/0/response')


def test_a_url_pattern_over_the_query_string_is_reported() -> None:
    converted = _convert({"request": {"urlPattern": "/a\\?b=[0-9]+"}, "response": {}})
    assert [i.pointer for i in converted.issues] == ["/mappings/0/request/urlPattern"]
    assert _route({"request": {"urlPattern": "/a/(b|c)"}, "response": {}})["request"]["path"] == (
        "/a/{rest:path}"
    )


def test_malformed_mappings_are_reported_not_raised() -> None:
    for data in [
        {"priority": "high", "request": {}, "response": {}},
        {"request": {"basicAuthCredentials": {}}, "response": {}},
        {"request": {}, "response": {"delayDistribution": {"type": "uniform"}}},
        {"request": {}, "response": {"status": "teapot"}},
        {"request": {"queryParameters": []}, "response": {"headers": []}},
        {"request": {"bodyPatterns": {}}, "response": {"chunkedDribbleDelay": {}}},
    ]:
        converted = _convert(data)
        assert converted.issues, data
        assert all(i.file == "mappings/a.json" for i in converted.issues)


def test_form_parameters_are_jsonpath_conditions_on_the_form_body() -> None:
    request = _route(
        {
            "request": {
                "formParameters": {"grant_type": {"equalTo": "x"}, "scope": {"absent": True}}
            },
            "response": {},
        }
    )["request"]
    assert request["body"] == {
        "jsonpath": {"$['grant_type']": {"equals": "x"}, "$['scope']": {"present": False}}
    }


def test_braces_without_the_templating_transformer_stay_literal() -> None:
    route = _route(
        {"request": {}, "response": {"headers": {"X-A": "{{x}}"}, "body": "{{request.path}}"}}
    )
    assert route["response"]["template"] is False
