"""The container module's configuration, without a Docker engine: the command is one the
image's ``stubforge serve`` accepts, the token protects the admin API, the stubs are
mounted read-only; and the readiness wait against a real server."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from stubforge.testing.containers import (
    PORT,
    ContainerSpec,
    StubforgeContainer,
    configure,
    wait_healthy,
)
from stubforge.testing.server import StubforgeServer

ROOT = Path(__file__).resolve().parents[2]


class Recorded:
    """Stands in for testcontainers' DockerContainer: records the fluent calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any) -> Recorded:
            self.calls.append((name, args))
            return self

        return call


def test_the_command_is_what_serve_accepts() -> None:
    from stubforge.serve.cli import add_arguments

    spec = ContainerSpec(ROOT / "stubs", options=("--seed", "7"))
    argv = spec.command()
    assert argv[0] == "serve"
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    parsed = parser.parse_args(argv[1:])
    assert (parsed.host, parsed.port, parsed.seed) == ("0.0.0.0", PORT, 7)


def test_configure_sets_token_mount_port_and_command() -> None:
    spec = ContainerSpec(ROOT / "stubs", token="t0k")
    container = Recorded()
    configure(container, spec)  # type: ignore[arg-type]
    calls = dict(container.calls)
    assert calls["with_env"] == ("STUBFORGE_ADMIN_TOKEN", "t0k")
    assert calls["with_volume_mapping"] == (str((ROOT / "stubs").resolve()), "/stubs", "ro")
    assert calls["with_exposed_ports"] == (PORT,)
    assert calls["with_command"] == (spec.command(),)


def test_a_token_is_generated_per_container() -> None:
    a, b = StubforgeContainer(ROOT / "stubs"), StubforgeContainer(ROOT / "stubs")
    assert len(a.token) == 32 and a.token != b.token


def test_a_missing_stubs_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        ContainerSpec(tmp_path / "nope").mounts()


def test_wait_healthy_returns_once_the_server_answers() -> None:
    with StubforgeServer(ROOT / "stubs") as mock:
        wait_healthy(mock.url, timeout=10)


def test_wait_healthy_gives_up_with_the_reason() -> None:
    with pytest.raises(TimeoutError, match="not healthy"):
        wait_healthy("http://127.0.0.1:9", timeout=0.3)
