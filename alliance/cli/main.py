"""Entry point of the ``alliance`` command.

Each domain registers its own sub-commands from a module of this package, so
that this file never grows and a slow import (the transcript model) only
happens when its command runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from alliance import __version__
from alliance.science.errors import InputError

SUBCOMMAND_MODULES = (
    "alliance.cli.instruments",
    "alliance.cli.transcripts",
    "alliance.cli.ruptures",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alliance",
        description="Alliance: instruments, scoring, ruptures and transcripts.",
    )
    parser.add_argument("--version", action="version", version=f"alliance {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in SUBCOMMAND_MODULES:
        importlib.import_module(module_name).register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        exit_code: int = args.handler(args)
    except InputError as error:
        print(f"alliance: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `alliance ... | head` must not print a traceback.
        return 0
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
