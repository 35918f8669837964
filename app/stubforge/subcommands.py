"""Command groups that several packages add to: ``import FORMAT`` and ``export FORMAT``.

``stubforge import har`` (record), ``import openapi`` and ``import wiremock`` each add one
format to the same ``import`` command; this module holds the one group per command so that
none of them needs the CLI module that imports everything.
"""

from __future__ import annotations

import argparse


def format_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], command: str, help: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The ``FORMAT`` sub-commands of ``command``, created on first use. Found again on the
    parser itself (no module state: every parser built gets its own groups)."""
    parser = sub.choices.get(command)
    if parser is None:
        parser = sub.add_parser(command, help=help)
        found = parser.add_subparsers(dest="format", metavar="FORMAT")
        found.required = True
        return found
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise ValueError(f"stubforge {command} has no FORMAT sub-commands")
