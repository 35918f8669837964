"""AWS services from moto's server (PyPI ``moto[server]``) on 127.0.0.1, and boto3 clients
for them, for the SDK fidelity tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.record.conftest import Recorder

SERVICES = ("s3", "sqs", "sts", "sns")


@contextmanager
def moto_server() -> Iterator[str]:
    """A moto server (every AWS service on one endpoint) on an ephemeral port."""
    server_mod = pytest.importorskip("moto.server", reason="pip install 'moto[server]'")
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@contextmanager
def recorder(upstream: str, out: Path, tmp: Path, allow: tuple[str, ...] = ()) -> Iterator[str]:
    """The real recorder in front of ``upstream`` (``allow``: public values its redaction
    must leave alone); yields its URL."""
    env = dict(
        os.environ,
        STUBFORGE_REDACT_KEY="aws-fidelity",
        HOME=str(tmp / "home"),
        XDG_CONFIG_HOME=str(tmp / "cfg"),
    )
    env.pop("HTTP_PROXY", None)
    env.pop("HTTPS_PROXY", None)
    rules = tmp / "rules.yaml"
    # moto's caller identity is AWS's documented example key: public, so allow-listed
    values = ", ".join(("AKIAIOSFODNN7EXAMPLE", *allow))
    rules.write_text(f"version: 1\nallow:\n  values: [{values}]\n")
    rec = Recorder(["--upstream", upstream, "--rules", str(rules)], out, env)
    try:
        yield rec.url
    finally:
        rec.stop()


def clients(endpoint: str) -> dict[str, Any]:
    """boto3 clients of :data:`SERVICES` against ``endpoint`` (no retries: a failure shows)."""
    boto3 = pytest.importorskip("boto3")
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    config = Config(
        retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=10
    )
    return {name: session.client(name, endpoint_url=endpoint, config=config) for name in SERVICES}
