"""Hooks the projected fidelity into ``stubforge compile`` (it adds no command of its own)."""

from __future__ import annotations

import argparse
from typing import Any


def _project(args: argparse.Namespace, output: Any, hints: Any, hand: dict[str, str]) -> Any:
    from stubforge.compile.pipeline import compile_exchange_list, exchanges_from
    from stubforge.evaluate.fidelity import project

    exchanges = list(exchanges_from(args.recordings, []))
    return project(exchanges, output, lambda kept: compile_exchange_list(kept, hints, hand))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Give ``stubforge compile`` its projected-fidelity step."""
    from stubforge.compile import cli

    cli.projector = _project
