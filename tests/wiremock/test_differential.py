"""Differential test: every fully converted mapping of WireMock's own corpus is loaded,
alone, into a real WireMock and (converted) into stubforge; the same request goes to both
and status, the mapping's response headers, content type and body must agree.

Needs Java and the WireMock standalone jar (``$STUBFORGE_WIREMOCK_JAR``, else the one
``/work/shared/bench``-style installs put under ``/tmp/peers``); skipped without them.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from stubforge.wiremock.convert import convert
from stubforge.wiremock.emit import refusal
from stubforge.wiremock.source import Mapping, read_mappings
from tests.server import RunningServer
from tests.wiremock.probe import probe

DATA = Path(__file__).resolve().parents[1] / "data"
CORPORA = {"wiremock": (DATA / "wiremock", 30), "features": (DATA / "wiremock-features", 20)}
"""WireMock's own mappings, and ours covering each converted feature (with the least
number of mappings each must compare)."""
FLAGS = ("--disable-banner", "--local-response-templating")
JAR_GLOB = "/tmp/peers/node_modules/wiremock/build/wiremock-standalone-*.jar"
DYNAMIC = ("{{now", "{{randomValue", "{{ now", "{{ uuid")


def _jar() -> Path | None:
    configured = os.environ.get("STUBFORGE_WIREMOCK_JAR")
    if configured:
        return Path(configured)
    found = sorted(Path("/").glob(JAR_GLOB.lstrip("/")))
    return found[-1] if found else None


JAR = _jar()
pytestmark = [
    pytest.mark.skipif(
        JAR is None or shutil.which("java") is None,
        reason="needs java and the WireMock standalone jar ($STUBFORGE_WIREMOCK_JAR)",
    ),
    pytest.mark.timeout(300),
]


Answer = httpx.Response | str
"""A response, or the transport error a fault caused."""


@dataclass
class Tally:
    compared: int = 0
    agreed: int = 0
    no_probe: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def wiremock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("wiremock")
    (root / "mappings").mkdir()
    files = root / "__files"
    files.mkdir()
    for body in DATA.rglob("__files/*"):
        shutil.copy(body, files / body.name)
    port = _free_port()
    proc = subprocess.Popen(
        [*("java", "-jar", str(JAR), "--port", str(port), "--root-dir", str(root)), *FLAGS],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{url}/__admin/mappings", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("WireMock did not start")
        time.sleep(0.3)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def _send(client: httpx.Client, base: str, request: dict[str, Any]) -> Answer:
    try:
        return client.request(
            request["method"],
            base + request["url"],
            headers=request["headers"],
            content=request["content"] or None,
        )
    except httpx.HTTPError as exc:  # faults: both sides must break the connection
        return f"transport error ({type(exc).__name__})"


def _compare(
    mapping: dict[str, Any], theirs: httpx.Response | str, ours: httpx.Response | str
) -> str:
    if isinstance(theirs, str) or isinstance(ours, str):
        both = isinstance(theirs, str) and isinstance(ours, str)
        return "" if both else f"WireMock {theirs!r} vs stubforge {ours!r}"
    if theirs.status_code != ours.status_code:
        return f"status {theirs.status_code} vs {ours.status_code}"
    declared = {k.lower() for k in (mapping["response"].get("headers") or {})}
    if "content-type" in theirs.headers:
        declared.add("content-type")
    for name in sorted(declared):
        a, b = theirs.headers.get(name), ours.headers.get(name)
        if name == "content-type" and a and b:
            a, b = a.replace(" ", "").lower(), b.replace(" ", "").lower()
        if a != b:
            return f"header {name}: {a!r} vs {b!r}"
    text = json.dumps(mapping["response"])
    if any(marker in text for marker in DYNAMIC):
        return ""  # generated values differ by design
    if theirs.content != ours.content:
        return f"body {theirs.content[:80]!r} vs {ours.content[:80]!r}"
    return ""


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_fully_converted_mappings_answer_like_wiremock(
    corpus: str,
    wiremock: str,
    stub_dir: Path,
    serve: Callable[..., RunningServer],
    capsys: pytest.CaptureFixture[str],
) -> None:
    source, least = CORPORA[corpus]
    mappings = [m for m in read_mappings(source) if isinstance(m, Mapping)]
    converted = [(m, convert(m)) for m in mappings]
    for _, c in converted:
        for rel, data in c.body_files.items():
            (stub_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (stub_dir / rel).write_bytes(data)
    full = [
        (m, c)
        for m, c in converted
        if c.outcome == "full" and c.route and refusal(c.route, stub_dir, stub_dir) is None
    ]
    ours = serve().url
    tally = Tally()
    fresh = httpx.Limits(max_keepalive_connections=0)  # a probe may break its connection
    with httpx.Client(timeout=10) as client, httpx.Client(timeout=10, limits=fresh) as prober:
        for mapping, c in full:
            where = f"{mapping.file}#{mapping.pointer}"
            request = probe(mapping.data)
            if request is None:
                tally.no_probe.append(where)
                continue
            assert client.post(f"{wiremock}/__admin/reset").status_code == 200
            assert client.delete(f"{wiremock}/__admin/mappings").status_code == 200
            loaded = client.post(f"{wiremock}/__admin/mappings", json=mapping.data)
            if loaded.status_code != 201:  # a test's sample WireMock itself does not load
                tally.refused.append(f"{where}: {loaded.json()['errors'][0]['detail'][:80]}")
                continue
            assert client.delete(f"{ours}/__admin/stubs").status_code == 200
            client.delete(f"{ours}/__admin/scenarios")
            added = client.post(f"{ours}/__admin/stubs", json=c.route)
            assert added.status_code == 201, (where, added.text)
            theirs_answer = _send(prober, wiremock, request)
            our_answer = _send(prober, ours, request)
            tally.compared += 1
            difference = _compare(mapping.data, theirs_answer, our_answer)
            if difference:
                tally.differences.append(f"{where}: {difference}")
            else:
                tally.agreed += 1
    with capsys.disabled():
        print(
            f"\nWireMock differential ({corpus}): {len(full)} fully converted mapping(s), "
            f"{tally.compared} compared, {tally.agreed} agreed, "
            f"{len(tally.no_probe)} without a derivable request, "
            f"{len(tally.refused)} refused by WireMock itself"
        )
        for line in tally.refused:
            print("  refused by WireMock:", line)
        for line in tally.no_probe:
            print("  no request derived:", line)
        for line in tally.differences:
            print("  differs:", line)
    assert tally.compared >= least
    assert tally.differences == []


SEQUENCES = {
    "scenario.json": [("GET", "/todo"), ("POST", "/todo"), ("GET", "/todo"), ("POST", "/todo")],
    "priority.json": [("GET", "/v2/x"), ("POST", "/v2/x"), ("DELETE", "/v2/y/z")],
}
"""Mapping files loaded whole, and requests whose answers depend on several mappings:
scenario states moving, and priorities deciding between overlapping mappings."""


@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_mappings_together_answer_like_wiremock(
    name: str, wiremock: str, stub_dir: Path, serve: Callable[..., RunningServer]
) -> None:
    source = DATA / "wiremock-features" / "mappings" / name
    mappings = [m for m in read_mappings(source) if isinstance(m, Mapping)]
    routes = [convert(m).route for m in mappings]
    ours = serve().url
    with httpx.Client(timeout=10) as client:
        assert client.post(f"{wiremock}/__admin/reset").status_code == 200
        assert client.delete(f"{wiremock}/__admin/mappings").status_code == 200
        for m in mappings:
            assert client.post(f"{wiremock}/__admin/mappings", json=m.data).status_code == 201
        assert client.post(f"{ours}/__admin/stubs", json=routes).status_code == 201
        answers = []
        for method, path in SEQUENCES[name]:
            theirs = client.request(method, wiremock + path)
            mine = client.request(method, ours + path)
            answers.append((method, path, theirs.status_code, mine.status_code))
            assert theirs.status_code == mine.status_code, answers
            if b"Request was not matched" in theirs.content:  # misses explain themselves
                assert mine.headers["x-stubforge-unmatched"] == "1"
            else:
                assert theirs.content == mine.content, answers
