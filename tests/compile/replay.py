"""Compile exchanges, load the stubs like the server does and build each route's answer
in process: what the replay path would send, without a socket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stubforge.compile.exchange import Exchange
from stubforge.compile.hints import Hints
from stubforge.compile.merge import write_output
from stubforge.compile.pipeline import compile_exchange_list
from stubforge.load.loader import load_directory
from stubforge.match.request import Request
from stubforge.model.stub import Route
from stubforge.serve.prepared import Prepared, ResponseBuilder


def compiled_routes(exchanges: list[Exchange], out: Path) -> list[Route]:
    """The loaded routes compiled from ``exchanges`` (written under ``out``)."""
    write_output(out, compile_exchange_list(exchanges, Hints(), {}))
    result = load_directory(out)
    assert result.ok, [str(e) for e in result.errors]
    return [r for f in result.files for r in f.model.routes]


def request_of(ex: Exchange) -> Request:
    query = "&".join(f"{k}={v}" for k, v in ex.query).encode()
    headers = [(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in ex.headers.items()]
    return Request(ex.method, ex.path, query, headers, (ex.body or "").encode())


def answer(
    route: Route, req: Request, root: Path, params: dict[str, Any] | None = None
) -> Prepared:
    """The response the route's default response spec builds for ``req`` (``root``: the
    stubs directory, for body files)."""
    spec = route.response if route.response is not None else (route.responses or [None])[-1]
    if spec is None and route.sequence is not None:
        spec = route.sequence.responses[0]
    assert spec is not None, route
    context = {"root": root, "file_dir": root}
    return ResponseBuilder(spec, {}, context).build(req, params or {})


def templated(route: Route) -> bool:
    text = route.model_dump_json(by_alias=True)
    return "{{" in text or "{%" in text
