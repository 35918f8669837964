"""Extract WireMock's own stub mappings into tests/data/wiremock/ (run by hand).

    python bench/wiremock/extract_corpus.py /path/to/wiremock.git [OUT]

Reads a clone (a bare one is enough) of https://github.com/wiremock/wiremock (Apache-2.0)
with ``git``: every mapping JSON file at HEAD and every one deleted in its history, the
admin API's stub-mapping examples (YAML there, written here as JSON), and the JSON text
blocks of the Java tests that are stub mappings. Each file is written under its original
path (``history/<commit>/<path>`` for deleted ones, ``<path>.<n>.json`` for text blocks),
the JSON bodies of HEAD's ``__files/`` directories are copied too (other bodies are not:
the mappings that use them report the file as missing), and
``SOURCES.md`` lists everything with the commit it came from.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

TEXT_BLOCK = re.compile(r'"""\s*\n(.*?)"""', re.S)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def is_mapping(data: Any) -> bool:
    if isinstance(data, dict) and isinstance(data.get("mappings"), list):
        return any(is_mapping(m) for m in data["mappings"])
    return (
        isinstance(data, dict)
        and isinstance(data.get("request"), dict)
        and (isinstance(data.get("response"), dict))
    )


def main(repo: Path, out: Path) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    files = git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines()
    sources: list[str] = []

    def keep(rel: str, text: str, origin: str) -> None:
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        sources.append(f"| `{rel}` | {origin} |")

    for path in files:
        if path.endswith(".json") and not path.startswith(("schemas/", "ui/")):
            text = git(repo, "show", f"HEAD:{path}")
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                data = None
            if is_mapping(data) or "/mappings/" in path:
                keep(path, text, f"`{path}` at {head[:12]}")
        if "/__files/" in path and path.endswith(".json"):  # JSON only: no binaries here
            raw = subprocess.run(
                ["git", "-C", str(repo), "show", f"HEAD:{path}"], capture_output=True, check=True
            ).stdout
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(raw)
            sources.append(f"| `{path}` | body file, `{path}` at {head[:12]} |")
        if path.endswith(".yaml") and "swagger/examples/" in path and "stub-mapping" in path:
            data = yaml.safe_load(git(repo, "show", f"HEAD:{path}"))
            value = data.get("value", data) if isinstance(data, dict) else data
            if is_mapping(value):
                keep(
                    path[: -len(".yaml")] + ".json",
                    json.dumps(value, indent=2),
                    f"`{path}` (YAML) at {head[:12]}",
                )
        if path.endswith(".java") and "/test" in path:
            text = git(repo, "show", f"HEAD:{path}")
            for n, block in enumerate(TEXT_BLOCK.findall(text)):
                try:
                    data = json.loads(block)
                except json.JSONDecodeError:
                    continue
                if is_mapping(data):
                    keep(
                        f"{path}.{n}.json",
                        json.dumps(data, indent=2),
                        f"text block {n} of `{path}` at {head[:12]}",
                    )
    deleted = git(repo, "log", "--diff-filter=D", "--name-only", "--format=%H", "HEAD")
    commit = ""
    seen: set[str] = set()
    for line in deleted.splitlines():
        if re.fullmatch(r"[0-9a-f]{40}", line):
            commit = line
            continue
        if not line.endswith(".json") or line in seen or line in files:
            continue
        if "mapping" not in line and "stub" not in line:
            continue
        try:
            text = git(repo, "show", f"{commit}^:{line}")
            data = json.loads(text)
        except (subprocess.CalledProcessError, json.JSONDecodeError):
            continue
        if is_mapping(data):
            seen.add(line)
            keep(
                f"history/{commit[:12]}/{line}",
                text,
                f"`{line}`, deleted in {commit[:12]} (taken from its parent)",
            )
    (out / "SOURCES.md").write_text(
        "# Sources\n\nWireMock's own stub mappings, from https://github.com/wiremock/wiremock "
        f"(Apache License 2.0, see NOTICE) at {head}.\n\n| file here | original |\n|---|---|\n"
        + "\n".join(sorted(sources))
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(sources)} file(s) -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) > 2 else "tests/data/wiremock"))
