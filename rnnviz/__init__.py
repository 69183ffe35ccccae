"""rnnviz: make the gradient flow inside recurrent neural networks visible.

Packages:
    rnnviz.core  NumPy engine: cells, forward, BPTT, Jacobian products (no Qt).
    rnnviz.lm    character language model and trainer (no Qt).
    rnnviz.app   the PySide6/pyqtgraph desktop application.
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

__all__ = ["__version__", "resources_dir"]


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
