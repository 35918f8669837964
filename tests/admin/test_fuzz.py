"""A short schemathesis run of the admin API from its own OpenAPI spec: no 5xx.

One worker and the fuzzing phase only: schemathesis' coverage phase with several workers
once failed inside hypothesis itself (an AST recursion error while describing a
strategy), which says nothing about the server.

The long run (hundreds of examples per operation) is documented in docs/admin.md.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.server import RunningServer

pytestmark = [pytest.mark.usefixtures("payments"), pytest.mark.slow, pytest.mark.timeout(120)]
Serve = Callable[..., RunningServer]


def test_admin_api_never_answers_5xx_to_generated_requests(serve: Serve, tmp_path: Path) -> None:
    srv = serve()
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert exe is not None, "schemathesis is part of the test extra"
    result = subprocess.run(
        [
            exe,
            "run",
            f"{srv.url}/__admin/openapi.json",
            "--url",
            srv.url,
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "8",
            "--phases",
            "fuzzing",
            "--seed",
            "1",
            "-w",
            "1",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=110,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout
