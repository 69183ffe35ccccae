"""Shared helpers for the benchmarks: a same-run GEMM reference, median timings, BLAS threads.

Each benchmark compares its figures with a reference measured in the same run on the same machine,
so the ratio means something on any computer and under any load.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np


def median_ms(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` in milliseconds over ``repeats`` runs (after ``warmup`` runs)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def gemm_gflops(n: int = 2048, repeats: int = 5, dtype=np.float64) -> float:
    """This machine's large-GEMM rate: median GFLOP/s of an (n x n) @ (n x n) product (2·n³ flops)."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    out = np.empty((n, n), dtype=dtype)
    ms = median_ms(lambda: np.matmul(a, b, out=out), repeats=repeats)
    return 2.0 * n**3 / (ms * 1e-3) / 1e9


def blas_info() -> str:
    """One line on the BLAS library and its thread count (threadpoolctl), or why it is unknown."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS: threadpoolctl not installed"
    parts = []
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            parts.append(
                f"{pool.get('internal_api')} {pool.get('version')} "
                f"({pool.get('architecture')}), {pool.get('num_threads')} threads"
            )
    return "BLAS: " + ("; ".join(parts) if parts else "none found")
