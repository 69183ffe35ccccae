"""BLAS thread limits that take effect from whichever thread sets them.

threadpoolctl >= 3.8 lets only one thread, the first to set a limit, change the process-wide
thread count of a pthreads OpenBLAS; a limit set from any other thread silently does nothing
(its docstring of ``OpenBLASController``).  A ``with threadpool_limits(...)`` block gives that
control back when it ends, but a limit kept open across calls (a reference-counted one, or one that
ends in another method) never does, so a later limit from another thread (the explorer's worker
thread, a training thread) would leave BLAS at its full thread count.  :func:`take_control`
releases the control before and after a limit is set or restored, so every such call takes effect.
"""

from __future__ import annotations

import contextlib


def _release() -> None:
    try:
        from threadpoolctl import OpenBLASController
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return
    clear = getattr(OpenBLASController, "clear_controlling_thread", None)
    if clear is not None:  # threadpoolctl < 3.8 has no controlling thread
        clear(force=True)


@contextlib.contextmanager
def take_control():
    """Make the threadpoolctl calls in the body take effect from this thread (and leave no thread
    in control afterwards)."""
    _release()
    try:
        yield
    finally:
        _release()


__all__ = ["take_control"]
