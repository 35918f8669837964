"""Shared fixtures: a stubs directory written from YAML text, and a real server on it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.server import RunningServer, running_server

WriteStubs = Callable[..., Path]


@pytest.fixture
def stub_dir(tmp_path: Path) -> Path:
    d = tmp_path / "stubs"
    d.mkdir()
    return d


@pytest.fixture
def write_stub(stub_dir: Path) -> WriteStubs:
    """``write_stub("api.yaml", yaml_text)`` writes a dedented file into the stubs dir."""

    def write(name: str, text: str) -> Path:
        path = stub_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return path

    return write


@pytest.fixture
def serve(stub_dir: Path) -> Iterator[Callable[..., RunningServer]]:
    """``server = serve()`` starts a real server on the stubs dir (stopped after the test)."""
    stack: list[object] = []

    def start(**kwargs: object) -> RunningServer:
        from dataclasses import replace

        from stubforge.serve.config import ServeConfig

        config = replace(ServeConfig(watch=False), **kwargs)  # type: ignore[arg-type]
        cm = running_server(stub_dir, config)
        stack.append(cm)
        return cm.__enter__()

    yield start
    for cm in reversed(stack):
        cm.__exit__(None, None, None)  # type: ignore[attr-defined]


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as c:
        yield c
