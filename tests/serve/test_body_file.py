"""``body_file``: served from the stubs directory with a guessed content type; anything that
escapes the directory (``../``, absolute paths, symlinks) is refused when the stubs load."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from stubforge.load.loader import load_directory
from tests.conftest import WriteStubs
from tests.server import RunningServer


def test_body_file_is_served_relative_to_the_stub_file(
    write_stub: WriteStubs,
    serve: Callable[..., RunningServer],
    client: httpx.Client,
    stub_dir: Path,
) -> None:
    (stub_dir / "svc" / "bodies").mkdir(parents=True)
    (stub_dir / "svc" / "bodies" / "list.json").write_text('{"data": []}')
    (stub_dir / "svc" / "bodies" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    write_stub(
        "svc/api.yaml",
        """
        version: 1
        routes:
          - {request: {path: /list}, response: {body_file: bodies/list.json}}
          - {request: {path: /logo}, response: {body_file: bodies/logo.png}}
          - request: {path: /typed}
            response: {body_file: bodies/list.json, headers: {Content-Type: text/plain}}
        """,
    )
    srv = serve()
    r = client.get(f"{srv.url}/list")
    assert (r.headers["content-type"], r.json()) == ("application/json", {"data": []})
    r = client.get(f"{srv.url}/logo")
    assert (r.headers["content-type"], r.content) == ("image/png", b"\x89PNG\r\n\x1a\n")
    assert client.get(f"{srv.url}/typed").headers["content-type"] == "text/plain"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("../outside.json", "escapes the stubs directory"),
        ("bodies/../../outside.json", "escapes the stubs directory"),
        ("/etc/hostname", "must be relative to the stub file"),
        ("link.json", "escapes the stubs directory"),
        ("linkdir/outside.json", "escapes the stubs directory"),
        ("missing.json", "does not exist"),
        ("bodies", "does not exist"),
    ],
)
def test_escaping_or_missing_body_file_is_a_load_error(
    write_stub: WriteStubs, stub_dir: Path, target: str, message: str
) -> None:
    outside = stub_dir.parent / "outside.json"
    outside.write_text("{}")
    (stub_dir / "bodies").mkdir()
    os.symlink(outside, stub_dir / "link.json")
    os.symlink(stub_dir.parent, stub_dir / "linkdir")
    write_stub(
        "api.yaml",
        f"""
        version: 1
        routes:
          - request: {{path: /a}}
            response: {{body_file: "{target}"}}
        """,
    )
    result = load_directory(stub_dir)
    assert [(e.line, e.col, e.field) for e in result.errors] == [
        (4, 27, "routes[0].response.body_file")
    ]
    assert message in result.errors[0].message


def test_symlink_inside_the_directory_is_allowed(
    write_stub: WriteStubs,
    serve: Callable[..., RunningServer],
    client: httpx.Client,
    stub_dir: Path,
) -> None:
    (stub_dir / "real.txt").write_text("inside")
    os.symlink(stub_dir / "real.txt", stub_dir / "alias.txt")
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - {request: {path: /a}, response: {body_file: alias.txt}}
        """,
    )
    srv = serve()
    assert client.get(f"{srv.url}/a").text == "inside"


def test_a_body_file_is_templated_only_with_template_true(
    write_stub: WriteStubs,
    serve: Callable[..., RunningServer],
    client: httpx.Client,
    stub_dir: Path,
) -> None:
    (stub_dir / "bodies").mkdir()
    (stub_dir / "bodies" / "user.json").write_text('{"id": "{{ path.id }}", "q": "{{ query.q }}"}')
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {path: "/users/{id}"}
            response: {body_file: bodies/user.json, template: true}
          - request: {path: /raw}
            response: {body_file: bodies/user.json}
        """,
    )
    srv = serve()
    r = client.get(f"{srv.url}/users/u_7?q=x")
    assert (r.headers["content-type"], r.json()) == ("application/json", {"id": "u_7", "q": "x"})
    assert client.get(f"{srv.url}/raw").content == (stub_dir / "bodies" / "user.json").read_bytes()


def test_a_templated_body_file_that_does_not_parse_is_a_load_error(
    write_stub: WriteStubs, stub_dir: Path
) -> None:
    (stub_dir / "bodies").mkdir()
    (stub_dir / "bodies" / "bad.txt").write_text("{{ path.id ")
    write_stub(
        "api.yaml",
        """
        version: 1
        routes:
          - request: {path: /a}
            response: {body_file: bodies/bad.txt, template: true}
        """,
    )
    [error] = load_directory(stub_dir).errors
    assert (error.line, error.field) == (4, "routes[0].response.body_file")
    assert "template does not parse" in error.message
