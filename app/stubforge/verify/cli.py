"""``stubforge verify EXPECTATIONS.yaml --url http://mock:8080``: ask a running mock (a
container, from outside) whether it received what a test expected.

Exit status: 0 when every expectation holds, 1 when one fails, 2 on a usage problem (an
invalid expectations file, an unreachable server, a refused token).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from stubforge.load.errors import LoadError, format_field_path
from stubforge.load.loader import display_path
from stubforge.load.validation import errors_from_validation
from stubforge.load.yamlpos import YamlError, load_yaml
from stubforge.model.expectation import Expectation, ExpectationsFile

TOKEN_ENV = "STUBFORGE_ADMIN_TOKEN"


class UsageError(Exception):
    """A problem that is not a failed expectation (exit status 2)."""


class UnreadableFile(UsageError):
    """The expectations file is missing or unreadable: one line, no summary after it."""


def load_expectations(path: Path) -> ExpectationsFile:
    """Parse and validate; raise :class:`UsageError` listing every ``file:line:col`` error."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UnreadableFile(f"stubforge verify: cannot read {shown}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{shown}:1:1: not UTF-8 text: {exc.reason}") from None
    try:
        data, positions = load_yaml(text)
    except YamlError as exc:
        err = LoadError(shown, exc.line, exc.col, format_field_path(exc.path), exc.message)
        raise UsageError(str(err)) from None
    if not isinstance(data, dict):
        raise UsageError(
            f"{shown}:1:1: an expectations file is a mapping with 'version: 1' and 'expect'"
        )
    try:
        return ExpectationsFile.model_validate(data)
    except ValidationError as exc:
        errors = errors_from_validation(exc, data, ExpectationsFile, shown, positions)
        raise UsageError("\n".join(str(e) for e in errors)) from None


def _payload(exp: Expectation, session: str | None) -> dict[str, Any]:
    data: dict[str, Any] = exp.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if session is not None and exp.request.session is None:
        data.setdefault("request", {})["session"] = session
    return data


def run_verify(args: argparse.Namespace) -> int:
    import httpx

    try:
        spec = load_expectations(args.expectations)
    except UnreadableFile as exc:
        print(exc, file=sys.stderr)
        return 2
    except UsageError as exc:
        print(exc, file=sys.stderr)
        print("stubforge verify: invalid expectations file", file=sys.stderr)
        return 2
    token = args.token or os.environ.get(TOKEN_ENV)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    session = args.session or spec.session
    base = args.url.rstrip("/")
    failed = 0
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=args.timeout) as client:
            for exp in spec.expectations():
                r = client.post("/__admin/requests/verify", json=_payload(exp, session))
                if r.status_code == 401:
                    print(
                        f"stubforge verify: {base} refused the admin token (401); pass "
                        f"--token or set {TOKEN_ENV}",
                        file=sys.stderr,
                    )
                    return 2
                if r.status_code != 200:
                    detail = (
                        r.json().get("detail", r.text)
                        if r.headers.get("content-type", "").endswith("json")
                        else r.text[:200]
                    )
                    print(
                        f"stubforge verify: {base}/__admin/requests/verify answered "
                        f"{r.status_code}: {detail}",
                        file=sys.stderr,
                    )
                    return 2
                result = r.json()
                print(result["report"])
                failed += 0 if result["ok"] else 1
    except httpx.HTTPError as exc:
        print(f"stubforge verify: cannot reach {base}: {exc}", file=sys.stderr)
        return 2
    total = len(spec.expectations())
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("verify", help="check a running mock received what a test expected")
    p.add_argument("expectations", type=Path, metavar="EXPECTATIONS.yaml")
    p.add_argument(
        "--url",
        default=os.environ.get("STUBFORGE_URL", "http://127.0.0.1:8080"),
        help="base URL of the mock (default http://127.0.0.1:8080 or $STUBFORGE_URL)",
    )
    p.add_argument("--token", default=None, help=f"admin bearer token (default: ${TOKEN_ENV})")
    p.add_argument(
        "--session", default=None, help="check only requests of this X-Stubforge-Session"
    )
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    p.set_defaults(handler=run_verify)
