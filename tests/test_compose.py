"""compose.yaml, read statically (the container tests need Docker): the record profile
runs as the image's non-root user with a writable HOME of its own, and nothing in the
file demands an admin token the recorder does not use."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_the_recorder_has_a_writable_home_kept_in_a_volume() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    recorder = compose["services"]["recorder"]
    home = recorder["environment"]["HOME"]
    mounted = [v for v in recorder["volumes"] if isinstance(v, str) and v.endswith(":" + home)]
    assert mounted and mounted[0].split(":")[0] in compose["volumes"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"chown 10001:10001 {home}" in dockerfile  # a fresh volume copies this owner
    assert f"--home-dir {home}" in dockerfile


def test_no_variable_is_required_to_interpolate_the_file() -> None:
    # `${VAR:?message}` fails every `docker compose` command, the recorder's too
    assert not re.search(r"\$\{[A-Z_]+:\?", (ROOT / "compose.yaml").read_text())
