"""A real open-source service in two releases: stubs recorded (through the real recorder)
from json-server 0.17.4, drift against 0.17.4 itself (nothing) and against 1.0.0-beta.3
(ids became strings, a miss answers text, the Express headers are gone, CORS headers
came)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory
from stubforge.drift.text import render_text
from tests.record.conftest import REDACT_KEY, Recorder

from .conftest import Recorded
from .helpers import kinds, run_live
from .jsonserver import NEW, OLD, running

pytestmark = pytest.mark.timeout(600)


def _traffic(client: httpx.Client) -> None:
    for n in (1, 2, 1, 2):
        client.get(f"/posts/{n}")
    for _ in range(2):
        client.get("/posts")
        client.get("/comments")
        client.get("/profile")
        client.get("/posts/99")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    root = tmp_path_factory.mktemp("json-server")
    env = dict(os.environ)
    env["STUBFORGE_REDACT_KEY"] = REDACT_KEY
    env["XDG_CONFIG_HOME"] = str(root / "config")
    with running(OLD, root / "old") as url:
        recorder = Recorder(["--upstream", url], root / "recordings", env)
        try:
            with httpx.Client(base_url=recorder.url, timeout=10) as client:
                _traffic(client)
        finally:
            assert recorder.stop() == 0, "".join(recorder.lines)
    write_output(root / "stubs", compile_directory(root / "recordings", Hints()))
    return Recorded(root / "recordings", root / "stubs")


def test_the_same_release_shows_no_drift(recorded: Recorded, tmp_path: Path) -> None:
    with running(OLD, tmp_path) as url, httpx.Client(timeout=10) as client:
        for run in range(5):
            report = run_live(recorded, url, allow=[], samples=5, client=client)
            found = [(r.route_id, f.message) for r in report.routes for f in r.findings]
            assert found == [], f"run {run}: {found}"


def test_the_next_release_shows_what_changed(recorded: Recorded, tmp_path: Path) -> None:
    with running(NEW, tmp_path) as url:
        report = run_live(recorded, url, allow=[], samples=3)
    assert kinds(report) == {
        ("get-comments", "additive", "header-added"),
        ("get-comments", "breaking", "header-removed"),
        ("get-comments", "breaking", "type-changed"),
        ("get-posts", "additive", "header-added"),
        ("get-posts", "breaking", "header-removed"),
        ("get-posts", "breaking", "type-changed"),
        ("get-posts-post_id", "additive", "header-added"),
        ("get-posts-post_id", "breaking", "content-type-changed"),
        ("get-posts-post_id", "breaking", "header-removed"),
        ("get-profile", "additive", "header-added"),
        ("get-profile", "breaking", "header-removed"),
    }
    text = render_text(report)
    (tmp_path / "report.txt").write_text(text)
    assert "$[].id is string, was number" in text  # ids became strings
    assert "content type application/json → text/plain" in text  # a miss answers text
    assert "no longer sent: access-control-allow-credentials, cache-control, pragma, " in text
    assert "new header(s): access-control-allow-headers, access-control-allow-methods" in text
    assert report.exit_code == 1
