"""The Kubernetes manifests validate against the Kubernetes schemas (kubernetes-validate,
strict), the example ConfigMap's stubs load, and the Deployment's arguments are ones
``stubforge serve`` accepts."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml"))


def documents() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in MANIFESTS:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                out.append((f"{path.name}:{doc['kind']}/{doc['metadata']['name']}", doc))
    return out


@pytest.mark.parametrize(("name", "doc"), documents(), ids=[n for n, _ in documents()])
def test_manifest_is_valid_kubernetes(name: str, doc: dict[str, Any]) -> None:
    kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def _kind(kind: str, name: str) -> dict[str, Any]:
    return next(d for _, d in documents() if d["kind"] == kind and d["metadata"]["name"] == name)


def test_the_deployment_runs_arguments_serve_accepts() -> None:
    from stubforge.serve.cli import add_arguments

    container = _kind("Deployment", "stubforge")["spec"]["template"]["spec"]["containers"][0]
    args = container["args"]
    assert args[0] == "serve"
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    parsed = parser.parse_args(args[1:])
    assert parsed.store.startswith("redis://") and parsed.host == "0.0.0.0"
    env = {e["name"] for e in container["env"]}
    assert "STUBFORGE_ADMIN_TOKEN" in env  # required beyond loopback
    probe = container["readinessProbe"]["httpGet"]["path"]
    assert probe == "/__admin/health"  # answers without the token


def test_the_example_configmap_holds_stubs_that_load(tmp_path: Path) -> None:
    for name, text in _kind("ConfigMap", "stubforge-stubs")["data"].items():
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        [sys.executable, "-m", "stubforge.cli", "check", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_service_link_variable_does_not_break_the_cli() -> None:
    """A Service named ``stubforge`` injects STUBFORGE_PORT=tcp://10.0.0.1:80."""
    env = {"STUBFORGE_PORT": "tcp://10.0.0.1:80", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "stubforge.cli", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "PYTHONPATH": ":".join(sys.path)},
    )
    assert result.returncode == 0, result.stderr
