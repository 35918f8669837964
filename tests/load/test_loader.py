"""What the loader reads: stub files, but never body files under ``bodies/``, and top-level
``x-`` keys are ignored so that YAML anchors have a home."""

from __future__ import annotations

from pathlib import Path

from stubforge.load.loader import load_directory, stub_files
from tests.conftest import WriteStubs


def test_yaml_under_a_bodies_directory_is_a_body_file_not_a_stub_file(
    write_stub: WriteStubs, stub_dir: Path
) -> None:
    write_stub("svc/bodies/openapi.yaml", "openapi: 3.1.0\ninfo: {title: x}\n")
    write_stub("bodies/other.yml", "not: a stub\n")
    write_stub(
        "svc/api.yaml",
        """
        version: 1
        routes:
          - request: {path: /openapi.yaml}
            response: {body_file: bodies/openapi.yaml}
        """,
    )
    assert [p.relative_to(stub_dir).as_posix() for p in stub_files(stub_dir)] == ["svc/api.yaml"]
    result = load_directory(stub_dir)
    assert (result.errors, result.route_count) == ([], 1)


def test_a_file_named_bodies_yaml_is_still_a_stub_file(
    write_stub: WriteStubs, stub_dir: Path
) -> None:
    write_stub("bodies.yaml", "version: 2\n")
    assert [e.field for e in load_directory(stub_dir).errors] == ["version"]


def test_top_level_x_keys_are_ignored_and_hold_anchors(
    write_stub: WriteStubs, stub_dir: Path
) -> None:
    write_stub(
        "api.yaml",
        """
        version: 1
        x-common-headers: &h {x-env: staging, x-team: payments}
        x-notes: anything at all
        routes:
          - request: {path: /a}
            response: {headers: *h, json: {}}
          - request: {path: /b}
            response: {headers: {<<: *h, x-team: ops}, json: {}}
        """,
    )
    result = load_directory(stub_dir)
    assert result.errors == []
    routes = result.files[0].model.routes
    assert [r.response.headers for r in routes if r.response] == [
        {"x-env": "staging", "x-team": "payments"},
        {"x-env": "staging", "x-team": "ops"},
    ]


def test_other_unknown_top_level_keys_are_still_errors(
    write_stub: WriteStubs, stub_dir: Path
) -> None:
    write_stub("api.yaml", "version: 1\nxcommon: 1\nroutes: []\n")
    [error] = load_directory(stub_dir).errors
    assert (error.line, error.field) == (2, "xcommon")
