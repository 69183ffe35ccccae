"""Headless subcommands of ``rnnviz``.

Each module here exposes ``register(subparsers) -> None`` (adds its parser and
``set_defaults(func=run)``) and ``run(args) -> int``; ``rnnviz.cli`` lists the
module names in ``COMMAND_MODULES``.  Modules import heavy dependencies inside
``run`` so that ``rnnviz --help`` stays fast.
"""
from __future__ import annotations

import re


def with_flag_names(error, flags: dict[str, str]):
    """The same error with engine field names replaced by the flags the user typed
    (``flags``: field -> flag, e.g. ``{"hidden_size": "--hidden"}``)."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, flags)) + r")\b")
    return type(error)(pattern.sub(lambda m: flags[m.group(1)], str(error)))
