"""The one exception of cooperative stopping: long computations take a ``should_stop()`` hook and
raise :class:`Cancelled` when it returns True (the engine, the sweeps, the language-model trainer)."""

from __future__ import annotations

__all__ = ["Cancelled"]


class Cancelled(Exception):
    """Raised inside a long computation when its ``should_stop()`` hook returned True."""
