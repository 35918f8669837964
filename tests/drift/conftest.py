"""Fixtures: provider v1 recorded through the real recorder and compiled, once per session."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_directory
from tests.record.conftest import REDACT_KEY, Recorder

from .provider import Running, running_provider

TOKEN = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"


@dataclass(frozen=True)
class Recorded:
    recordings: Path
    stubs: Path


def _traffic(client: httpx.Client) -> None:
    auth = {"authorization": f"Bearer {TOKEN}"}
    for cid in ("cus_A1b2C3d4", "cus_Q9w8E7r6", "cus_Z5x6C7v8"):
        client.get(f"/v1/customers/{cid}", headers=auth)
    client.delete("/v1/customers/cus_A1b2C3d4", headers=auth)
    for status in ("open", "open", "closed"):
        client.get("/v1/orders", params={"status": status}, headers=auth)
    for amount, currency in ((100, "usd"), (250, "eur"), (500000, "usd"), (700000, "eur")):
        client.post("/v1/charges", json={"amount": amount, "currency": currency}, headers=auth)
    for charge in ("ch_1a2b3c4d5e", "ch_9z8y7x6w5v"):
        client.post("/v1/refunds", json={"charge": charge, "amount": 5}, headers=auth)
    for _ in range(20):
        client.get("/v1/balance", headers=auth)
    for _ in range(14):
        client.get("/v1/search", params={"q": "ada"}, headers=auth)


@pytest.fixture(scope="session")
def v1_recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    """Provider v1's traffic recorded through ``stubforge record`` and compiled."""
    root = tmp_path_factory.mktemp("v1")
    env = dict(os.environ)
    env["STUBFORGE_REDACT_KEY"] = REDACT_KEY
    env["XDG_CONFIG_HOME"] = str(root / "config")
    env.pop("HTTPS_PROXY", None)
    env.pop("HTTP_PROXY", None)
    with running_provider(1) as v1:
        recorder = Recorder(["--upstream", v1.url], root / "recordings", env)
        try:
            with httpx.Client(base_url=recorder.url, timeout=10) as client:
                _traffic(client)
        finally:
            assert recorder.stop() == 0, "".join(recorder.lines)
    lines = [
        json.loads(line)
        for f in sorted((root / "recordings").glob("*.jsonl"))
        for line in f.read_text().splitlines()
    ]
    assert len(lines) == 47, len(lines)
    assert TOKEN not in json.dumps(lines)
    output = compile_directory(root / "recordings", Hints())
    write_output(root / "stubs", output)
    return Recorded(root / "recordings", root / "stubs")


@pytest.fixture
def v1() -> Iterator[Running]:
    with running_provider(1) as running:
        yield running


@pytest.fixture
def v2() -> Iterator[Running]:
    with running_provider(2) as running:
        yield running


@pytest.fixture
def secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PROVIDER_TOKEN", TOKEN)
    monkeypatch.setenv("STUBFORGE_REDACT_KEY", REDACT_KEY)
    path = tmp_path / "secrets.env"
    path.write_text("# the provider's test key\nauthorization=Bearer $PROVIDER_TOKEN\n")
    return path
