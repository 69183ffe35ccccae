"""The failures rnnviz expects, as one class family.

Every expected failure (a bad value, an input file that is missing or not what it should be, an
output path that cannot be written, a run that would not fit, a file another run holds) is a
:class:`ConfigError` (also ``rnnviz.core.config.ConfigError``) or one of the subclasses below; its message is one line
meant for the user. The command line prints it as ``rnnviz COMMAND: error: ...`` and exits 2.
Anything else that escapes a command is a bug: the command line says so and exits 1.
"""
from __future__ import annotations

__all__ = ["ConfigError", "InputFileError", "OutputPathError", "ResourceError", "BusyError"]


class ConfigError(ValueError):
    """Invalid configuration or input; the message is one line meant for the user.

    Defined here, the root of the family, and re-exported by :mod:`rnnviz.core.config`: this module
    imports nothing of rnnviz, so every layer can raise these without an import cycle."""


class InputFileError(ConfigError):
    """A file given to read is missing, unreadable, corrupt or not the kind of file expected."""


class OutputPathError(ConfigError):
    """A place where output should go cannot be written (checked before any work starts)."""


class ResourceError(ConfigError):
    """The work would need more memory (or time) than is available; the message gives the estimate."""


class BusyError(ConfigError):
    """Another run is using the file (e.g. training into the same checkpoint)."""
