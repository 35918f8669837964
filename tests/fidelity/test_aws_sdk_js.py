"""The AWS SDK for JavaScript v3 (npm ``@aws-sdk/client-s3``) against moto's S3, recorded
through the real recorder, compiled, replayed: every call's result is the same, including
uploads (ETag, CRC32), downloads the SDK validates (``ChecksumMode: ENABLED``) and HEAD."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory
from stubforge.serve.config import ServeConfig
from tests.server import running_server

from .aws import moto_server, recorder

HERE = Path(__file__).parent
SCRIPT = HERE / "aws_s3_client.mjs"


def run_client(endpoint: str) -> list[Any]:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "@aws-sdk" / "client-s3").is_dir():
        pytest.skip("the AWS SDK for JavaScript is not installed: cd tests/fidelity && npm ci")
    done = subprocess.run(
        [node, str(SCRIPT), endpoint], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_the_javascript_sdk_gets_the_same_results_from_the_compiled_stubs(
    tmp_path: Path,
) -> None:
    with moto_server() as moto, recorder(moto, tmp_path / "recordings", tmp_path) as url:
        recorded = run_client(url)
    output = compile_directory(tmp_path / "recordings", Hints())
    write_output(tmp_path / "stubs", output)
    with running_server(tmp_path / "stubs", ServeConfig(watch=False, seed=1)) as mock:
        replayed = run_client(mock.url)
    assert [name for name, _ in recorded] == [
        "create",
        "put-doc",
        "put-blob",
        "get-doc.json",
        "head-doc.json",
        "get-blob.bin",
        "head-blob.bin",
        "list",
    ]
    assert all("ETag" in result for name, result in recorded if name not in ("create", "list"))
    for (name, want), (_, got) in zip(recorded, replayed, strict=True):
        assert got == want, (name, output.report.text())
