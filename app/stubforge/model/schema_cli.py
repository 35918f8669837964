"""``stubforge schema``: print (or write) the stub-file JSON Schema."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from stubforge.model.schema import stub_schema


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")


def run(args: argparse.Namespace) -> int:
    text = json.dumps(stub_schema(), indent=2, sort_keys=False) + "\n"
    if args.output:
        args.output.write_text(text)
    else:
        print(text, end="")
    return 0
