"""Record a training session, compile, then run a different probe session against a fresh
real service and against the mock, and compare what the client sees."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import (
    CompileOutput,
    compile_directory,
    compile_exchange_list,
    exchanges_from,
)
from stubforge.evaluate.fidelity import project
from stubforge.serve.config import ServeConfig
from tests.record.conftest import Recorder, wait_for_lines
from tests.server import running_server

Call = tuple[str, str, dict[str, Any]]
"""``(method, path, httpx keyword arguments)``."""
Seen = tuple[int, Any]
"""What the client sees: the status and the parsed body (text when not JSON)."""


def seen(response: httpx.Response) -> Seen:
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, response.text


def run(client: httpx.Client, calls: list[Call]) -> list[Seen]:
    return [seen(client.request(method, path, **kw)) for method, path, kw in calls]


@dataclass
class Comparison:
    calls: list[Call]
    real: list[Seen]
    mock: list[Seen]
    report: CompileOutput
    same: int = 0
    diffs: list[tuple[Call, Seen, Seen]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for call, r, m in zip(self.calls, self.real, self.mock, strict=True):
            if r == m:
                self.same += 1
            else:
                self.diffs.append((call, r, m))

    @property
    def share(self) -> float:
        return self.same / len(self.calls)

    @property
    def mock_5xx(self) -> int:
        return sum(1 for status, _ in self.mock if status >= 500)

    def summary(self, name: str) -> str:
        fid = self.report.report.fidelity
        return (
            f"{name}: {self.same}/{len(self.calls)} probe calls the same "
            f"({self.share:.1%}), mock 5xx: {self.mock_5xx}; compile projected "
            f"{fid.overall.text()}; held out {fid.held_out.text()}"
        )


@contextmanager
def recording(upstream: str, out: Path, tmp: Path) -> Iterator[httpx.Client]:
    env = dict(
        os.environ,
        STUBFORGE_REDACT_KEY="fidelity",
        HOME=str(tmp / "home"),
        XDG_CONFIG_HOME=str(tmp / "cfg"),
    )
    env.pop("HTTP_PROXY", None)
    env.pop("HTTPS_PROXY", None)
    recorder = Recorder(["--upstream", upstream], out, env)
    try:
        with httpx.Client(base_url=recorder.url, timeout=10) as client:
            yield client
    finally:
        recorder.stop()


def compare(
    tmp: Path,
    start_real: Callable[[Path], Any],
    training: Callable[[httpx.Client], object],
    probe: list[Call],
) -> tuple[Comparison, list[Seen], list[Seen]]:
    """Train through the recorder on one instance, probe a fresh one and the mock.

    Returns the comparison and the training session as recorded and as replayed."""
    recordings = tmp / "recordings"
    with start_real(tmp / "train") as real, recording(real.url, recordings, tmp) as client:
        trained = training(client)
        assert isinstance(trained, list)
        wait_for_lines(recordings, len(trained))  # every exchange on disk before stopping
    output = compile_directory(recordings, Hints())
    write_output(tmp / "stubs", output)
    exchanges = list(exchanges_from(recordings, []))
    output.report.fidelity = project(
        exchanges, output, lambda kept: compile_exchange_list(kept, Hints(), {})
    )
    with start_real(tmp / "probe") as real, httpx.Client(base_url=real.url, timeout=10) as c:
        real_seen = run(c, probe)
    with (
        running_server(tmp / "stubs", ServeConfig(watch=False, seed=1)) as mock,
        httpx.Client(base_url=mock.url, timeout=10) as c,
    ):
        mock_seen = run(c, probe)
        c.headers["x-stubforge-session"] = "training"  # a fresh session: the seed again
        replay = training(c)
    assert isinstance(replay, list)
    return Comparison(probe, real_seen, mock_seen, output), trained, replay
