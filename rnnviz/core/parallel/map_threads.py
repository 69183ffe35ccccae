"""The (t0, k) map on threads: ``workers - 1`` pool threads beside the calling one, each with
single-threaded BLAS, share each block's full chunks (:meth:`.MapEngine.steps`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from ..cancel import Cancelled
from ..normmap import MapEngine
from .blas import single_threaded_blas

__all__ = ["run_steps"]


def run_steps(engine: MapEngine, should_stop, interval: float, workers: int) -> Iterator[int]:
    """Apply every step of ``engine``; yield the number of steps done after each ~``interval``
    seconds of work and at the end (BLAS is single-threaded only while steps run).

    No intermediate yield comes when the rest is expected to take less than half an interval
    (from the work done so far, counted in product extensions): a snapshot just before the
    complete map shows nothing new, and drawing it would compete with the last steps.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    pool = ThreadPoolExecutor(workers - 1) if workers > 1 else None
    try:
        e = engine.first_step
        began = time.perf_counter()
        while e <= engine.last_step:
            with single_threaded_blas():
                start = time.perf_counter()
                while e <= engine.last_step:
                    if should_stop is not None and should_stop():
                        raise Cancelled("Jacobian products cancelled")
                    n = engine.block_steps(e)
                    engine.steps(e, n, pool, workers, should_stop)
                    e += n
                    now = time.perf_counter()
                    if now - start >= interval and not engine.nearly_done(now - began, interval):
                        break
            yield e
    finally:
        if pool is not None:
            pool.shutdown(wait=True)


