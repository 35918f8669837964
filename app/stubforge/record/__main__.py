"""``python -m stubforge.record record|import|export ...``: the recorder commands on their own.

Equivalent to the same ``stubforge`` sub-commands; handy in containers that
install only the ``record`` extra.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from stubforge.record.cli import register


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command."""
    parser = argparse.ArgumentParser(prog="stubforge")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    register(sub)
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
