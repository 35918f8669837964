"""Installed next to a user's own code: a FastAPI project with its own top-level ``app``
package, stubforge's wheel installed in its venv, and both ``pytest`` and
``python -m pytest`` run there."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLEAN_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
"""The user's processes: nothing of this checkout on their path."""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    (found,) = out.glob("stubforge-*.whl")
    return found


def test_the_wheel_installs_one_top_level_module(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        tops = {name.split("/", 1)[0] for name in z.namelist()}
        top_level = {n for n in tops if not n.endswith(".dist-info")}
        entry_points = next(n for n in z.namelist() if n.endswith("entry_points.txt"))
        points = z.read(entry_points).decode()
        files = z.namelist()
    assert top_level == {"stubforge"}
    assert "stubforge = stubforge.testing.plugin" in points
    assert "stubforge = stubforge.cli:main" in points
    assert "stubforge/py.typed" in files


USER_APP = """
from fastapi import FastAPI

api = FastAPI()


@api.get("/hello")
def hello() -> dict[str, str]:
    return {"hello": "world"}
"""

USER_TEST = """
import httpx
from fastapi.testclient import TestClient

from app.main import api


def test_own_app():
    assert TestClient(api).get("/hello").json() == {"hello": "world"}


def test_stubforge_fixture(stubforge):
    mock = stubforge("stubs")
    assert httpx.get(mock.url + "/ping").status_code == 204
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    """The user's project, with stubforge's wheel installed in its own venv."""
    proj = tmp_path_factory.mktemp("user") / "shop"
    (proj / "app").mkdir(parents=True)
    (proj / "app" / "__init__.py").write_text("")
    (proj / "app" / "main.py").write_text(USER_APP)
    (proj / "tests").mkdir()
    (proj / "tests" / "test_main.py").write_text(USER_TEST)
    (proj / "stubs").mkdir()
    (proj / "stubs" / "ping.yaml").write_text(
        "version: 1\nroutes:\n  - request: {path: /ping}\n    response: {status: 204}\n"
    )
    (proj / "pyproject.toml").write_text(
        textwrap.dedent("""
        [tool.pytest.ini_options]
        pythonpath = ["."]
        addopts = "-p no:cacheprovider"
        """)
    )
    venv = proj / ".venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60
    )
    target = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(target), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, timeout=30, env=CLEAN_ENV,
    ).stdout.strip()  # fmt: skip
    # the project's other dependencies (fastapi, pytest, httpx...) come from this test's
    # environment, appended after the venv's own site-packages
    Path(purelib, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(target), "install", "-q", "--no-deps",
         "--ignore-installed", "--no-index", str(wheel)],
        check=True, capture_output=True, timeout=120, env=CLEAN_ENV,
    )  # fmt: skip
    return proj


@pytest.mark.timeout(300)
@pytest.mark.parametrize("command", [["pytest"], ["python", "-m", "pytest"]])
def test_user_tests_pass_with_stubforge_installed(project: Path, command: list[str]) -> None:
    proj = project
    binary = proj / ".venv" / "bin" / command[0]
    if command == ["pytest"]:  # the console script, as the user's venv would have it
        argv = [str(proj / ".venv" / "bin" / "python"), "-c",
                "import sys, pytest; sys.exit(pytest.console_main())", "-q"]  # fmt: skip
    else:
        argv = [str(binary), *command[1:], "-q"]
    result = subprocess.run(
        argv, cwd=proj, capture_output=True, text=True, timeout=240, env=CLEAN_ENV
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
    where = subprocess.run(
        [str(proj / ".venv" / "bin" / "python"), "-c",
         "import stubforge; print(stubforge.__file__)"],
        cwd=proj, capture_output=True, text=True, timeout=30, check=True, env=CLEAN_ENV,
    ).stdout  # fmt: skip
    assert str(proj / ".venv") in where  # the wheel's copy, not a checkout's
