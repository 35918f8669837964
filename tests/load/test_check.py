"""``stubforge check``: every broken stub file gives exact ``file:line:col: field: message``
lines, all at once, and exit code 1; a good directory gives a one-line summary and 0."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from stubforge.cli import main

# (case id, file text, expected lines with {f} standing for the file's displayed path)
BROKEN: list[tuple[str, str, list[str]]] = [
    (
        "yaml-syntax",
        """
        version: 1
        routes:
          - request: {method: GET, path: /a
        """,
        [
            "{f}:4:1: YAML syntax error: did not find expected ',' or '}' "
            "(quote values that contain { } [ ] or , inside a {...} or [...])"
        ],
    ),
    (
        "duplicate-key",
        """
        version: 1
        routes:
          - request: {path: /a}
            request: {path: /b}
        """,
        ["{f}:4:5: routes[0]: duplicate key 'request' (first defined at line 3)"],
    ),
    (
        "unknown-key-with-suggestion",
        """
        version: 1
        routes:
          - request: {path: /a}
            respons: {status: 200}
        """,
        [
            "{f}:4:5: routes[0].respons: unknown field 'respons'; did you mean 'response'? "
            "(valid: {route_fields})"
        ],
    ),
    (
        "unknown-matcher-operator",
        """
        version: 1
        routes:
          - request: {path: /a, query: {q: {equal: x}}}
        """,
        [
            "{f}:3:37: routes[0].request.query.q.equal: unknown field 'equal'; did you mean "
            "'equals'? (valid: equals, regex, contains, one_of, present, absent, case_insensitive)"
        ],
    ),
    (
        "wrong-type",
        """
        version: 1
        routes:
          - request: {path: /a, headers: [authorization]}
        """,
        ["{f}:3:34: routes[0].request.headers: expected a mapping (got a list)"],
    ),
    (
        "bad-status-text",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {status: ok}
        """,
        [
            "{f}:4:24: routes[0].response.status: Input should be a valid integer, unable to "
            "parse string as an integer (got 'ok')"
        ],
    ),
    (
        "bad-status-range",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {status: 700}
        """,
        [
            "{f}:4:24: routes[0].response.status: Input should be less than or equal to 599 "
            "(got 700)"
        ],
    ),
    (
        "bad-duration-unitless",
        """
        version: 1
        routes:
          - request: {path: /a}
            latency: 5
        """,
        [
            "{f}:4:14: routes[0].latency: a duration needs a unit, e.g. '5ms' or '5s' "
            "(got the number 5)"
        ],
    ),
    (
        "bad-duration-text",
        """
        version: 1
        routes:
          - request: {path: /a}
            latency: {p50: fast, p99: 1s}
        """,
        [
            "{f}:4:20: routes[0].latency.p50: invalid duration 'fast': write a number and a unit "
            "(us, ms, s, m, h), e.g. '250ms'"
        ],
    ),
    (
        "invalid-regex",
        """
        version: 1
        routes:
          - request: {path: /a, headers: {authorization: {regex: "(Bearer"}}}
        """,
        [
            "{f}:3:58: routes[0].request.headers.authorization.regex: invalid regular expression "
            "'(Bearer': missing ): (Bearer"
        ],
    ),
    (
        "template-unknown-filter",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {json: {n: "{{ query.n | defualt(1) }}"}}
        """,
        [
            "{f}:4:22: routes[0].response.json: template uses unknown filter 'defualt'; "
            "did you mean 'default'? (template line 1)"
        ],
    ),
    (
        "json-nan-is-not-json",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {json: {n: .nan}}
        """,
        [
            "{f}:4:22: routes[0].response.json: nan is not a JSON number (NaN and infinities "
            "have no JSON form)"
        ],
    ),
    (
        "regex-lookaround-is-not-re2",
        """
        version: 1
        routes:
          - request: {path: /a, query: {q: {regex: "^(?!admin)"}}}
        """,
        [
            "{f}:3:44: routes[0].request.query.q.regex: invalid regular expression "
            "'^(?!admin)': invalid perl operator: (?! (stub regexes use RE2: no backreferences "
            "or lookaround)"
        ],
    ),
    (
        "template-does-not-parse",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {body: "hello {{ name"}
        """,
        [
            "{f}:4:22: routes[0].response.body: template does not parse: unexpected end of "
            "template, expected 'end of print statement'. (template line 1)"
        ],
    ),
    (
        "header-template-does-not-parse",
        """
        version: 1
        routes:
          - request: {path: /a}
            response:
              headers: {x-id: "{{ uuid "}
        """,
        [
            "{f}:5:23: routes[0].response.headers.x-id: template does not parse: unexpected end "
            "of template, expected 'end of print statement'. (template line 1)"
        ],
    ),
    (
        "header-name-not-a-token",
        """
        version: 1
        defaults:
          headers: {"x trace": "1"}
        """,
        [
            "{f}:3:24: defaults.headers[\"x trace\"]: invalid header name 'x trace': use letters, "
            "digits and !#$%&'*+-.^_`|~ only"
        ],
    ),
    (
        "header-value-line-break",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {headers: {x-a: "one\\r\\nx-b: two"}}
        """,
        [
            "{f}:4:31: routes[0].response.headers.x-a: header value 'one\\r\\nx-b: two' contains "
            "a line break or control character"
        ],
    ),
    (
        "body-file-missing",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {body_file: bodies/nope.json}
        """,
        [
            "{f}:4:27: routes[0].response.body_file: body_file 'bodies/nope.json' does not exist "
            "(looked for {root}/bodies/nope.json)"
        ],
    ),
    (
        "body-file-escapes",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {body_file: ../secret.txt}
        """,
        [
            "{f}:4:27: routes[0].response.body_file: body_file '../secret.txt' escapes the stubs "
            "directory {root}"
        ],
    ),
    (
        "body-file-absolute",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {body_file: /etc/hostname}
        """,
        [
            "{f}:4:27: routes[0].response.body_file: body_file '/etc/hostname' must be relative "
            "to the stub file"
        ],
    ),
    (
        "path-unknown-param-type",
        """
        version: 1
        routes:
          - request: {path: "/items/{id:float}"}
        """,
        [
            "{f}:3:21: routes[0].request.path: path '/items/{id:float}': parameter 'id' has "
            "unknown type 'float' (valid: str, int, uuid, path)"
        ],
    ),
    (
        "path-catch-all-not-last",
        """
        version: 1
        routes:
          - request: {path: "/files/{rest:path}/meta"}
        """,
        [
            "{f}:3:21: routes[0].request.path: path '/files/{rest:path}/meta': the catch-all "
            "{rest:path} must end the template"
        ],
    ),
    (
        "path-with-query",
        """
        version: 1
        routes:
          - request: {path: "/search?q=1"}
        """,
        [
            "{f}:3:21: routes[0].request.path: path '/search?q=1' contains '?': put query "
            "parameters under request.query instead"
        ],
    ),
    (
        "bad-jsonpath",
        """
        version: 1
        routes:
          - request:
              path: /a
              body: {jsonpath: {"$[?(@.a)]": 1}}
        """,
        [
            "{f}:5:38: routes[0].request.body.jsonpath[\"$[?(@.a)]\"]: JSONPath '$[?(@.a)]': "
            "cannot parse at position 1 ('[?(@.a)]'); supported: $.name, ['name'], [0], [*], "
            ".*, ..name"
        ],
    ),
    (
        "default-variant-not-last",
        """
        version: 1
        routes:
          - request: {path: /a}
            responses:
              - status: 200
              - when: {query: {a: "1"}}
                status: 201
        """,
        [
            "{f}:3:5: routes[0]: responses[0] has no 'when' so it is the default, but 1 "
            "variant(s) after it are unreachable; move the default last"
        ],
    ),
    (
        "response-and-responses",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {status: 200}
            responses: [{status: 201}]
        """,
        ["{f}:3:5: routes[0]: {both_responses}"],
    ),
    (
        "missing-version",
        """
        routes: []
        """,
        ["{f}:1:1: version: required field 'version' is missing"],
    ),
    (
        "version-2",
        """
        version: 2
        routes: []
        """,
        ["{f}:1:10: version: must be 1 (got 2)"],
    ),
    (
        "empty-file",
        "",
        ["{f}:1:1: empty file: a stub file starts with 'version: 1'"],
    ),
    (
        "not-a-mapping",
        """
        - version: 1
        """,
        ["{f}:1:1: a stub file is a mapping with 'version' and 'routes'"],
    ),
    (
        "bad-method",
        """
        version: 1
        routes:
          - request: {method: "GET POST", path: /a}
        """,
        ["{f}:3:23: routes[0].request.method: invalid HTTP method 'GET POST'"],
    ),
    (
        "method-wrong-type",
        """
        version: 1
        routes:
          - request: {method: 5, path: /a}
        """,
        ["{f}:3:23: routes[0].request.method: expected text or a list (got 5)"],
    ),
    (
        "unknown-latency-type",
        """
        version: 1
        routes:
          - request: {path: /a}
            latency: {type: gaussian, mean: 1s}
        """,
        [
            "{f}:4:14: routes[0].latency: unknown type 'gaussian' "
            "(valid: 'fixed', 'uniform', 'lognormal', 'empirical')"
        ],
    ),
    (
        "uniform-max-below-min",
        """
        version: 1
        routes:
          - request: {path: /a}
            latency: {min: 2s, max: 1s}
        """,
        ["{f}:4:14: routes[0].latency: max must be >= min"],
    ),
    (
        "lognormal-p99-below-p50",
        """
        version: 1
        routes:
          - request: {path: /a}
            latency: {p50: 100ms, p99: 50ms}
        """,
        ["{f}:4:14: routes[0].latency: p99 must be > p50"],
    ),
    (
        "two-body-sources",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {json: {a: 1}, body: text}
        """,
        ["{f}:4:15: routes[0].response: give at most one body source, not json and body"],
    ),
    (
        "absent-with-equals",
        """
        version: 1
        routes:
          - request: {path: /a, cookies: {session: {absent: true, equals: x}}}
        """,
        [
            "{f}:3:44: routes[0].request.cookies.session: absent cannot be combined with equals, "
            "regex, contains or one_of"
        ],
    ),
    (
        "bad-base64",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {body_base64: "!!!"}
        """,
        ["{f}:4:29: routes[0].response.body_base64: not valid base64: Only base64 data is allowed"],
    ),
]


def _route_fields() -> str:
    from stubforge.model.stub import Route

    return ", ".join(f.alias or n for n, f in Route.model_fields.items())


def _both_responses_message() -> str:
    from pydantic import ValidationError

    from stubforge.model.stub import Route

    try:
        Route.model_validate(
            {"request": {"path": "/a"}, "response": {}, "responses": [{"status": 201}]}
        )
    except ValidationError as exc:
        return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
    raise AssertionError("response and responses together must be refused")


def _fill(line: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        line = line.replace("{" + key + "}", value)
    return line


def _write(stub_dir: Path, name: str, text: str) -> Path:
    path = stub_dir / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the directory above ``stubs/`` so files display as ``stubs/x.yaml``."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in BROKEN], ids=[c for c, _, _ in BROKEN]
)
def test_broken_file_is_reported_at_its_line(
    in_tmp: Path,
    stub_dir: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    expected: list[str],
) -> None:
    _write(stub_dir, "api.yaml", text)
    code = main(["check", "stubs"])
    out, err = capsys.readouterr()
    fill = {
        "f": "stubs/api.yaml",
        "root": str(stub_dir.resolve()),
        "route_fields": _route_fields(),
        "both_responses": _both_responses_message(),
    }
    assert out.splitlines() == [_fill(line, fill) for line in expected]
    assert err == f"{len(expected)} error(s)\n"
    assert code == 1


def test_every_error_of_every_file_is_reported_at_once(
    in_tmp: Path, stub_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        stub_dir,
        "a.yaml",
        """
        version: 1
        routes:
          - id: get-thing
            request: {method: GET, path: "/things/{id:float}"}
            response: {status: 999}
          - id: other
            request: {method: GET, path: /other, query: {q: {regex: "["}}}
            latency: 10
        """,
    )
    _write(
        stub_dir,
        "b.yaml",
        """
        version: 1
        routes:
          - id: shared
            request: {path: /b}
        """,
    )
    _write(
        stub_dir,
        "c.yaml",
        """
        version: 1
        routes:
          - id: shared
            request: {path: /c}
        """,
    )
    assert main(["check", "stubs"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "stubs/a.yaml:4:34: routes[0].request.path: path '/things/{id:float}': parameter 'id' "
        "has unknown type 'float' (valid: str, int, uuid, path)",
        "stubs/a.yaml:5:24: routes[0].response.status: Input should be less than or equal to 599 "
        "(got 999)",
        "stubs/a.yaml:7:61: routes[1].request.query.q.regex: invalid regular expression '[': "
        "missing ]: [",
        "stubs/a.yaml:8:14: routes[1].latency: a duration needs a unit, e.g. '10ms' or '10s' "
        "(got the number 10)",
        "stubs/c.yaml:3:9: routes[0].id: duplicate route id 'shared' (first defined at "
        "stubs/b.yaml:3)",
    ]
    assert err == "5 error(s)\n"


def test_a_good_directory_prints_a_one_line_summary(
    in_tmp: Path, stub_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(
        stub_dir,
        "a.yaml",
        """
        version: 1
        routes:
          - request: {method: GET, path: /a}
          - request: {method: POST, path: /a}
        """,
    )
    (stub_dir / "more").mkdir()
    _write(
        stub_dir,
        "more/b.yml",
        """
        version: 1
        routes:
          - request: {path: /b}
        """,
    )
    assert main(["check", "stubs"]) == 0
    out, err = capsys.readouterr()
    assert out == "ok: 3 route(s) in 2 file(s) under stubs\n"
    assert err == ""


def test_a_directory_without_stub_files_is_an_error(
    in_tmp: Path, stub_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "stubs"]) == 1
    assert capsys.readouterr().out == "stubs: no stub files (*.yaml, *.yml) found\n"


def test_json_output_carries_the_same_positions(
    in_tmp: Path, stub_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    _write(stub_dir, "a.yaml", "version: 1\nroutes:\n  - request: {path: nope}\n")
    assert main(["check", "--json", "stubs"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["errors"] == [
        {
            "file": "stubs/a.yaml",
            "line": 3,
            "col": 21,
            "field": "routes[0].request.path",
            "message": "path 'nope' must start with '/'",
        }
    ]


@pytest.mark.timeout(60)
def test_the_installed_command_reports_without_a_traceback(in_tmp: Path, stub_dir: Path) -> None:
    for _, text, _ in BROKEN:
        _write(stub_dir, f"case{len(list(stub_dir.iterdir()))}.yaml", text)
    exe = Path(sys.executable).parent / "stubforge"
    proc = subprocess.run(
        [str(exe), "check", "stubs"], capture_output=True, text=True, timeout=50, check=False
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) >= len(BROKEN)
    assert all(line.startswith("stubs/case") for line in lines)
    assert proc.stderr.strip() == f"{len(lines)} error(s)"
