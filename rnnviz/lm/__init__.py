"""Character-level recurrent language model and its trainer (NumPy only).

Like ``rnnviz.core`` this package never imports Qt or pyqtgraph; the
import-linter contract in ``pyproject.toml`` fails the test suite otherwise.
Long work here (training, sampling) is written as plain generators with a
``should_stop`` hook so that the GUI can run it through ``rnnviz.app.jobs``.
"""
