"""The ``stubforge`` command line: check, schema, serve's refusal to start on broken stubs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stubforge.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_check_the_sample_stubs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT / "stubs")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: ") and out.count("\n") == 1
    assert " route(s) in " in out and " file(s) under " in out


def test_check_a_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope")]) == 1
    assert capsys.readouterr().out == f"{tmp_path / 'nope'}:0:0: stubs path does not exist\n"


def test_schema_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert json.loads(target.read_text())["title"] == "StubFile"
    assert capsys.readouterr().out == ""


def test_serve_refuses_to_start_on_broken_stubs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\nroutes:\n  - request: {path: x}\n")
    assert main(["serve", "--stubs", str(tmp_path), "--port", "0", "--no-watch"]) == 1
    err = capsys.readouterr().err
    assert (
        f"{tmp_path / 'a.yaml'}:3:21: routes[0].request.path: path 'x' must start with '/'" in err
    )
    assert "not starting" in err


def test_serve_refuses_an_unmatched_status_that_is_not_http(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve", "--unmatched-status", "42"]) == 2
    assert "--unmatched-status 42 is not an HTTP status" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.startswith("stubforge ")


def test_stubforge_alone_lists_every_command_on_one_line_each(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 2
    out = capsys.readouterr().out
    rows = dict(
        line.split(None, 1) for line in out.split("commands:\n")[1].split("\n\n")[0].splitlines()
    )
    for command in ("serve", "check", "schema", "init", "record", "import", "export", "verify"):
        assert rows[command].strip(), command


def test_serve_takes_the_stubs_directory_as_check_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\nroutes:\n  - request: {path: x}\n")
    assert main(["serve", str(tmp_path), "--port", "0", "--no-watch"]) == 1
    assert f"{tmp_path / 'a.yaml'}:3:21: routes[0].request.path" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("env", "value"), [("STUBFORGE_PORT", "abc"), ("STUBFORGE_JOURNAL_SIZE", "lots")]
)
def test_a_bad_environment_value_breaks_neither_help_nor_other_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: str, value: str
) -> None:
    monkeypatch.setenv(env, value)
    for argv in (["--help"], ["serve", "--help"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 0
    assert main(["check", str(ROOT / "stubs")]) == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--stubs", str(ROOT / "stubs"), "--no-watch"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"{value!r} is not" in err and f"${env}" in err


def test_a_kubernetes_service_link_in_stubforge_port_is_not_a_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from stubforge.serve.cli import add_arguments

    monkeypatch.setenv("STUBFORGE_PORT", "tcp://10.0.0.7:8080")
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert parser.parse_args([]).port == 8080
    monkeypatch.setenv("STUBFORGE_PORT", "9000")
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert parser.parse_args([]).port == 9000


def test_request_limits_from_the_command_line() -> None:
    import argparse

    from stubforge.serve.cli import add_arguments, config_from_args
    from stubforge.serve.config import HttpLimits

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert config_from_args(parser.parse_args([])).http_limits == HttpLimits()
    limits = config_from_args(
        parser.parse_args(["--max-header-size", "16KiB", "--header-timeout", "2.5"])
    ).http_limits
    assert (limits.max_head_bytes, limits.head_timeout) == (16 * 1024, 2.5)
