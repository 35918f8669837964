"""User errors of ``stubforge record``: one line, exit code 2, no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import RECORDER_MISSING, ROOT

needs_recorder = pytest.mark.skipif(RECORDER_MISSING is not None, reason=RECORDER_MISSING or "")


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stubforge.record", "record", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line_error(p: subprocess.CompletedProcess[str], needle: str) -> None:
    assert p.returncode == 2, p.stderr
    err = p.stderr.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("stubforge record:") and needle in err, err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--upstream", "api.example.com"], "expected http(s)://host[:port]"),
        (["--upstream", "ftp://x"], "expected http(s)://host[:port]"),
        (["--upstream", "http://x:99999"], "--upstream: invalid URL"),
        ([], "--upstream URL is required"),
        (["--upstream", "http://x", "--only", "x"], "--only applies to --mode forward"),
        (["--upstream", "http://x", "--listen", "nonsense"], "--listen: expected HOST:PORT"),
        (["--upstream", "http://x", "--upstream-ca", "/no/such.pem"], "no such file"),
    ],
)
def test_bad_arguments(
    args: list[str], needle: str, record_env: dict[str, str], tmp_path: Path
) -> None:
    assert_one_line_error(run([*args, "--out", str(tmp_path / "r")], record_env), needle)


@needs_recorder
def test_port_in_use(record_env: dict[str, str], tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        p = run(
            [
                "--upstream",
                "http://127.0.0.1:1",
                "--listen",
                f"127.0.0.1:{port}",
                "--out",
                str(tmp_path / "r"),
            ],
            record_env,
        )
    assert_one_line_error(p, f"cannot listen on 127.0.0.1:{port}")


@needs_recorder
def test_unwritable_out_dir(record_env: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    p = run(
        [
            "--upstream",
            "http://127.0.0.1:1",
            "--listen",
            "127.0.0.1:0",
            "--out",
            str(blocker / "r"),
        ],
        record_env,
    )
    assert_one_line_error(p, "cannot create output directory")


@needs_recorder
def test_bad_rules_file(record_env: dict[str, str], tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("disable: [nope]\n")
    p = run(
        ["--upstream", "http://x", "--rules", str(rules), "--out", str(tmp_path / "r")], record_env
    )
    assert_one_line_error(p, "disable[0]: unknown rule 'nope'")


def test_commands_import_without_mitmproxy() -> None:
    code = (
        "import sys, stubforge.record.cli, stubforge.redact.redactor, stubforge.record.har; "
        "import stubforge.model.recording; "
        "sys.exit('mitmproxy' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60).returncode == 0


def test_without_mitmproxy_it_fails_before_creating_a_redaction_key(
    record_env: dict[str, str], tmp_path: Path
) -> None:
    blocker = tmp_path / "blocker" / "mitmproxy"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'mitmproxy'\", name='mitmproxy')\n"
    )
    env = {k: v for k, v in record_env.items() if k != "STUBFORGE_REDACT_KEY"}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "blocker"), str(ROOT / "app")])
    p = run(["--upstream", "http://127.0.0.1:1", "--out", str(tmp_path / "r")], env)
    assert_one_line_error(p, "mitmproxy is not installed" if sys.version_info >= (3, 12) else "")
    assert not (Path(env["XDG_CONFIG_HOME"]) / "stubforge" / "redact.key").exists()
    assert not (tmp_path / "r").exists()


def test_export_of_an_empty_directory_fails_and_writes_nothing(tmp_path: Path) -> None:
    from stubforge.cli import main

    (tmp_path / "empty").mkdir()
    out = tmp_path / "out.har"
    assert main(["export", "har", str(tmp_path / "empty"), "-o", str(out)]) == 2
    assert not out.exists()
