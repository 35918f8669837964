"""Command line: ``stubforge serve | check | schema | record | import | export | compile |
verify | drift``.

Each sub-command lives with the package that implements it; this module only
parses arguments and dispatches, importing lazily so that ``stubforge check``
never pays for uvicorn and nothing outside ``stubforge.record`` imports mitmproxy.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Handler = Callable[[argparse.Namespace], int]


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from stubforge.serve.cli import add_arguments, run

    def serve(args: argparse.Namespace) -> int:
        from stubforge.assemble import build_app  # the composition root: replay + admin

        return run(args, build_app)

    p = sub.add_parser("serve", help="serve the stubs of a directory")
    add_arguments(p)
    p.set_defaults(handler=serve)


def _add_check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from stubforge.load.cli import add_arguments, run

    p = sub.add_parser("check", help="validate stub files; print every error as file:line:col")
    add_arguments(p)
    p.add_argument(
        "--spec",
        type=Path,
        metavar="SPEC",
        help="also check every stubbed response against this OpenAPI/Swagger spec",
    )
    p.set_defaults(handler=_check_with_spec(run))


def _check_with_spec(run: Handler) -> Handler:
    def check(args: argparse.Namespace) -> int:
        if args.spec is None:
            return run(args)
        from stubforge.openapi.cli import run_check

        if args.json:  # one JSON document: the files' errors and the spec's findings
            return run_check(args)
        code = run(args)
        return code if code != 0 else run_check(args)

    return check


def _add_schema(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from stubforge.model.schema_cli import add_arguments, run

    p = sub.add_parser("schema", help="print the JSON Schema of stub files")
    add_arguments(p)
    p.set_defaults(handler=run)


# Optional command groups: each module exposes ``register(sub)``. A module that
# does not exist yet (or whose extra is not installed) simply adds no command.
_OPTIONAL = (
    "stubforge.record.cli",
    "stubforge.compile.cli",
    "stubforge.evaluate.cli",
    "stubforge.verify.cli",
    "stubforge.drift.cli",
    "stubforge.starter.cli",
    "stubforge.openapi.cli",
    "stubforge.wiremock.cli",
)


def build_parser() -> argparse.ArgumentParser:
    from stubforge import __version__

    parser = argparse.ArgumentParser(
        prog="stubforge",
        description="Record third-party HTTP APIs, compile stubs, replay them with behaviour.",
    )
    parser.add_argument("--version", action="version", version=f"stubforge {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    _add_serve(sub)
    _add_check(sub)
    _add_schema(sub)
    import importlib

    for name in _OPTIONAL:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue
            raise
        module.register(sub)
    return parser


def command_list(parser: argparse.ArgumentParser) -> str:
    """``stubforge`` alone: every command with its one-line help."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    rows = [(c.dest, c.help or "") for c in sub._choices_actions]
    width = max(len(name) for name, _ in rows)
    lines = [f"  {name.ljust(width)}  {text}" for name, text in rows]
    return "\n".join(["usage: stubforge COMMAND [ARGS]", "", "commands:", *lines, "", _MORE])


_MORE = "'stubforge COMMAND --help' describes a command; 'stubforge init' starts a stubs directory."


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):
        print(command_list(parser))
        return 2
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
