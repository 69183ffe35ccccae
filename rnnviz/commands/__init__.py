"""Headless subcommands of ``rnnviz``.

Each module here exposes ``register(subparsers) -> None`` (adds its parser and
``set_defaults(func=run)``) and ``run(args) -> int``; ``rnnviz.cli`` lists the
module names in ``COMMAND_MODULES``.  Modules import heavy dependencies inside
``run`` so that ``rnnviz --help`` stays fast.
"""
