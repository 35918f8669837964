"""stubforge in a container for tests, with ``testcontainers`` (the ``containers`` extra).

::

    from stubforge.testing.containers import StubforgeContainer

    with StubforgeContainer("tests/stubs") as mock:
        httpx.get(mock.url + "/v1/customers/cus_1")
        mock.admin.assert_received("GET", "/v1/customers/{id}", count=1)

The container runs the image's own ``stubforge serve`` on ``0.0.0.0``, so the admin API
needs a token: one is generated unless given. :class:`ContainerSpec` (the command, the
environment, the mounts) is plain data and needs no Docker; :func:`configure` applies it
to a ``testcontainers`` ``DockerContainer``; :class:`StubforgeContainer` starts it, waits
until ``/__admin/health`` answers and gives the base URL and an admin client. For tests
without Docker, the in-process fixture (``stubforge_server``) serves the same app.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

import httpx

from stubforge.testing.client import AdminClient

DEFAULT_IMAGE = "stubforge:latest"
PORT = 8080
STUBS_MOUNT = "/stubs"


class ContainerLike(Protocol):
    """The part of ``testcontainers.core.container.DockerContainer`` used here."""

    def with_env(self, key: str, value: str) -> Any: ...
    def with_exposed_ports(self, *ports: int) -> Any: ...
    def with_volume_mapping(self, host: str, container: str, mode: str = ...) -> Any: ...
    def with_command(self, command: str | list[str]) -> Any: ...


@dataclass(frozen=True)
class ContainerSpec:
    """How to run the image: what ``docker run`` would be given."""

    stubs: Path
    image: str = DEFAULT_IMAGE
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    options: tuple[str, ...] = ()
    """More ``stubforge serve`` options, e.g. ``("--seed", "7", "--profile", "slow")``."""
    env: tuple[tuple[str, str], ...] = ()

    def command(self) -> list[str]:
        return [
            "serve", "--stubs", STUBS_MOUNT, "--host", "0.0.0.0", "--port", str(PORT),
            *self.options,
        ]  # fmt: skip

    def environment(self) -> dict[str, str]:
        return {**dict(self.env), "STUBFORGE_ADMIN_TOKEN": self.token}

    def mounts(self) -> list[tuple[str, str, str]]:
        """``(host path, container path, mode)``: the stubs, read-only."""
        if not self.stubs.is_dir():
            raise FileNotFoundError(f"stubs directory {self.stubs} does not exist")
        return [(str(self.stubs.resolve()), STUBS_MOUNT, "ro")]


def configure(container: ContainerLike, spec: ContainerSpec) -> None:
    """Apply ``spec`` to a ``DockerContainer`` (not started)."""
    for key, value in spec.environment().items():
        container.with_env(key, value)
    for host, inside, mode in spec.mounts():
        container.with_volume_mapping(host, inside, mode)
    container.with_exposed_ports(PORT)
    container.with_command(spec.command())


def wait_healthy(url: str, timeout: float, client: httpx.Client | None = None) -> None:
    """Poll ``/__admin/health`` until it answers 200 (the stubs are loaded then)."""
    own = client is None
    http = client or httpx.Client(timeout=2)
    deadline = time.monotonic() + timeout
    last: str = "no answer"
    try:
        while time.monotonic() < deadline:
            try:
                r = http.get(url + "/__admin/health")
                if r.status_code == 200:
                    return
                last = f"status {r.status_code}"
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            time.sleep(0.1)
    finally:
        if own:
            http.close()
    raise TimeoutError(f"stubforge at {url} not healthy after {timeout:.0f}s ({last})")


class StubforgeContainer:
    """A stubforge container for one test session (a context manager)."""

    def __init__(
        self,
        stubs: str | Path,
        *,
        image: str = DEFAULT_IMAGE,
        token: str | None = None,
        options: tuple[str, ...] = (),
        start_timeout: float = 60.0,
    ) -> None:
        kwargs: dict[str, Any] = {"stubs": Path(stubs), "image": image, "options": options}
        if token is not None:
            kwargs["token"] = token
        self.spec = ContainerSpec(**kwargs)
        self.start_timeout = start_timeout
        self.url = ""
        self._container: Any = None
        self._admin: AdminClient | None = None

    def start(self) -> Self:
        try:
            from testcontainers.core.container import DockerContainer
        except ModuleNotFoundError as exc:  # pragma: no cover - depends on the extra
            raise RuntimeError(
                "StubforgeContainer needs testcontainers: pip install '.[containers]' "
                "from a checkout of stubforge"
            ) from exc
        container = DockerContainer(self.spec.image)
        configure(container, self.spec)
        container.start()
        self._container = container
        host = container.get_container_host_ip()
        self.url = f"http://{host}:{container.get_exposed_port(PORT)}"
        try:
            wait_healthy(self.url, self.start_timeout)
        except TimeoutError:
            self.stop()
            raise
        return self

    @property
    def token(self) -> str:
        return self.spec.token

    @property
    def admin(self) -> AdminClient:
        """A client of the container's admin API, with its token."""
        if self._admin is None:
            self._admin = AdminClient(self.url, self.spec.token)
        return self._admin

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self._container is not None:
            self._container.stop()
            self._container = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
