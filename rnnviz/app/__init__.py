"""Everything Qt: the gradient-flow explorer window and its helpers."""

from rnnviz.app.qt_compat import guard_signal_refcount

# Before any widget exists: PySide6 6.12.0 on Python 3.11 loses a reference to True per emit.
guard_signal_refcount()
