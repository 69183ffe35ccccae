"""Guards against known defects of the installed Qt binding.

PySide6 6.12.0 on Python 3.11 returns the singletons ``True``, ``False`` and ``None`` from many
calls without taking a reference: every ``SignalInstance.emit()`` from Python (ours and
pyqtgraph's, on every mouse move) and many void methods (``PlotItem.setLabel`` ...) take one
reference away from them. After a few thousand calls the interpreter aborts with "Fatal Python
error: bool_dealloc / none_dealloc". PySide6 6.11 does not have the defect, and Python >= 3.12
makes these objects immortal, so there it is harmless. ``guard_signal_refcount()`` detects the
defect at start-up (one probe signal) and, only then, gives the three singletons a reference
count no session can use up; they are static objects that are never freed, so this is safe.
"""

from __future__ import annotations

import ctypes
import sys

_GUARDED = False
# 2**40 emits would take weeks of continuous mouse movement.
_RESERVE = 1 << 40


def signal_emit_leaks_true() -> bool:
    """True when emitting a Python-defined signal drops a reference to ``True`` (the 6.12.0 defect)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal(int)

    probe = _Probe()
    probe.ping.connect(lambda _value: None)
    before = sys.getrefcount(True)
    for value in range(4):
        probe.ping.emit(value)
    after = sys.getrefcount(True)
    leaked = after < before
    if leaked:
        # Give back what the probe itself took.
        ctypes.pythonapi.Py_IncRef.argtypes = [ctypes.py_object]
        for _ in range(before - after):
            ctypes.pythonapi.Py_IncRef(True)
    return leaked


def guard_signal_refcount() -> bool:
    """Apply the guard if this binding needs it; returns True when it was applied (idempotent)."""
    global _GUARDED
    if _GUARDED:
        return True
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    if not signal_emit_leaks_true():
        return False
    for singleton in (True, False, None):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _RESERVE
    _GUARDED = True
    return True
