"""The failures rnnviz expects, as one class family.

Every expected failure (a bad value, an input file that is missing or not what it should be, an
output path that cannot be written, a run that would not fit, a file another run holds) is a
:class:`ConfigError` (also ``rnnviz.core.config.ConfigError``) or one of the subclasses below; its message is one line
meant for the user. The command line prints it as ``rnnviz COMMAND: error: ...`` and exits 2.
Anything else that escapes a command is a bug: the command line says so and exits 1.
"""
from __future__ import annotations

__all__ = ["ConfigError", "InputFileError", "OutputPathError", "ResourceError", "BusyError", "Message", "Parts"]


class Message(str):
    """English text that keeps the template and the values it was made from, so that an interface
    can show it in another language: ``translate(template).format(**params)`` (the explorer's
    :func:`rnnviz.app.i18n.translated`). It *is* the English ``str`` everywhere else: the command
    line, the Python API and logs show and compare it as before.

    ``Message("k = {k} is beyond T = {seq_len}", k=k, seq_len=T)``; without ``params`` the template
    is the text as it stands (braces and all)."""

    template: str
    params: dict

    def __new__(cls, template: str, **params):
        text = super().__new__(cls, template.format(**params) if params else template)
        text.template, text.params = str(template), params
        return text


class Parts(tuple):
    """Messages listed in one (``"a, b, c"`` in English; an interface joins them its own way)."""

    def __format__(self, spec: str) -> str:
        return format(", ".join(self), spec)

    def __str__(self) -> str:
        return ", ".join(self)


class ConfigError(ValueError):
    """Invalid configuration or input; the message is one line meant for the user.

    ``ConfigError("k = {k} is beyond T = {seq_len}", k=k, seq_len=T)``: the message is a
    :class:`Message` (its template and values kept for the explorer's translation); ``str(error)`` is
    the English text. Defined here, the root of the family, and re-exported by
    :mod:`rnnviz.core.config`: this module imports nothing of rnnviz, so every layer can raise these
    without an import cycle."""

    def __init__(self, message: str = "", *args, **params):
        self.message = message if isinstance(message, Message) and not params else Message(str(message), **params)
        super().__init__(self.message, *args)


class InputFileError(ConfigError):
    """A file given to read is missing, unreadable, corrupt or not the kind of file expected."""


class OutputPathError(ConfigError):
    """A place where output should go cannot be written (checked before any work starts)."""


class ResourceError(ConfigError):
    """The work would need more memory (or time) than is available; the message gives the estimate."""


class BusyError(ConfigError):
    """Another run is using the file (e.g. training into the same checkpoint)."""
