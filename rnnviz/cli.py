"""The ``rnnviz`` command: no subcommand opens the GUI, subcommands run headless.

Each subcommand lives in ``rnnviz.commands.<name>`` and exposes
``register(subparsers) -> None``, which adds its parser and sets
``func=run`` with ``run(args: argparse.Namespace) -> int``.

Expected failures -- a :class:`~rnnviz.core.config.ConfigError` (the family in
:mod:`rnnviz.errors`: bad values, input files, output paths, estimates that do not
fit, a busy checkpoint), an ``OSError`` of the environment (disk full, permission
denied) or running out of memory -- are printed as one line,
``rnnviz <command>: error: <message>``, exit status 2. Anything else is a bug:
``rnnviz <command>: internal error: ...``, exit status 1. Set ``RNNVIZ_DEBUG=1``
to get the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

import rnnviz
from rnnviz._display import has_display
from rnnviz.core.config import ConfigError

# Modules under rnnviz.commands, in the order they appear in --help.
COMMAND_MODULES: tuple[str, ...] = ("analyze", "train", "sample", "sweep", "screenshot")

EXIT_USAGE = 2
EXIT_INTERNAL = 1
EXIT_INTERRUPTED = 130


class _OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr, no usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every subcommand from ``COMMAND_MODULES`` registered."""
    parser = _OneLineParser(
        prog="rnnviz",
        description=(
            "See how gradients flow through recurrent neural networks. "
            "Without a command, opens the desktop app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"rnnviz {rnnviz.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="headless commands")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"rnnviz.commands.{name}")
        module.register(subparsers)
    return parser


def no_display_message() -> str:
    commands = " | ".join(COMMAND_MODULES)
    return f"rnnviz: no display found; use the headless commands: rnnviz {commands} (see rnnviz --help)"


def _run_gui() -> int:
    if not has_display():
        print(no_display_message(), file=sys.stderr)
        return EXIT_USAGE
    from rnnviz.app.main import run_app

    # QApplication wants the program name first.
    return int(run_app(["rnnviz"]))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rnnviz`` console script and ``python -m rnnviz``."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = "rnnviz"
    try:
        parser = build_parser()
        args = parser.parse_args(arguments)
        if args.command is None:
            return _run_gui()
        command = f"rnnviz {args.command}"
        return int(args.func(args))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Output piped into e.g. `head`: stop quietly, and keep Python from
        # complaining while flushing the closed stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (ConfigError, OSError, MemoryError) as error:
        if os.environ.get("RNNVIZ_DEBUG"):
            raise
        print(f"{command}: error: {user_message(error)}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # noqa: BLE001 - the last line of defence: say it is a bug
        if os.environ.get("RNNVIZ_DEBUG"):
            raise
        detail = " ".join(str(error).split())
        print(f"{command}: internal error: {type(error).__name__}{': ' + detail if detail else ''} "
              "(a bug in rnnviz; RNNVIZ_DEBUG=1 shows the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


def user_message(error: BaseException) -> str:
    """One line for an expected failure; an ``OSError`` names its file, not its errno."""
    if isinstance(error, MemoryError):
        detail = " ".join(str(error).split())
        return "out of memory" + (f" ({detail})" if detail else "") + "; try smaller settings"
    if isinstance(error, OSError) and error.strerror:
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror}{where}"
    return " ".join(str(error).split()) or type(error).__name__
