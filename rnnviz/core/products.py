"""Products of step Jacobians and their norms, kept in log space: the engine's public entry.

Notation (same as the equations panel): ``J[t-1] = ∂s_t/∂s_{t-1}`` for t = 1..T, so a stack
``J: (T, S, S)`` holds every step Jacobian of one sequence.  The product of ``k`` consecutive steps
starting at anchor ``t0`` is

    P(t0, k) = J[t0+k-1] @ ... @ J[t0] = ∂s_{t0+k}/∂s_{t0},      k = 1 .. T - t0.

Its spectral norm ‖P‖₂ and Frobenius norm ‖P‖_F are reported as log10 values in float64; exact
power-of-two rescaling keeps 1e-400 and 1e+400 exact, and an exactly zero product has log10 norm
``-inf``.  :mod:`.reference` computes the same in ~150 readable lines (and is the tests' oracle);
this module is the fast way, put together from single-purpose modules:

* :mod:`.checks` (arguments), :mod:`.logscale` (power-of-two scaling), :mod:`.spectral_norm`
  (batched warm-started Lanczos), :mod:`.curve` (one anchor), :mod:`.normmap` (every anchor:
  the block-GEMM :class:`~.normmap.MapEngine`), :mod:`.dynamics` (Lyapunov exponents, bounds);
* :mod:`.parallel` runs them on threads and worker processes with BLAS limited to one thread.

Float32 input is computed in float32 (the convergence tolerance is then at least ~6e-6); log
scales and norms are accumulated in float64.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np

from .cancel import Cancelled
from .checks import as_jacobian_stack, block_slices, check_iteration, require_finite
from .curve import ProductNorms, curve_norms
from .dynamics import activation_gamma, lyapunov_exponents, pascanu_bound, rho_line
from .logscale import row_sum_squares
from .normmap import NormMap, make_engine
from .options import DEFAULT_OPTIONS, EngineOptions
from .parallel.blas import single_threaded_blas
from .parallel.curve_worker import CurveJob, start_in_worker
from .parallel.schedule import map_steps, prepare_map_workers, process_count
from .spectral_norm import DEFAULT_MAP_TOL, DEFAULT_TOL

__all__ = [
    "DEFAULT_MAP_TOL",
    "DEFAULT_OPTIONS",
    "DEFAULT_TOL",
    "Cancelled",
    "CurveJob",
    "EngineOptions",
    "NormMap",
    "ProductNorms",
    "activation_gamma",
    "anchor_curve",
    "iter_norm_map",
    "lyapunov_exponents",
    "norm_map",
    "pascanu_bound",
    "prepare_map_workers",
    "rho_line",
    "single_threaded_blas",
    "start_anchor_curve",
]


def anchor_curve(
    J,
    t0: int,
    blocks: Mapping[str, slice] | None = None,
    tol: float = DEFAULT_TOL,
    max_iter: int = 100,
    krylov: int = 8,
    processes: bool | None = None,
    options: EngineOptions = DEFAULT_OPTIONS,
) -> ProductNorms:
    """log10 norms of P(t0, k) = ∂s_{t0+k}/∂s_{t0} for k = 1 .. T - t0.

    J: (T, S, S) step Jacobians, J[t-1] = ∂s_t/∂s_{t-1}; t0 in 0..T-1.
    blocks: optional name -> slice of the state, e.g. {"hidden": slice(0, H), "cell": slice(H, 2H)}
        for the h→h and c→c blocks of an LSTM product.
    tol, max_iter: Lanczos stopping rule (see :mod:`.spectral_norm` for the accuracy).
    krylov: Lanczos steps per restart (>= 2).
    processes: None (default) measures the norms in a worker process of the map's pool while
        this thread forms the products, when the pool is up (:func:`prepare_map_workers`) and the
        curve is worth it (>= 1e8 flops); False never; True always (waiting for the pool to
        start).  The numbers are the same either way.
    options: the engine's tuning (:class:`.EngineOptions`; chunk size, the worker's thresholds).
    BLAS runs single-threaded while the curve is computed (see :func:`single_threaded_blas`).
    """
    # One BLAS thread until the result is in: an idle BLAS thread spins on the core the worker
    # measures on (measured: 28 instead of 13 ms for the explorer's default curve).
    with single_threaded_blas():
        return start_anchor_curve(J, t0, blocks, tol, max_iter, krylov, processes,
                                  options).result()


def start_anchor_curve(
    J,
    t0: int,
    blocks: Mapping[str, slice] | None = None,
    tol: float = DEFAULT_TOL,
    max_iter: int = 100,
    krylov: int = 8,
    processes: bool | None = None,
    options: EngineOptions = DEFAULT_OPTIONS,
    half_steps: np.ndarray | None = None,
) -> CurveJob:
    """:func:`anchor_curve` in two halves: the products are formed now, and when a worker process
    measures their norms, the caller can do other work before it asks for :meth:`CurveJob.result`.
    Call both inside :func:`single_threaded_blas` (as ``analysis.run_fast`` does): an idle BLAS
    thread would spin on the core the worker measures on.  ``half_steps``: (T,) bool, which J[t]
    are half-diagonal, when the caller has :func:`.halfdiag.half_diagonal_steps` of J at hand
    (else it is found here).
    """
    J = as_jacobian_stack(J, check_finite=False)
    T = J.shape[0]
    if isinstance(t0, bool) or not isinstance(t0, (int, np.integer)) or not 0 <= t0 <= T - 1:
        raise ValueError(f"anchor t0 must be an integer in 0..{T - 1} (T = {T}), got {t0!r}")
    t0 = int(t0)
    # The rows' sums of squares serve both the finite check and the curve's scaling.
    sq = row_sum_squares(J.reshape(T, -1))
    if not np.isfinite(sq).all():
        require_finite(J)
    check_iteration(tol, max_iter, krylov)
    slices = block_slices(blocks, J.shape[1])
    n_procs = process_count(None, options)  # the BLAS threads configured (also inside the limit)
    with single_threaded_blas():
        job = start_in_worker(J, t0, slices, tol, int(max_iter), int(krylov), sq[t0:], processes,
                              n_procs, options, half_steps)
        if job is None:
            norms = curve_norms(J, t0, slices, tol, int(max_iter), int(krylov), sq[t0:],
                                options.curve_chunk_bytes, options.single_max, half_steps)
            job = CurveJob(t0, T - t0, slices, norms)
    return job


def iter_norm_map(
    J,
    *,
    max_k: int | None = None,
    starts: Sequence[int] | np.ndarray | None = None,
    blocks: Mapping[str, slice] | None = None,
    tol: float = DEFAULT_MAP_TOL,
    max_iter: int = 100,
    krylov: int = 8,
    spectral: bool = True,
    chunk_blocks: int | None = None,
    workers: int | None = None,
    interval: float = 0.05,
    should_stop: Callable[[], bool] | None = None,
    processes: bool | None = None,
    options: EngineOptions = DEFAULT_OPTIONS,
) -> Iterator[NormMap]:
    """Compute the (t0, k) map progressively, yielding snapshots.

    Yields a :class:`NormMap` copy about every ``interval`` seconds of work (products that end at
    the steps reached so far are filled in, the rest is NaN) and always a final complete one.
    ``should_stop()`` is checked before every chunk of products the calling thread extends
    (every 10 ms with worker processes); when it returns True, :class:`Cancelled` is raised (the
    engine's other threads and processes stop before their next chunk).  No snapshot comes when
    the rest is expected to take less than half an interval.  Arguments as for :func:`norm_map`.
    """
    engine = make_engine(
        as_jacobian_stack(J), starts, max_k, blocks, tol, max_iter, chunk_blocks, krylov, options
    )
    engine.spectral = bool(spectral)
    for steps_done in map_steps(engine, should_stop, interval, workers, processes, options):
        if steps_done <= engine.last_step:
            yield engine.snapshot(steps_done, copy=True)
    yield engine.snapshot(engine.T, copy=False)


def norm_map(
    J,
    *,
    max_k: int | None = None,
    starts: Sequence[int] | np.ndarray | None = None,
    blocks: Mapping[str, slice] | None = None,
    tol: float = DEFAULT_MAP_TOL,
    max_iter: int = 100,
    krylov: int = 8,
    spectral: bool = True,
    chunk_blocks: int | None = None,
    workers: int | None = None,
    progress: Callable[[float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    processes: bool | None = None,
    options: EngineOptions = DEFAULT_OPTIONS,
) -> NormMap:
    """log10 spectral and Frobenius norms of P(t0, k) for every anchor t0 and k.

    J: (T, S, S) step Jacobians, J[t-1] = ∂s_t/∂s_{t-1}.
    starts: anchors to analyse (default all 0..T-1); rows of the result follow sorted starts.
    max_k: largest k (default T - min(starts)).
    blocks: optional name -> slice, norms of the diagonal sub-blocks P[sl, sl] as well.
    tol, max_iter, krylov: spectral-norm iteration (see :mod:`.spectral_norm`); the default tol
        (1e-4) is looser than the anchor curve's: a map is an image over many decades.
    spectral: False computes Frobenius norms only (the spectral arrays stay NaN): pure GEMM speed.
    chunk_blocks: products per cache chunk (default: ~1 MB worth).
    workers: threads or processes that share the chunks, each with single-threaded BLAS
        (default: as many as BLAS threads were configured); BLAS is limited to one thread while
        the map runs.
    processes: True runs the workers as processes (:mod:`.parallel.map_processes`: no shared
        interpreter lock; ~1/3 faster on the explorer's default map), False as threads, None
        (default) as processes (at most 4 unless ``workers`` is given) for maps of >= 1 GFLOP
        once the process pool is up (a map of >= 30 GFLOP waits for it to start; a smaller one
        starts it and runs in threads).  The numbers are the same either way.
    options: the engine's tuning (:class:`.EngineOptions`: chunks, time blocks, when processes
        pay); the numbers do not depend on it beyond rounding.
    progress(fraction): called at most ~20 times per second, and with 1.0 at the end.
    should_stop(): checked before every chunk of products; True raises :class:`Cancelled`.
    Returns a NormMap whose arrays are (len(starts), max_k), i.e. (T, T) indexed [t0, k-1] with
    the defaults, NaN where t0 + k > T.

    Cost: 2·S³ flops per product extension, T(T+1)/2 extensions for the full map, done as one
    GEMM per step over all products that end at that step.
    """
    engine = make_engine(
        as_jacobian_stack(J), starts, max_k, blocks, tol, max_iter, chunk_blocks, krylov, options
    )
    engine.spectral = bool(spectral)
    total = max(engine.total_work, 1)
    for steps_done in map_steps(engine, should_stop, 0.05, workers, processes, options):
        if progress is not None and steps_done <= engine.last_step:
            progress(engine.work_done / total)  # at most ~20 times per second
    if progress is not None:
        progress(1.0)
    return engine.snapshot(engine.T, copy=False)


