"""Recordings on disk → compiled output in memory: read, normalise, drop, compile, check.

Dropped (and reported): ``CONNECT`` tunnels, exchanges without a usable URL and
responses whose status no HTTP server can send (a browser HAR's ``0`` for a blocked or
aborted request, ``999`` and the like; a status of 0 with the recorder's ``_error`` or
``_fault`` is a failure the behaviour inference uses, and stays). Every
compiled document is validated against the stub schema before it is returned, so the
output passes ``stubforge check`` by construction (a failure here is a compiler bug and
raises).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

from stubforge.compile.compiler import CompileOutput, compile_exchanges
from stubforge.compile.exchange import Exchange, from_entry
from stubforge.compile.hints import Hints
from stubforge.compile.report import Progress
from stubforge.model.recording import read_recordings, recording_files
from stubforge.model.stub import StubFile


class CompilerBug(RuntimeError):
    """The compiler produced a document that does not validate."""


def exchanges_from(path: Path, dropped: list[str]) -> Iterator[Exchange]:
    """Normalised exchanges of a recordings directory, skipping what cannot be stubbed."""
    for index, entry in enumerate(read_recordings(path)):
        if entry.request.method.upper() == "CONNECT":
            dropped.append(f"entry {index + 1}: CONNECT {entry.request.url} (a tunnel)")
            continue
        status = entry.response.status
        failure = status == 0 and (entry.fault is not None or entry.error is not None)
        if not failure and not 100 <= status <= 599:  # a recorded failure is 0 by design
            dropped.append(f"entry {index + 1}: response status {status} is not an HTTP status")
            continue
        ex = from_entry(entry, index)
        if not ex.host or not ex.path.startswith("/"):
            dropped.append(f"entry {index + 1}: no usable URL ({entry.request.url!r})")
            continue
        if "?" in ex.path or "#" in ex.path:
            dropped.append(
                f"entry {index + 1}: its path holds an encoded '?' or '#', which a stub path "
                f"cannot express ({entry.request.url!r})"
            )
            continue
        yield ex


def validate(output: CompileOutput) -> None:
    """Check every compiled document against the stub schema."""
    for name, text in output.files.items():
        try:
            StubFile.model_validate(yaml.safe_load(text))
        except Exception as exc:
            raise CompilerBug(f"compiled {name} does not validate: {exc}") from exc


def compile_exchange_list(
    exchanges: list[Exchange], hints: Hints, hand: dict[str, str], progress: bool = False
) -> CompileOutput:
    """Compile already-read exchanges (validated output)."""
    bar = Progress(len(exchanges), "compiling") if progress else None
    output = compile_exchanges(exchanges, hints, hand, bar.advance if bar else None)
    if bar is not None:
        bar.close()
    output.report.exchanges = len(exchanges)
    validate(output)
    return output


def compile_directory(
    recordings: Path, hints: Hints, hand: dict[str, str] | None = None, progress: bool = False
) -> CompileOutput:
    """Read ``recordings`` (a directory or one file) and compile it."""
    recording_files(recordings)  # raises FileNotFoundError with the path
    dropped: list[str] = []
    exchanges = list(exchanges_from(recordings, dropped))
    output = compile_exchange_list(exchanges, hints, hand or {}, progress)
    output.report.dropped[:0] = dropped
    return output
