"""BLAS thread limits: the one place that sets them.

* :func:`single_threaded_blas` — one BLAS thread while a body runs, shared by concurrent users
  (reference-counted): the engine's own parallelism replaces BLAS's.
* :func:`limit_this_process` — one BLAS thread for the rest of a worker process's life.
* :func:`configured_threads` — the BLAS thread count configured (what a limit replaced), the
  engine's default number of workers.
* :func:`take_control` — makes a threadpoolctl call take effect from whichever thread makes it.

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
import os
import threading

import numpy as np
from threadpoolctl import OpenBLASController, ThreadpoolController, threadpool_info, \
    threadpool_limits

__all__ = ["configured_threads", "limit_this_process", "single_threaded_blas", "take_control"]


def _release() -> None:
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


_lock = threading.Lock()
_state: dict = {"controller": None, "limiter": None, "users": 0}


@contextlib.contextmanager
def single_threaded_blas():
    """Limit BLAS to one thread while the body runs; shared by concurrent users.

    The engine's many small BLAS calls (batched matrix-vector products, tiny eigenproblems) each
    hand work to the BLAS threads and back; on a busy machine every hand-off can cost a scheduler
    time slice (measured: the default map took 5-20x longer with 2 BLAS threads under load, one
    16k-element dot product 6 ms).  The engine parallelises over chunks itself instead.  The limit
    is process-wide, so it is reference-counted: concurrent maps (explorer and sweep) do not
    restore each other's setting early, and the last one out restores the original.
    """
    with _lock:
        if _state["users"] == 0:
            if _state["controller"] is None:
                _state["controller"] = ThreadpoolController()
            with take_control():  # set and restored from different threads
                _state["limiter"] = _state["controller"].limit(limits=1, user_api="blas")
        _state["users"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["users"] -= 1
            if _state["users"] == 0:
                with take_control():
                    _state["limiter"].restore_original_limits()
                _state["limiter"] = None


def configured_threads() -> int:
    """The BLAS thread count configured (inside :func:`single_threaded_blas`: the count it
    replaced), at most the CPU count: the engine's default number of workers."""
    cpus = os.cpu_count() or 1
    with _lock:
        limiter = _state["limiter"]
    if limiter is not None:
        original = limiter.get_original_num_threads().get("blas")
        blas = [n for n in np.atleast_1d(original) if n] if original is not None else []
    else:
        blas = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    return max(1, min(cpus, max(blas) if blas else cpus))


_process_limits: list = []  # keeps a worker process's limit alive


def limit_this_process() -> None:
    """One BLAS thread for the rest of this (worker) process's life: with N workers on N cores,
    more threads only contend, and the arithmetic stays the same whatever the worker count (some
    BLAS split sums by thread count)."""
    with take_control():
        _process_limits.append(threadpool_limits(limits=1, user_api="blas"))
