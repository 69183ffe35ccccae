"""Products of step Jacobians and their norms, kept in log space.

Notation (same as the equations panel): ``J[t-1] = ∂s_t/∂s_{t-1}`` for t = 1..T, so a stack
``J: (T, S, S)`` holds every step Jacobian of one sequence.  The product of ``k`` consecutive steps
starting at anchor ``t0`` is

    P(t0, k) = J[t0+k-1] @ ... @ J[t0] = ∂s_{t0+k}/∂s_{t0},      k = 1 .. T - t0.

Its spectral norm ‖P‖₂ and Frobenius norm ‖P‖_F are reported as log10 values in float64.  The
running products are never allowed to overflow or underflow: every Jacobian is divided by a power
of two close to its Frobenius norm, and a running product is multiplied by a power of two whenever
its Frobenius norm leaves [2**-L, 2**L].  Powers of two are exact in binary floating point, so the
integer exponents that are carried aside make 1e-400 and 1e+400 come out exactly (the product
itself is only ever rounded by the matrix multiplications).  A product that is exactly zero (dead
ReLU units, a zero Jacobian) has log10 norm ``-inf``.

Spectral norms come from the Lanczos process on PᵀP (each step one pass over P and one over Pᵀ;
the Krylov space of Golub-Kahan bidiagonalisation, with half the bookkeeping), restarted every
``krylov`` steps from the top right Ritz vector and warm-started from the previous
k's one (for growing k it converges to the Oseledets direction).  A Krylov method matters here:
orthogonal-like Jacobians (LSTM with orthogonal init) have clustered top singular values, where
power iteration needs hundreds of iterations.  With σ̂ the top Ritz value and ũ its left Ritz
vector, ``σ̂ <= ‖Pᵀũ‖ <= σ_max`` are both lower bounds and iteration stops when their relative gap
``g ≈ r²/(2σ̂²)`` (r the Ritz residual) is <= ``tol`` (or after ``max_iter`` steps).
Accuracy (relative error of σ̂, in exact arithmetic; σ̂ never exceeds σ_max): about ``tol`` when
the top singular value is well separated (measured on LSTM Jacobians: ~tol/2 beyond k = 5); in the
worst case of a nearly degenerate top pair it is bounded by ``1.05·sqrt(tol)`` when the iterate
carries at least half of its weight on the top direction and ``3·sqrt(tol)`` at one tenth (a
two-level analysis; iterates converge towards that direction, so this holds after the first steps).
No Krylov method can promise more for its first product: a fresh product (k = 1, started from its
largest row) whose start carries almost no weight on the top direction can stop at a lower
singular value (measured once: an LSTM with hidden 8 at tol 1e-4 gave log10 ‖P(17, 1)‖ 0.022 too
low), and later k, warm-started from it, recover as the iteration turns towards the top direction.
So ``tol = 1e-10`` gives log10 norms within ~1e-5 in the worst case and ~1e-11 typically.  The
iterate is restarted from the largest row of P whenever σ̂ falls below ``‖P‖_F/√S``, a lower
bound of σ_max (a warm start that a dead unit has turned into a null vector).  Cost, measured on
the explorer's default LSTM (tol 1e-6): 4-6 Lanczos steps per product of the anchor curve beyond
the first chunk, each two passes over the product.  Lanczos runs are batched over
many products, one NumPy call per operation for the whole batch: at these sizes the per-call
overhead, not the flops, is what costs.

The anchor curve (:func:`anchor_curve`) forms its products a cache-sized chunk at a time (one GEMM
per step) and then measures the whole chunk with one batched Lanczos run for the state and one per
group of equally sized blocks, warm-started from the previous chunk's last top Ritz vector.  When
the map's worker processes are up, one of them measures each chunk while this thread forms the
next (:func:`start_anchor_curve`; the same chunks, so the same numbers): on the explorer's default
LSTM the norms are two thirds of the curve's time.

The full (t0, k) map (:func:`norm_map`) is the hot path: all running products that end at the same
step are stored side by side and extended with one large GEMM per step, chunk by chunk so that the
norms and the Lanczos steps run on data that is still in cache.  The steps come in blocks of
twelve: each chunk goes through a whole block before the next, and for S >= 256 in float64 a chunk
takes the block's steps in one GEMM, X @ [C_0ᵀ | … | C_11ᵀ] with C_q the block's first q + 1
Jacobians multiplied out (the same products up to rounding; a GEMM twelve times as wide runs
closer to the machine's peak).  Chunks are shared out over worker
threads that each run single-threaded BLAS (see :func:`single_threaded_blas`), or, for larger
maps, over worker processes that run the same engine on whole chunks (:mod:`.mapprocs`).

Float32 input is computed in float32 (the convergence tolerance is then at least ~6e-6); log
scales and norms are accumulated in float64.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np

from . import reference
from .blas import take_control

__all__ = [
    "DEFAULT_MAP_TOL",
    "DEFAULT_TOL",
    "Cancelled",
    "CurveJob",
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
    "start_anchor_curve",
]

_log = logging.getLogger(__name__)

LOG10_2 = float(np.log10(2.0))

# Default stopping tolerance of the spectral-norm iteration.  Measured on LSTM Jacobians (orthogonal
# init, clustered top singular values) it gives log10 norms within ~2e-5 at k <= 5 and ~1e-6 beyond,
# far below what a plot resolves; 1e-10 costs about 1.6x the iterations (see the module docstring).
DEFAULT_TOL = 1e-6
# The (t0, k) map is an image over many decades: its default trades accuracy for speed (measured on
# LSTM Jacobians: log10 norms within ~2e-3 at k <= 5 and ~3e-4 beyond, with ~1/3 fewer iterations;
# on the benchmark's LSTM, hidden 128, T = 256, against SVDs of every 16th row: mean error 1.2e-4,
# 99th percentile 7.7e-4, worst 0.026 (too low) where two top singular values cross).
DEFAULT_MAP_TOL = 1e-4

# A running product is rescaled (by a power of two) when log2 of its Frobenius norm leaves
# [-L, L].  float64: squares of entries stay far from overflow and entries far from subnormal.
_RESCALE_LOG2 = {np.dtype(np.float64): 128, np.dtype(np.float32): 20}

# Batches of at most this many products are measured one product at a time
# (:func:`_lanczos_single`; measured on S = 256 map chunks of two: ~20 % less time per product
# than the batched version, which tests less often).
_SINGLE_MAX = 2

# Default chunk size in bytes: a chunk of running products is multiplied, measured and rescaled
# while it is still in the per-core L2 cache.
_CHUNK_BYTES = 1 << 20
# The anchor curve forms this many bytes of products, then measures them together.
_CURVE_CHUNK_BYTES = 1 << 20


# np.vecdot (NumPy >= 2) runs a BLAS dot per row, ~2.5x faster than einsum for long rows.
_vecdot = getattr(np, "vecdot", None) or (lambda a, b: np.einsum("...i,...i->...", a, b))


class Cancelled(Exception):
    """Raised inside a long computation when its ``should_stop()`` hook returned True."""


@dataclass(frozen=True)
class ProductNorms:
    """Norms of the products P(t0, k) of one anchor t0.

    k: (K,) int, 1 .. T - t0.
    log10_spectral, log10_frobenius: (K,) float64, log10 ‖P(t0, k)‖ (-inf for a zero product).
    blocks: name -> (log10_spectral, log10_frobenius) of the diagonal sub-block P[sl, sl].
    """

    t0: int
    k: np.ndarray
    log10_spectral: np.ndarray
    log10_frobenius: np.ndarray
    blocks: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


@dataclass(frozen=True)
class NormMap:
    """log10 norms of P(t0, k) for a set of anchors t0 and k = 1 .. max_k.

    starts: (n,) int anchors t0 (all of 0..T-1 by default).
    log10_spectral, log10_frobenius: (n, max_k) float64, entry [i, k-1] is for P(starts[i], k);
        NaN where starts[i] + k > T or not computed yet.  With the defaults (every anchor, no cap)
        the arrays are (T, T) indexed [t0, k-1].
    blocks: name -> (log10_spectral, log10_frobenius) of the diagonal sub-block P[sl, sl],
        same shapes.
    steps_done: how many Jacobians have been applied; every product that ends at a state
        s_e with e <= steps_done is filled in.  ``steps_done == num_steps`` when complete.
    num_steps: T.
    """

    starts: np.ndarray
    log10_spectral: np.ndarray
    log10_frobenius: np.ndarray
    blocks: dict[str, tuple[np.ndarray, np.ndarray]]
    steps_done: int
    num_steps: int

    @property
    def complete(self) -> bool:
        return self.steps_done >= self.num_steps

    @property
    def max_k(self) -> int:
        return self.log10_spectral.shape[1]


# --------------------------------------------------------------------------- input checks


def _as_jacobian_stack(J, check_finite: bool = True) -> np.ndarray:
    """J as a float32/float64 (T, S, S) array; ValueError for a wrong shape or (unless
    ``check_finite`` is False, for callers that check it on the way) a NaN or inf entry."""
    J = np.asarray(J)
    if J.ndim != 3 or J.shape[1] != J.shape[2]:
        raise ValueError(f"J must have shape (T, S, S), got {J.shape}")
    if J.shape[0] < 1 or J.shape[1] < 1:
        raise ValueError(f"J must hold at least one non-empty Jacobian, got shape {J.shape}")
    if J.dtype not in (np.float32, np.float64):
        J = J.astype(np.float64)
    if check_finite:
        # One summing pass answers "all finite?" unless NaN/inf or an overflowing sum says
        # otherwise (a finite J whose sum overflows passes the exact check).
        with np.errstate(over="ignore", invalid="ignore"):
            quick = bool(np.isfinite(np.sum(J)))
        if not quick:
            _require_finite(J)
    return J


def _require_finite(J: np.ndarray) -> None:
    """ValueError naming the first step whose Jacobian holds NaN or inf (entry by entry)."""
    if not np.isfinite(J).all():
        bad = int(np.argwhere(~np.isfinite(J))[0, 0])
        raise ValueError(f"J must be finite, found NaN or inf in J[{bad}]")


def _block_slices(blocks, size: int) -> dict[str, slice]:
    if blocks is None:
        return {}
    if not isinstance(blocks, Mapping):
        raise ValueError("blocks must be a dict name -> slice, e.g. {'hidden': slice(0, 64)}")
    out = {}
    for name, sl in blocks.items():
        if not isinstance(sl, slice):
            raise ValueError(f"block {name!r} must be a slice, got {type(sl).__name__}")
        start, stop, step = sl.indices(size)
        if step != 1 or stop <= start:
            raise ValueError(
                f"block {name!r} must be a non-empty contiguous slice of 0..{size}, got {sl}"
            )
        out[str(name)] = slice(start, stop)
    return out


def _resolve_starts(starts, T: int) -> np.ndarray:
    if starts is None:
        return np.arange(T)
    arr = np.unique(np.asarray(starts).reshape(-1))
    if arr.size == 0:
        raise ValueError("starts must hold at least one anchor")
    if not np.issubdtype(arr.dtype, np.integer):
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"starts must be integers, got {arr[:5]}")
        arr = arr.astype(np.int64)
    if arr[0] < 0 or arr[-1] > T - 1:
        raise ValueError(f"starts must lie in 0..{T - 1} (T = {T}), got {arr[0]}..{arr[-1]}")
    return arr.astype(np.int64)


# --------------------------------------------------------------------------- spectral norms


def _sum_squares(a: np.ndarray) -> np.ndarray:
    """Σ a[..., i]² over the last axis (BLAS dot; the dtype of a)."""
    return _vecdot(a, a)


def _frobenius_exponents(flat: np.ndarray, sq: np.ndarray | None = None) -> np.ndarray:
    """Integer a per row of ``flat`` (m, n) such that row / 2**a has a Frobenius norm near 1
    (0 for a zero row).  Where the sum of squares under- or overflows in the row's dtype, the
    exponent of the largest entry is used instead.  ``sq``: the rows' sums of squares if known."""
    if sq is None:
        sq = _row_sum_squares(flat)
    exps = np.frexp(np.sqrt(sq))[1]
    info = np.finfo(flat.dtype)
    for i in np.flatnonzero(~((sq >= info.tiny) & (sq <= info.max))):
        exps[i] = np.frexp(float(np.abs(flat[i]).max()))[1]
    return exps


def _row_sum_squares(flat: np.ndarray) -> np.ndarray:
    """Σ row² per row of ``flat`` (m, n) as float64; inf/NaN where it over- or underflows or the
    row holds inf/NaN."""
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        return _sum_squares(flat).astype(np.float64)


def _start_vector(P_rows: np.ndarray) -> np.ndarray:
    """A start vector (b,) for a new product P (given as its (b, b) rows): its largest row.

    With the largest row r, ‖P r‖/‖r‖ >= ‖r‖ >= ‖P‖_F/√b, the lower bound of σ_max.
    """
    row_sq = _sum_squares(P_rows).astype(np.float64)
    i = int(np.argmax(row_sq))
    v = np.zeros(P_rows.shape[1], dtype=P_rows.dtype)
    if row_sq[i] > 0.0:
        v[:] = P_rows[i] / np.sqrt(row_sq[i])
    else:
        v[0] = 1.0
    return v


def _lanczos_single(
    X: np.ndarray, v: np.ndarray, fro_sq: float, tol: float, max_iter: int, krylov: int,
    first_test: int = 1,
) -> tuple[float, int]:
    """:func:`_lanczos_batch` for one product, with 1-D arrays and Python scalars.

    For batches of one or two large products (the map and curve of S >= 256, the map's newest
    chunk) the batched version's array bookkeeping costs more than the two passes over P.
    X: (b, b) = Pᵀ (may be a strided view), v: (b,) updated in place.  The test runs after
    every step (from step ``first_test`` on when that is >= 3): after steps 1 and 2 it costs a
    few scalar operations (2 × 2 in closed form), and a step is two passes over P.
    """
    b = X.shape[0]
    if not fro_sq > 0.0:
        return 0.0, 0
    lower_sq = fro_sq / b * (1.0 - 1e-3) ** 2
    two_tol = 2.0 * tol
    steps_max = max(1, min(int(krylov), b))
    dtype = X.dtype
    tiny = float(np.finfo(dtype).tiny)  # 1/tiny is finite: zero vectors stay zero
    steps = 0
    Vb = np.empty((steps_max + 1, b), dtype=dtype)
    while True:
        alpha: list[float] = []
        beta = [0.0]
        Vb[0] = v
        for j in range(steps_max):
            w = X @ (Vb[j] @ X)  # PᵀP v_j
            basis = Vb[: j + 1]
            c = basis @ w
            alpha.append(float(c[j]))
            w -= c @ basis
            bn = math.sqrt(float(w @ w))
            beta.append(bn)
            np.multiply(w, 1.0 / max(bn, tiny), out=Vb[j + 1])
            steps += 1
            n = j + 1
            last = n == steps_max or steps >= max_iter
            if 3 <= n < first_test and not last:
                continue
            if n == 1:
                lam, y, y_last = max(alpha[0], 0.0), (1.0,), 1.0
            elif n == 2:
                lam, y = _top_eigenpair_2x2_scalar(alpha[0], alpha[1], beta[1])
                y_last = y[1]
            else:
                T = np.zeros((n, n))
                T.flat[:: n + 1] = alpha
                T.flat[1 :: n + 1] = beta[1:n]
                T.flat[n :: n + 1] = beta[1:n]
                vals, Y = np.linalg.eigh(T)
                lam, y = max(float(vals[-1]), 0.0), Y[:, -1]
                y_last = float(y[-1])
            # g = ρ²/(2λ²), ρ = β_{n+1}|y_n| the residual of the Ritz pair of PᵀP
            rho = bn * y_last
            done = lam >= lower_sq and lam > 0.0 and rho * rho <= two_tol * lam * lam
            if done or last:
                break
        if n == 1:
            ritz = Vb[0].copy()
        elif n == 2:
            ritz = y[0] * Vb[0] + y[1] * Vb[1]
        else:
            ritz = y.astype(dtype) @ Vb[:n]
        norm = math.sqrt(float(ritz @ ritz))
        if norm > 0.0:
            np.multiply(ritz, 1.0 / norm, out=v)
        if lam < lower_sq:
            v[:] = _start_vector(X.T)  # see _lanczos_batch
        if done or steps >= max_iter:
            return math.sqrt(lam), steps


def _top_eigenpair_2x2_scalar(a: float, d: float, b: float) -> tuple[float, tuple[float, float]]:
    """:func:`_top_eigenpair_2x2` for one matrix, in Python floats."""
    lam = 0.5 * (a + d) + math.hypot(0.5 * (a - d), b)
    y0, y1 = (lam - d, b) if a >= d else (b, lam - a)
    norm = math.hypot(y0, y1)
    if norm == 0.0:  # a scalar multiple of I
        return max(lam, 0.0), (1.0, 0.0)
    return max(lam, 0.0), (y0 / norm, y1 / norm)


def _top_eigenpair_2x2(a: np.ndarray, d: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Largest eigenvalue and its unit eigenvector of [[a, b], [b, d]] for a batch, in closed form
    (``np.linalg.eigh`` costs ~2 µs per tiny matrix; this is a handful of whole-batch operations).

    Returns (λ (m,), y (m, 2)).  The eigenvector is taken from the row of T - λI whose
    diagonal entry is the larger in magnitude, which keeps it accurate when b is tiny.
    """
    half_diff = 0.5 * (a - d)
    lam = 0.5 * (a + d) + np.hypot(half_diff, b)
    first = a >= d  # then λ - d >= λ - a: y = (λ - d, b); else y = (b, λ - a)
    y = np.empty((a.shape[0], 2))
    y[:, 0] = np.where(first, lam - d, b)
    y[:, 1] = np.where(first, b, lam - a)
    norm = np.hypot(y[:, 0], y[:, 1])
    zero = norm == 0.0  # a scalar multiple of I: any unit vector
    y[zero] = (1.0, 0.0)
    norm[zero] = 1.0
    y /= norm[:, None]
    return np.maximum(lam, 0.0), y


def _lanczos_iteration(
    X: np.ndarray, V: np.ndarray, fro_sq: np.ndarray, tol: float, max_iter: int, krylov: int,
    first_test: int = 1,
) -> tuple[np.ndarray, int]:
    """Spectral norms of P_j = X[j]ᵀ (see :func:`_lanczos_batch`), with the result checked.

    Some OpenBLAS kernels raise the floating-point "invalid" flag on finite input (NumPy issues
    #13173 and #24067; a CI machine showed it once in a float32 product of this loop), which
    NumPy reports as a warning.  The iteration therefore runs with that flag ignored and its
    result is checked instead: a non-finite σ or start vector (which finite input cannot give)
    is recomputed exactly with a float64 SVD.
    """
    m = X.shape[0]
    with np.errstate(invalid="ignore"):
        if m <= _SINGLE_MAX:
            sigma = np.empty(m)
            steps = 0
            for j in range(m):
                sigma[j], its = _lanczos_single(X[j], V[j], float(fro_sq[j]), tol, max_iter,
                                                krylov, first_test)
                steps += its
        else:
            sigma, steps = _lanczos_batch(X, V, fro_sq, tol, max_iter, krylov, first_test)
    bad = ~(np.isfinite(sigma) & np.isfinite(V).all(axis=1))
    for j in np.flatnonzero(bad):
        Xj = X[j].astype(np.float64)
        if not np.isfinite(Xj).all():
            sigma[j] = np.nan  # a non-finite product: the caller's finite checks report it
            continue
        # X[j] = Pᵀ: the top left singular vector of X[j] is P's top right one.
        U, s, _ = np.linalg.svd(Xj)
        sigma[j] = s[0]
        V[j] = U[:, 0]
    return sigma, steps


def _lanczos_batch(
    X: np.ndarray, V: np.ndarray, fro_sq: np.ndarray, tol: float, max_iter: int, krylov: int,
    first_test: int = 1,
) -> tuple[np.ndarray, int]:
    """Spectral norms of P_j = X[j]ᵀ by warm-started Lanczos on PᵀP.

    X: (m, b, b), X[j] = P_jᵀ (may be a strided view).  V: (m, b) unit start vectors, updated in
    place to the top right Ritz vectors.  fro_sq: (m,) float64 ‖P_j‖_F².  ``krylov`` Lanczos steps
    per restart (restarted from the top Ritz vector), at most ``max_iter`` steps in all.
    Returns sigma: (m,) float64 (0 for a zero product) and the number of product-steps run.

    Step j: w = PᵀP v_j (two passes over P: P v_j, then Pᵀ of it), α_j = v_j·w, then w is
    orthogonalised against v_0 .. v_j (full reorthogonalisation, which also removes β_j v_{j-1}),
    β_{j+1} = ‖w‖, v_{j+1} = w/β_{j+1}.  The Krylov space is that of Golub-Kahan bidiagonalisation
    from the same start, so the Ritz values are the same; without the left basis a step is about
    half as many NumPy calls.  The top eigenpair (λ, y) of the tridiagonal T_n gives the Ritz value
    σ̃ = √λ <= σ_max, the residual ρ = ‖PᵀP ṽ - λ ṽ‖ = β_{n+1}|y_n| and, with ũ = Pṽ/σ̃, the
    residual r = ‖Pᵀũ - σ̃ṽ‖ = ρ/σ̃; iteration stops when r²/(2σ̃²) = ρ²/(2λ²) <= tol, which is
    the same relative gap g = (‖Pᵀũ‖ - σ̃)/‖Pᵀũ‖ as for power iteration.  Krylov spaces converge
    for clustered top singular values (orthogonal-like Jacobians) far faster than power iteration.
    (The top eigenvalue of PᵀP is computed to a relative accuracy of a few ulps: squaring only
    costs accuracy in the small singular values, which are not wanted.)

    The test runs after steps 1, 2, 4, 6 and 8 of a cycle (a batched eigenproblem costs about as
    much as one more step; for 2 × 2 it is solved in closed form), in the first cycle from step
    ``first_test`` on (a caller that knows how many steps similar products needed skips tests
    that would fail); items that have converged drop out of the batch from both ends.  The
    arithmetic is written as few whole-batch NumPy calls: for the explorer's sizes the per-call
    overhead, not the flops, is the cost.
    """
    m, b, _ = X.shape
    dtype = X.dtype
    sigma = np.zeros(m)
    live = fro_sq > 0.0
    if not live.any():
        return sigma, 0
    tiny = np.finfo(dtype).tiny  # 1/tiny is finite: a zero vector stays zero
    # λ must reach ‖P‖_F²/b (a lower bound of σ_max²).
    lower_sq = fro_sq * ((1.0 - 1e-3) ** 2 / b)
    two_tol = 2.0 * tol
    steps_max = max(1, min(int(krylov), b))
    matmul, sqrt, maximum, divide = np.matmul, np.sqrt, np.maximum, np.divide
    pending = np.flatnonzero(live)
    lo, hi = int(pending[0]), int(pending[-1]) + 1
    work = 0
    steps_done = 0
    while True:
        # One restart cycle on the contiguous range that still holds unconverged items.
        Xs, Vs = X[lo:hi], V[lo:hi]
        XsT = Xs.transpose(0, 2, 1)
        mm = hi - lo
        Vb = np.empty((mm, steps_max + 1, b), dtype=dtype)
        alpha = np.empty((mm, steps_max))
        beta = np.zeros((mm, steps_max + 1))
        Vb[:, 0] = Vs
        alive = live[lo:hi]
        low = lower_sq[lo:hi]
        for j in range(steps_max):
            w = matmul(matmul(Vb[:, j, None, :], Xs), XsT)  # (mm, 1, b): (PᵀP v_j)ᵀ
            basis = Vb[:, : j + 1]
            c = matmul(w, basis.transpose(0, 2, 1))  # (mm, 1, j + 1); c[j] = α_j
            alpha[:, j] = c[:, 0, j]
            w -= matmul(c, basis)
            bn = sqrt(_vecdot(w, w))
            beta[:, j + 1] = bn[:, 0]
            divide(w[:, 0], maximum(bn, tiny), out=Vb[:, j + 1])
            work += mm
            steps_done += 1
            n = j + 1
            if (n in (3, 5, 7) or n < first_test) and n != steps_max and steps_done < max_iter:
                # Tested after steps 1, 2, 4, 6, 8: the batched eigenproblem costs about as much
                # as a step (measured: the anchor curve ~12 % faster than testing every step).
                continue
            if n == 1:
                lam = alpha[:, 0]
                y_top = np.ones((mm, 1))
            elif n == 2:
                lam, y_top = _top_eigenpair_2x2(alpha[:, 0], alpha[:, 1], beta[:, 1])
            else:
                T = np.zeros((mm, n * n))
                T[:, :: n + 1] = alpha[:, :n]
                T[:, 1 :: n + 1] = beta[:, 1:n]
                T[:, n :: n + 1] = beta[:, 1:n]
                vals, Y = np.linalg.eigh(T.reshape(mm, n, n))
                lam = vals[:, -1]
                y_top = Y[:, :, -1]
            lam = maximum(lam, 0.0)
            # g = ρ²/(2λ²) <= tol, tested without a division (λ = 0 fails the second test for a
            # live item: lower_sq > 0).
            rho = beta[:, n] * y_top[:, n - 1]
            done = ~alive | ((rho * rho <= two_tol * (lam * lam)) & (lam >= low))
            if n == steps_max or steps_done >= max_iter or done.all():
                break
        # Top right Ritz vector: the warm start of the next cycle and of the next k.
        ritz = matmul(y_top[:, None, :].astype(dtype, copy=False), Vb[:, :n])[:, 0, :]
        divide(ritz, maximum(sqrt(_vecdot(ritz, ritz)), tiny)[:, None], out=Vs)
        sigma[lo:hi] = np.where(alive, sqrt(lam), 0.0)
        bad = alive & (lam < low)
        if bad.any():
            for j in np.flatnonzero(bad):
                # The warm start lies (numerically) in the null space, e.g. after a dead unit:
                # restart from the largest row of P.
                Vs[j] = _start_vector(Xs[j].T)
        if done.all() or steps_done >= max_iter:
            break
        pending = np.flatnonzero(~done)
        lo, hi = lo + int(pending[0]), lo + int(pending[-1]) + 1
        first_test = 1
    return sigma, work


# --------------------------------------------------------------------------- the anchor curve


class _CurveChain:
    """The forming half of the anchor curve: P(t0, k)ᵀ for k = 1, 2, … one GEMM per step.

    :meth:`form` writes ``n`` products after the one in ``X[0]``: ``X[1 + i] = P(t0, c0 + i + 1)ᵀ /
    2**exp2[i]`` with ``fro_sq[i]`` its (scaled) squared Frobenius norm.  Step Jacobians are used
    as they are unless their Frobenius norm is far from 1: then they are divided by a power of two
    close to it, and a product whose Frobenius norm leaves [2**-L/2, 2**L/2] is brought back near 1
    (both exact).  ``warm`` holds the Lanczos start vectors of the first product (its largest row,
    for the state and each block), so that the first Rayleigh quotient is not tiny.
    """

    def __init__(self, J, t0, blocks, j_sq):
        self.J, self.t0 = J, t0
        K = J.shape[0] - t0
        self.limit = _RESCALE_LOG2[J.dtype]
        j_exp = _frobenius_exponents(J[t0:].reshape(K, -1), j_sq)
        first = np.ldexp(J[t0], -int(j_exp[0]))
        j_exp[np.abs(j_exp) <= self.limit // 4] = 0
        self.j_exp = j_exp
        self.warm = {None: _start_vector(first)}
        self.warm.update({name: _start_vector(first[sl, sl]) for name, sl in blocks.items()})
        self.e2 = 0

    def form(self, X, fro_sq, exp2, c0: int, n: int) -> None:
        J, t0, limit = self.J, self.t0, self.limit
        e2 = self.e2
        for i in range(n):
            Js = J[t0 + c0 + i]
            a = int(self.j_exp[c0 + i])
            if a:
                Js = np.ldexp(Js, -a)
                e2 += a
            Xi = X[i + 1]
            with np.errstate(invalid="ignore"):  # spurious BLAS flag: see _lanczos_iteration
                np.matmul(X[i], Js.T, out=Xi)
            fs = float(_sum_squares(Xi.reshape(-1)))
            ex = int(np.frexp(fs)[1]) // 2
            if fs > 0.0 and abs(ex) > limit // 2:
                np.ldexp(Xi, -ex, out=Xi)
                fs = math.ldexp(fs, -2 * ex)
                e2 += ex
            fro_sq[i] = fs
            exp2[i] = e2
        self.e2 = e2


class _CurveMeasure:
    """The measuring half of the anchor curve: the norms of one chunk of products at a time, with
    one batched Lanczos run for the whole state and one per group of equally sized blocks, each
    warm-started from the top right Ritz vector of the previous chunk's last product.

    The results depend only on the products and on the chunks they come in, so a worker process
    that measures the chunks :class:`_CurveChain` forms gives the numbers this class gives in the
    forming process.  Outputs: ``spec``, ``fro`` and ``block_out[name] = (spec, fro)``, (K,) log10.
    """

    def __init__(self, K, S, dtype, blocks, tol, max_iter, krylov, warm):
        self.S, self.dtype = S, np.dtype(dtype)
        self.blocks = blocks
        self.tol = max(float(tol), 50.0 * float(np.finfo(self.dtype).eps))
        self.max_iter, self.krylov = int(max_iter), int(krylov)
        self.spec, self.fro = np.empty(K), np.empty(K)
        self.block_out = {name: (np.empty(K), np.empty(K)) for name in blocks}
        self.groups: dict[int, list[str]] = {}
        for name, sl in blocks.items():
            self.groups.setdefault(sl.stop - sl.start, []).append(name)
        self.warm = {name: np.array(v, dtype=self.dtype) for name, v in warm.items()}
        # Lanczos steps per product that the previous chunk needed (per block size; None = state).
        self.hint: dict[int | None, float] = {}

    def measure(self, Xc, fs, exp2, c0: int) -> None:
        """Norms of the products ``Xc[i] = P(t0, c0 + i + 1)ᵀ / 2**exp2[i]`` (fs: their squared
        Frobenius norms)."""
        n, S, dtype, warm, hint = Xc.shape[0], self.S, self.dtype, self.warm, self.hint
        tol, max_iter, krylov = self.tol, self.max_iter, self.krylov
        shift = exp2[:n] * LOG10_2
        V = np.empty((n, S), dtype=dtype)
        V[:] = warm[None]
        sigma, work = _lanczos_iteration(Xc, V, fs, tol, max_iter, krylov, _first_test(hint, None))
        hint[None] = work / n
        warm[None] = V[n - 1].copy()
        with np.errstate(divide="ignore"):
            self.spec[c0 : c0 + n] = np.log10(sigma) + shift
            self.fro[c0 : c0 + n] = 0.5 * np.log10(fs) + shift
        for b, names in self.groups.items():
            Xb = np.empty((len(names), n, b, b), dtype=dtype)
            Vb = np.empty((len(names), n, b), dtype=dtype)
            for g, name in enumerate(names):
                sl = self.blocks[name]
                Xb[g] = Xc[:, sl, sl]
                Vb[g] = warm[name]
            Xb = Xb.reshape(-1, b, b)
            fb = _sum_squares(Xb.reshape(Xb.shape[0], -1)).astype(np.float64)
            sb, work = _lanczos_iteration(Xb, Vb.reshape(-1, b), fb, tol, max_iter, krylov,
                                          _first_test(hint, b))
            hint[b] = work / Xb.shape[0]
            sb, fb = sb.reshape(len(names), n), fb.reshape(len(names), n)
            for g, name in enumerate(names):
                warm[name] = Vb[g, n - 1].copy()
                with np.errstate(divide="ignore"):
                    self.block_out[name][0][c0 : c0 + n] = np.log10(sb[g]) + shift
                    self.block_out[name][1][c0 : c0 + n] = 0.5 * np.log10(fb[g]) + shift


    def measure_stack(self, X, fro_sq, exp2, c0: int, n: int) -> None:
        """:meth:`measure` for products ``c0 .. c0 + n - 1`` of whole stacks (``X[0]`` = I, ``X[k]``
        = P(t0, k)ᵀ scaled; ``fro_sq``, ``exp2`` indexed by k - 1)."""
        self.measure(X[c0 + 1 : c0 + n + 1], fro_sq[c0 : c0 + n], exp2[c0 : c0 + n], c0)


def _curve_chunk(S: int, itemsize: int, K: int) -> int:
    """Products per chunk of the anchor curve (formed, then measured together)."""
    return min(max(1, int(round(_CURVE_CHUNK_BYTES / (S * S * itemsize)))), K)


def _curve_chunks(K: int, cap: int) -> Iterator[tuple[int, int]]:
    """``(c0, n)`` of each chunk of a curve of K products, ``cap`` per chunk."""
    for c0 in range(0, K, cap):
        yield c0, min(cap, K - c0)


def _curve_norms(J, t0, blocks, tol, max_iter, krylov, j_sq):
    """Norms of P(t0, k), k = 1 .. T - t0, for :func:`anchor_curve`, in this thread.

    The products are formed a chunk at a time (one GEMM per step) and then measured together
    (:class:`_CurveMeasure`): batching over k replaces ~7 Lanczos steps of many tiny NumPy calls
    per product with the same number of calls per chunk, and the chunk (1 MB) stays in cache
    between the GEMMs and the norms.  (Measuring chunk c on a second thread while chunk c + 1 is
    formed gave no reliable gain on a loaded 2-core machine; a worker process does, see
    :func:`start_anchor_curve`.)

    Returns (log10_spectral, log10_frobenius, {name: (log10_spectral, log10_frobenius)}).
    """
    T, S = J.shape[0], J.shape[1]
    K = T - t0
    cap = _curve_chunk(S, J.itemsize, K)
    chain = _CurveChain(J, t0, blocks, j_sq)
    meas = _CurveMeasure(K, S, J.dtype, blocks, tol, max_iter, krylov, chain.warm)
    X = np.empty((cap + 1, S, S), dtype=J.dtype)
    fro_sq, exp2 = np.empty(cap), np.empty(cap, dtype=np.int64)
    X[0] = np.eye(S, dtype=J.dtype)
    for c0, n in _curve_chunks(K, cap):
        chain.form(X, fro_sq, exp2, c0, n)
        meas.measure(X[1 : n + 1], fro_sq[:n], exp2[:n], c0)
        X[0] = X[n]
    return meas.spec, meas.fro, meas.block_out


# The anchor curve's norms go to a worker process (when the map's pool is up) from this much
# work (2·S³ flops per product): below it, handing over costs more than it saves.
_CURVE_PROCESS_MIN_FLOPS = 1e8
# A worker normally takes up the curve within a millisecond; one that has not after this long is
# busy with other work, and the curve is measured where it was formed.
_CURVE_START_WAIT_S = 0.005
# Stores to shared memory are seen by other processes in program order here (total store order),
# which the handing over of formed chunks relies on.
_TSO_MACHINES = {"x86_64", "amd64", "i386", "i686", "x86"}


class CurveJob:
    """An anchor curve on its way: :meth:`result` returns its :class:`ProductNorms`.

    Made by :func:`start_anchor_curve`.  When the curve's norms are measured by a worker process,
    the products are all formed (in the calling thread) before the job is returned, and the
    worker measures them meanwhile; otherwise the job is complete when it is returned.
    """

    def __init__(self, t0: int, K: int, blocks):
        self.t0, self.K, self.blocks = t0, K, blocks
        self._norms = None  # (spec, fro, {name: (spec, fro)}) once known
        self._worker = None  # (future, views, fallback) while a worker measures
        self.in_worker = False  # the norms were measured by a worker process

    def result(self, should_stop: Callable[[], bool] | None = None) -> ProductNorms:
        """The curve (waits for the worker, if one measures it).  ``should_stop()`` → True
        raises :class:`Cancelled` while waiting."""
        if self._norms is None:
            self._norms = self._collect(should_stop)
        spec, fro, block_norms = self._norms
        return ProductNorms(t0=self.t0, k=np.arange(1, self.K + 1), log10_spectral=spec,
                            log10_frobenius=fro, blocks=block_norms)

    def cancel(self) -> None:
        """Stop the worker, if one measures the curve (its result is not wanted)."""
        if self._worker is None:
            return
        from . import mapprocs

        future, views, _ = self._worker
        self._worker = None
        views["control"][mapprocs.CURVE_CANCEL] = 1
        self._release_when_done(future, views["control"])

    @staticmethod
    def _release_when_done(future, control) -> None:
        """Free the shared file once the worker has let go of it (at once if it finished)."""
        from . import mapprocs

        if control[mapprocs.CURVE_MEASURED] or future.done():
            mapprocs.release_curve_arena()
        else:
            future.add_done_callback(lambda _: mapprocs.release_curve_arena())

    def _collect(self, should_stop):
        from . import mapprocs

        future, views, measure_here = self._worker
        control = views["control"]
        try:
            began = time.perf_counter()
            while not control[mapprocs.CURVE_STARTED]:
                if time.perf_counter() - began > _CURVE_START_WAIT_S or future.done():
                    # The workers are busy with other work: measure here rather than wait.
                    control[mapprocs.CURVE_CANCEL] = 1
                    return measure_here()
                mapprocs.pause(began)
            began = time.perf_counter()
            while True:
                if should_stop is not None and should_stop():
                    control[mapprocs.CURVE_CANCEL] = 1
                    raise Cancelled("anchor curve cancelled")
                if control[mapprocs.CURVE_MEASURED]:
                    break
                if future.done():
                    if future.exception() is not None or not control[mapprocs.CURVE_MEASURED]:
                        raise future.exception() or RuntimeError("curve worker stopped early")
                    break
                mapprocs.pause(began)
            out = views["results"].copy()
            self.in_worker = True
            names = list(self.blocks)
            return out[0], out[1], {n: (out[2 + 2 * i], out[3 + 2 * i]) for i, n in enumerate(names)}
        except (OSError, RuntimeError, mapprocs.BrokenProcessPool) as exc:
            if isinstance(exc, mapprocs.BrokenProcessPool):
                mapprocs.discard_pool(str(exc) or "a worker process ended abruptly")
            _log.warning("anchor curve measured in this process: the worker failed: %s", exc)
            control[mapprocs.CURVE_CANCEL] = 1
            return measure_here()
        finally:
            self._worker = None
            self._release_when_done(future, control)


def _curve_worker_job(J, t0, blocks, tol, max_iter, krylov, j_sq, processes,
                      n_procs: int) -> CurveJob | None:
    """The curve with its norms measured by a worker process, or None where that does not pay
    or cannot be done (then the caller computes it in this thread)."""
    import platform

    from . import mapprocs

    T, S = J.shape[0], J.shape[1]
    K = T - t0
    if processes is False or platform.machine().lower() not in _TSO_MACHINES:
        return None
    if processes:
        n_procs = max(n_procs, 2)
        if not mapprocs.wait_ready(n_procs):
            return None
    elif n_procs < 2 or 2.0 * S ** 3 * K < _CURVE_PROCESS_MIN_FLOPS or not mapprocs.ready(n_procs):
        return None
    layout = mapprocs.curve_layout(K, S, J.itemsize, len(blocks))
    arena = mapprocs.acquire_curve_arena(layout["size"])
    if arena is None:
        return None
    path, mm = arena
    try:
        views = mapprocs.curve_views(mm, layout, K, S, J.dtype, len(blocks))
        control = views["control"]
        control[:] = 0
        cap = _curve_chunk(S, J.itemsize, K)
        chain = _CurveChain(J, t0, blocks, j_sq)
        warm = {name: v.copy() for name, v in chain.warm.items()}
        pool = mapprocs.get_pool(n_procs)
        if pool is None:  # discarded since ready() said yes
            mapprocs.release_curve_arena()
            return None
        future = pool.submit(mapprocs.measure_curve, path, layout, K, S, J.dtype.str, blocks, tol,
                             max_iter, krylov, warm, cap)
    except (mapprocs.BrokenProcessPool, RuntimeError) as exc:  # broken or shut down meanwhile
        mapprocs.release_curve_arena()
        _log.warning("anchor curve measured in this process: %s", exc)
        return None
    except BaseException:
        mapprocs.release_curve_arena()
        raise
    X, fro_sq, exp2 = views["products"], views["fro_sq"], views["exp2"]

    def measure_here():
        meas = _CurveMeasure(K, S, J.dtype, blocks, tol, max_iter, krylov, warm)
        for c0, n in _curve_chunks(K, cap):
            meas.measure_stack(X, fro_sq, exp2, c0, n)
        return meas.spec.copy(), meas.fro.copy(), {
            name: (a.copy(), b.copy()) for name, (a, b) in meas.block_out.items()}

    job = CurveJob(t0, K, blocks)
    job._worker = (future, views, measure_here)
    try:
        X[0] = np.eye(S, dtype=J.dtype)
        for c0, n in _curve_chunks(K, cap):
            chain.form(X[c0 : c0 + n + 1], fro_sq[c0 : c0 + n], exp2[c0 : c0 + n], c0, n)
            control[mapprocs.CURVE_FORMED] = c0 + n  # after the products (see _TSO_MACHINES)
    except BaseException:
        control[mapprocs.CURVE_CANCEL] = 1
        CurveJob._release_when_done(future, control)
        raise
    return job


def _first_test(hint: Mapping, key) -> int:
    """First convergence test for a batch of products that is much like the previous one (the
    anchor curve's next chunk; a map chunk's products one step longer), which needed ``hint[key]``
    Lanczos steps per product: tests that would fail are skipped; one test point earlier than it
    needed is kept (products vary)."""
    steps = hint.get(key)
    if steps is None:
        return 1
    need = int(math.ceil(steps - 1e-9))
    return {1: 1, 2: 1, 3: 2, 4: 2}.get(need, need - 2)


# --------------------------------------------------------------------------- the engine


class _Chunk:
    """Running products side by side: X[j] = P_jᵀ for j in lo..count-1 (C-contiguous blocks).

    Storing the transposes makes the extension P <- J P one GEMM over the whole chunk,
    X <- X Jᵀ with X seen as (count*S, S), and keeps every product contiguous for the norms.
    """

    __slots__ = ("X", "V", "block_V", "exp2", "rows", "lo", "count", "hint")

    def __init__(self, capacity, size, dtype, block_sizes: dict[str, int]):
        self.X = np.empty((capacity, size, size), dtype=dtype)
        self.V = np.zeros((capacity, size), dtype=dtype)
        self.block_V = {n: np.zeros((capacity, b), dtype=dtype) for n, b in block_sizes.items()}
        self.exp2 = np.zeros(capacity, dtype=np.int64)  # P_true = P_stored * 2**exp2
        self.rows = np.zeros(capacity, dtype=np.int64)  # row of the map (index into starts)
        self.lo = 0
        self.count = 0
        # Lanczos steps per product at the previous step (None = state, else block name):
        # the same products one step longer need about as many (see _first_test).
        self.hint: dict[str | None, float] = {}


class _ProductEngine:
    """Extends running products step by step and writes their norms into map arrays."""

    def __init__(self, J, starts, max_k, blocks, tol, max_iter, chunk_blocks, krylov):
        self.J = J
        self.T, self.S = J.shape[0], J.shape[1]
        self.dtype = J.dtype
        self.starts = starts
        self.max_k = max_k
        self.blocks = blocks
        eps = float(np.finfo(self.dtype).eps)
        self.tol = max(float(tol), 50.0 * eps)
        self.max_iter = int(max_iter)
        self.krylov = int(krylov)
        self.spectral = True  # False: Frobenius norms only (spectral maps stay NaN)
        self.iterations = 0  # product-iterations done (each costs two passes over one product)
        self.rescale_log2 = _RESCALE_LOG2[self.dtype]
        if chunk_blocks is None:
            chunk_blocks = max(1, int(round(_CHUNK_BYTES / (self.S * self.S * J.itemsize))))
        self.capacity = int(chunk_blocks)
        if self.capacity < 1:
            raise ValueError(f"chunk_blocks must be >= 1, got {chunk_blocks}")
        self.block_sizes = {n: sl.stop - sl.start for n, sl in blocks.items()}
        n = len(starts)
        shape = (n, max_k)
        self.log10_spectral = np.full(shape, np.nan)
        self.log10_frobenius = np.full(shape, np.nan)
        self.block_maps = {nm: (np.full(shape, np.nan), np.full(shape, np.nan)) for nm in blocks}
        self.chunks: list[_Chunk] = []
        self.free: list[_Chunk] = []
        self.spares: list[np.ndarray] = []  # GEMM output buffers per worker (see _buffers)
        self.wide: list[np.ndarray] = []
        # Steps per block (see block_steps); whole chunks take a block in one GEMM in float64
        # from S = 256 (slower at 128; float32 products are rescaled every step: its exponent
        # range is too narrow to skip).
        self.time_block = _TIME_BLOCK
        self.multi_step = self.dtype == np.float64 and self.S >= _MULTI_STEP_MIN_S
        self.next_start = 0  # index into starts of the next anchor to open
        last_end = int(min(self.T, starts[-1] + max_k))
        self.first_step = int(starts[0])
        self.last_step = last_end - 1
        per_row = np.minimum(max_k, self.T - starts)
        self.total_work = int(per_row.sum())
        self.work_done = 0

    # -- chain bookkeeping
    def _open_chain(self, row: int, Js: np.ndarray) -> None:
        if not self.chunks or self.chunks[-1].count == self.capacity:
            chunk = self.free.pop() if self.free else _Chunk(
                self.capacity, self.S, self.dtype, self.block_sizes
            )
            chunk.lo = chunk.count = 0
            chunk.hint.clear()
            self.chunks.append(chunk)
        chunk = self.chunks[-1]
        j = chunk.count
        # Identity now; the step's GEMM turns it into P(t0, 1) = J[t0].
        chunk.X[j] = 0.0
        np.fill_diagonal(chunk.X[j], 1.0)
        chunk.exp2[j] = 0
        chunk.rows[j] = row
        chunk.V[j] = _start_vector(Js)
        for name, sl in self.blocks.items():
            chunk.block_V[name][j] = _start_vector(Js[sl, sl])
        chunk.count += 1

    def block_steps(self, e: int) -> int:
        """Steps of the block that starts at step e: blocks are aligned to multiples of
        ``time_block`` (absolute steps), so every engine that runs a chunk (the threaded one,
        a worker process's) forms it the same way and gives the same numbers bit for bit."""
        return min(self.time_block - e % self.time_block, self.last_step - e + 1)

    def steps(self, e0: int, n: int, pool: ThreadPoolExecutor | None = None,
              workers: int = 1, should_stop: Callable[[], bool] | None = None) -> None:
        """Apply J[e0] .. J[e0 + n - 1] to every open product, opening each anchor's P(t0, 1)
        at its step.  ``e0, n``: a block of :meth:`block_steps`.

        Chunks are independent of each other, so each goes through the whole block while it is
        in cache.  A *whole* chunk (full at the start, none of its products closing before the
        end) takes all n steps in one GEMM: with C_q = J[e0+q] ⋯ J[e0] (scaled), its products
        after step e0+q are X C_qᵀ for the stored X = Pᵀ, all n from X @ [C_0ᵀ | … | C_{n-1}ᵀ]
        (float64; measured on one core for 512 × 256 products: 65.5 GFLOP/s with 256 columns,
        71.4 with 1024, 72.9 with 2048; the whole big map ~8 % faster with n = 6 than with
        step-by-step GEMMs, ~2 % more with n = 12).  The products are the same up to rounding
        (the same Jacobians, associated differently).  Other full chunks go step by step; the
        chunk that new anchors join goes step by step as they arrive.  The full chunks are
        shared out over ``workers`` threads (the caller's and ``pool``'s), each running
        single-threaded BLAS on its own chunks; the results do not depend on how.
        ``should_stop()`` is asked in this thread before each of its chunks (and steps); True
        raises :class:`Cancelled` there and in the pool's threads at their next chunk (the
        engine is then only good for discarding).
        """
        if n < 1:
            return
        scaled = [self._scaled_jacobian(e0 + q) for q in range(n)]
        closed = [c for c in self.chunks if c.count == self.capacity and c.lo < c.count]
        whole = self._whole_chunks(closed, e0) if n > 1 and self.multi_step else set()
        block = self._block_matrix(scaled) if whole else None
        groups = [closed[w::workers] for w in range(workers)] if pool is not None else [closed]
        groups = [g for g in groups if g] or [[]]
        self._buffers(len(groups), n if block is not None else 1)
        halt = [False]  # set by this thread, read by the pool's

        def stop_here() -> bool:
            halt[0] = halt[0] or (should_stop is not None and bool(should_stop()))
            return halt[0]

        futures = [pool.submit(self._run_closed, g, scaled, block, whole, e0, w,
                               lambda: halt[0])
                   for w, g in enumerate(groups) if w > 0]
        try:
            its, work = self._run_closed(groups[0], scaled, block, whole, e0, 0, stop_here)
            closed_ids = {id(c) for c in closed}
            for q, (Js, a) in enumerate(scaled):
                if stop_here():
                    raise Cancelled("Jacobian products cancelled")
                e = e0 + q
                self._open_if_anchor(e, Js)
                for chunk in self.chunks:
                    if id(chunk) in closed_ids or chunk.lo >= chunk.count:
                        continue
                    work += chunk.count - chunk.lo
                    its += self._advance(chunk, Js.T, a, e, 0)
                    self._retire_chunk(chunk, e)
        except BaseException:
            halt[0] = True
            wait(futures)
            raise
        for f in futures:
            f_its, f_work = f.result()
            its += f_its
            work += f_work
        self.iterations += its
        self.work_done += work
        while self.chunks and self.chunks[0].lo >= self.chunks[0].count:
            self.free.append(self.chunks.pop(0))

    def _block_matrix(self, scaled) -> tuple[np.ndarray, np.ndarray]:
        """[C_0ᵀ | … | C_{n-1}ᵀ] (S, n·S) for the block's scaled Jacobians, and the power-of-two
        exponents (n,) of C_q.  Every C_q is rescaled to a Frobenius norm near 1 (exactly, by a
        power of two): a product of steps that each shrink it, say by 1e-60, would otherwise
        underflow within a block where the stored products, rescaled every block, do not."""
        S, n = self.S, len(scaled)
        B = np.empty((S, n * S), dtype=self.dtype)
        exps = np.empty(n, dtype=np.int64)
        C, total = scaled[0][0], 0
        for q in range(n):
            if q:
                C = scaled[q][0] @ C
            b = int(_frobenius_exponents(C.reshape(1, -1))[0])
            if b:
                C = np.ldexp(C, -b)
            total += scaled[q][1] + b
            exps[q] = total
            B[:, q * S : (q + 1) * S] = C.T
        return B, exps

    def _buffers(self, workers: int, n: int) -> None:
        """Per worker thread: a GEMM output buffer for one chunk (swapped with the chunk's
        products at every step), and one n steps wide for :meth:`_advance_block`."""
        shape = (self.capacity, self.S, self.S)
        while len(self.spares) < workers:
            self.spares.append(np.empty(shape, dtype=self.dtype))
            self.wide.append(np.empty(0, dtype=self.dtype))
        if n > 1:
            for w in range(workers):
                if self.wide[w].size < n * self.spares[w].size:
                    self.wide[w] = np.empty(n * self.spares[w].size, dtype=self.dtype)

    def _whole_chunks(self, closed: list[_Chunk], e0: int) -> set[int]:
        """ids of the full chunks that take the block starting at e0 in one GEMM: their oldest
        product lives through the end of the grid's block (not of this engine's block, which its
        own last step may cut short), its end taken from T and max_k as every engine sees it (a
        worker's own max_k may be smaller, never binding): the same choice in every engine."""
        grid_last = e0 - e0 % self.time_block + self.time_block - 1
        return {id(c) for c in closed
                if grid_last <= min(int(self.starts[c.rows[c.lo]]) + self.max_k, self.T) - 1}

    def _run_closed(self, chunks: list[_Chunk], scaled, block, whole: set[int], e0: int, w: int,
                    stop: Callable[[], bool]) -> tuple[int, int]:
        """The block for full chunks, one after the other, with spare buffer ``w`` (the ones in
        ``whole`` in one GEMM); returns (Lanczos iterations, product extensions).  ``stop()``
        True before a chunk: Cancelled."""
        its = work = 0
        n = len(scaled)
        last = e0 + n - 1
        for chunk in chunks:
            if stop():
                raise Cancelled("Jacobian products cancelled")
            if id(chunk) in whole:
                its_block, done = self._advance_block(chunk, *block, e0, w)
                its += its_block
                if done:
                    work += n * (chunk.count - chunk.lo)
                    self._retire_chunk(chunk, last)
                    continue
            for q, (Js, a) in enumerate(scaled):
                if chunk.lo >= chunk.count:
                    break
                work += chunk.count - chunk.lo
                its += self._advance(chunk, Js.T, a, e0 + q, w)
                self._retire_chunk(chunk, e0 + q)
        return its, work

    def _scaled_jacobian(self, e: int) -> tuple[np.ndarray, int]:
        """J[e] / 2**a with a from its Frobenius norm (exact scaling), so that products of
        scaled Jacobians grow or shrink only moderately per step; returns (J[e] / 2**a, a)."""
        Js = self.J[e]
        a = int(_frobenius_exponents(Js.reshape(1, -1))[0])
        return (np.ldexp(Js, -a) if a != 0 else Js), a

    def _open_if_anchor(self, e: int, Js: np.ndarray) -> None:
        """Open the chain of the next anchor if it starts at step e."""
        if self.next_start < len(self.starts) and self.starts[self.next_start] == e:
            self._open_chain(self.next_start, Js)
            self.next_start += 1

    def _retire_chunk(self, chunk: _Chunk, e: int) -> None:
        """Close the chunk's products that reached max_k after step e (its oldest ones)."""
        while chunk.lo < chunk.count and e - self.starts[chunk.rows[chunk.lo]] + 1 >= self.max_k:
            chunk.lo += 1

    def _advance(self, chunk: _Chunk, JsT: np.ndarray, a: int, e: int, w: int) -> int:
        """One step: GEMM, norms and rescaling for ``chunk``, using spare buffer ``w``."""
        S = self.S
        lo, hi = chunk.lo, chunk.count
        spare = self.spares[w]
        with np.errstate(invalid="ignore"):  # spurious BLAS flag: see _lanczos_iteration
            np.matmul(chunk.X[lo:hi].reshape(-1, S), JsT, out=spare[lo:hi].reshape(-1, S))
        chunk.X, self.spares[w] = spare, chunk.X
        chunk.exp2[lo:hi] += a
        return self._measure(chunk, e)

    def _advance_block(self, chunk: _Chunk, B: np.ndarray, cum: np.ndarray, e0: int,
                       w: int) -> tuple[int, bool]:
        """All n steps of a block for a whole chunk in one GEMM (see :meth:`steps`); returns
        (Lanczos iterations, done).  Not done (the stored products unchanged; the maps of the
        block's first steps may hold values that the step-by-step pass then overwrites) when a
        product came out with a Frobenius norm below 2**-500 (or zero) at its stored scale: the
        block contracted it so far that its small entries may have underflowed, which steps
        rescaled one at a time avoid."""
        S = self.S
        n = B.shape[1] // S
        lo, hi = chunk.lo, chunk.count
        m = hi - lo
        out = self.wide[w][: m * S * n * S].reshape(m * S, n * S)
        with np.errstate(invalid="ignore"):
            np.matmul(chunk.X[lo:hi].reshape(-1, S), B, out=out)
        ahead = out.reshape(m, S, n, S)
        exp2 = chunk.exp2[lo:hi].copy()
        its = 0
        for q in range(n):
            view = ahead[:, :, q, :]
            fro_sq = _sum_squares(view).sum(axis=1, dtype=np.float64)
            if not (fro_sq >= _BLOCK_FLOOR_SQ).all():
                return its, False
            if q < n - 1:
                its += self._measure(chunk, e0 + q, fro_sq, view, exp2 + cum[q])
        chunk.X[lo:hi] = ahead[:, :, n - 1, :]
        chunk.exp2[lo:hi] = exp2 + cum[n - 1]
        return its + self._measure(chunk, e0 + n - 1, fro_sq), True

    def _measure(self, chunk: _Chunk, e: int, fro_sq: np.ndarray | None = None,
                 ahead: np.ndarray | None = None, ahead_exp2: np.ndarray | None = None) -> int:
        """Norms of the chunk's products after step e into the maps, then the stored products'
        rescaling.  ``fro_sq``: their squared Frobenius norms if known.  ``ahead``: instead of
        the stored products, a block's products formed ahead (a strided view) with their
        exponents; they are only measured."""
        lo, hi = chunk.lo, chunk.count
        m = hi - lo
        X = chunk.X[lo:hi] if ahead is None else ahead
        exp2 = chunk.exp2[lo:hi] if ahead is None else ahead_exp2
        if fro_sq is None:
            fro_sq = _sum_squares(X.reshape(m, -1)).astype(np.float64)
        its = 0
        if self.spectral:
            sigma, its = _lanczos_iteration(
                X, chunk.V[lo:hi], fro_sq, self.tol, self.max_iter, self.krylov,
                _first_test(chunk.hint, None),
            )
            chunk.hint[None] = its / m
        rows = chunk.rows[lo:hi]
        cols = e - self.starts[rows]
        shift = exp2 * LOG10_2
        with np.errstate(divide="ignore"):
            self.log10_frobenius[rows, cols] = 0.5 * np.log10(fro_sq) + shift
            if self.spectral:
                self.log10_spectral[rows, cols] = np.log10(sigma) + shift
            for name, sl in self.blocks.items():
                Xb = X[:, sl, sl]
                fb = np.einsum("jab,jab->j", Xb, Xb).astype(np.float64)
                spec_map, fro_map = self.block_maps[name]
                fro_map[rows, cols] = 0.5 * np.log10(fb) + shift
                if self.spectral:
                    sb, its_b = _lanczos_iteration(
                        Xb, chunk.block_V[name][lo:hi], fb, self.tol, self.max_iter, self.krylov,
                        _first_test(chunk.hint, name),
                    )
                    chunk.hint[name] = its_b / m
                    its += its_b
                    spec_map[rows, cols] = np.log10(sb) + shift
        if ahead is not None:
            return its
        # Keep the stored products in [2**-L, 2**L] (exact power-of-two rescaling).
        _, ex = np.frexp(fro_sq)
        ex2 = ex // 2
        out_of_range = (fro_sq > 0.0) & (np.abs(ex2) > self.rescale_log2)
        for j in np.flatnonzero(out_of_range):
            np.ldexp(X[j], -int(ex2[j]), out=X[j])
            chunk.exp2[lo + j] += int(ex2[j])
        return its

    def snapshot(self, steps_done: int, copy: bool) -> NormMap:
        cp = (lambda a: a.copy()) if copy else (lambda a: a)
        return NormMap(
            starts=self.starts.copy(),
            log10_spectral=cp(self.log10_spectral),
            log10_frobenius=cp(self.log10_frobenius),
            blocks={n: (cp(s), cp(f)) for n, (s, f) in self.block_maps.items()},
            steps_done=steps_done,
            num_steps=self.T,
        )


def _check_iteration(tol, max_iter, krylov) -> None:
    """ValueError unless tol > 0, max_iter >= 1 and krylov >= 2 (the Lanczos settings)."""
    if not tol > 0.0:
        raise ValueError(f"tol must be > 0, got {tol}")
    if int(max_iter) < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter}")
    if int(krylov) < 2:
        raise ValueError(f"krylov must be >= 2, got {krylov}")


def _make_engine(
    J, starts, max_k, blocks, tol, max_iter, chunk_blocks, krylov=8
) -> _ProductEngine:
    """Validate the arguments (J already through _as_jacobian_stack) and build the engine."""
    T, S = J.shape[0], J.shape[1]
    starts = _resolve_starts(starts, T)
    if max_k is None:
        max_k = T - int(starts[0])
    max_k = int(max_k)
    if max_k < 1:
        raise ValueError(f"max_k must be >= 1, got {max_k}")
    max_k = min(max_k, T - int(starts[0]))
    _check_iteration(tol, max_iter, krylov)
    return _ProductEngine(
        J, starts, max_k, _block_slices(blocks, S), tol, max_iter, chunk_blocks, krylov
    )


_blas_lock = threading.Lock()
_blas_state: dict = {"controller": None, "limiter": None, "users": 0}


@contextlib.contextmanager
def single_threaded_blas():
    """Limit BLAS to one thread while the body runs (threadpoolctl); shared by concurrent users.

    The engine's many small BLAS calls (batched matrix-vector products, tiny eigenproblems) each
    hand work to the BLAS threads and back; on a busy machine every hand-off can cost a scheduler
    time slice (measured: the default map took 5-20x longer with 2 BLAS threads under load, one
    16k-element dot product 6 ms).  The engine parallelises over chunks itself instead.  The limit
    is process-wide, so it is reference-counted: concurrent maps (explorer and sweep) do not
    restore each other's setting early, and the last one out restores the original.
    """
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        yield
        return
    with _blas_lock:
        if _blas_state["users"] == 0:
            if _blas_state["controller"] is None:
                _blas_state["controller"] = ThreadpoolController()
            with take_control():  # set and restored from different threads (see .blas)
                _blas_state["limiter"] = _blas_state["controller"].limit(limits=1, user_api="blas")
        _blas_state["users"] += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_state["users"] -= 1
            if _blas_state["users"] == 0:
                with take_control():
                    _blas_state["limiter"].restore_original_limits()
                _blas_state["limiter"] = None


def _default_workers() -> int:
    """Threads for the engine: the BLAS thread count it replaces (at most the CPU count)."""
    cpus = os.cpu_count() or 1
    with _blas_lock:
        limiter = _blas_state["limiter"]
    if limiter is not None:  # inside single_threaded_blas: the count it replaced
        original = limiter.get_original_num_threads().get("blas")
        blas = [n for n in np.atleast_1d(original) if n] if original is not None else []
    else:
        try:
            from threadpoolctl import threadpool_info

            blas = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
        except ImportError:  # pragma: no cover
            blas = []
    return max(1, min(cpus, max(blas) if blas else cpus))


def _run_steps(engine, should_stop, interval: float, workers: int | None) -> Iterator[int]:
    """Apply every step of ``engine``; yield the number of steps done after each ~``interval``
    seconds of work and at the end (BLAS is single-threaded only while steps run).

    No intermediate yield comes when the rest is expected to take less than half an interval
    (from the work done so far, counted in product extensions): a snapshot just before the
    complete map shows nothing new, and drawing it would compete with the last steps.
    """
    workers = _default_workers() if workers is None else int(workers)
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
                    if now - start >= interval and not _nearly_done(engine, now - began, interval):
                        break
            yield e
    finally:
        if pool is not None:
            pool.shutdown(wait=True)


# Worker processes (see mapprocs) pay off from about this much work (2·S³ per product
# extension); a map this size waits for the pool to start rather than run in threads.
_PROCESS_MIN_FLOPS = 1e9
_PROCESS_WAIT_FLOPS = 3e10
# Larger Jacobian stacks stay in threads (copying them to the shared file is not worth it).
_PROCESS_MAX_BYTES = 256 << 20
# Worker processes by default (more only when asked for with workers=).
_MAX_PROCESSES = 4
# Steps a worker process applies chunk by chunk (see _ProductEngine.steps).
_TIME_BLOCK = 12
_MULTI_STEP_MIN_S = 256
# A block's product below this squared Frobenius norm (2**-500 squared) at its stored scale (at
# least 2**-128) sends the chunk's block step by step (see _ProductEngine._advance_block).
_BLOCK_FLOOR_SQ = 2.0**-1000
# How often a worker process publishes its part of the map (seconds).
_PUBLISH_S = 0.02


def _want_processes(engine, workers: int, processes: bool | None) -> bool:
    """Whether to run ``engine``'s map in worker processes (see :mod:`.mapprocs`)."""
    from . import mapprocs

    if processes is False or workers < 2 or len(engine.starts) <= engine.capacity:
        return False
    if engine.J.nbytes > _PROCESS_MAX_BYTES:
        return False  # the Jacobians are copied to a shared file first
    if processes:
        return mapprocs.wait_ready(workers)
    flops = 2.0 * engine.S ** 3 * engine.total_work
    if flops < _PROCESS_MIN_FLOPS:
        return False
    if mapprocs.ready(workers):
        return True
    if flops >= _PROCESS_WAIT_FLOPS:
        return mapprocs.wait_ready(workers)
    mapprocs.get_pool(workers)  # starts in the background: the next map can use it
    return False


def _process_steps(engine, workers: int, interval: float, should_stop) -> Iterator[int]:
    """:func:`_run_steps` with the work done by worker processes; the engine's maps are filled
    from theirs (at every yield and at the end)."""
    from . import mapprocs

    pool = mapprocs.get_pool(workers)
    if pool is None:
        raise mapprocs.BrokenProcessPool("no worker pool")
    shares = mapprocs.share_rows(engine.starts, engine.T, engine.max_k, engine.capacity, workers)
    run = mapprocs.SharedRun(engine.J, engine.starts, engine.max_k, list(engine.blocks), len(shares))
    control = run.control

    def collect() -> int:
        steps = min(int(control[1 + 2 * w]) for w in range(len(shares)))
        engine.work_done = int(sum(int(control[2 + 2 * w]) for w in range(len(shares))))
        engine.log10_spectral[...] = run.maps["spectral"]
        engine.log10_frobenius[...] = run.maps["frobenius"]
        for name, (spec, fro) in engine.block_maps.items():
            spec[...] = run.maps[f"{name}.spectral"]
            fro[...] = run.maps[f"{name}.frobenius"]
        return steps

    try:
        for w, rows in enumerate(shares):
            control[1 + 2 * w] = engine.starts[rows[0]]
        futures = [
            pool.submit(mapprocs.run_part, str(run.path), w, rows, engine.max_k, engine.blocks,
                        engine.tol, engine.max_iter, engine.capacity, engine.krylov,
                        engine.spectral, _PUBLISH_S, engine.time_block, engine.multi_step)
            for w, rows in enumerate(shares)
        ]
        try:
            began = last = time.perf_counter()
            while True:
                _, pending = wait(futures, timeout=0.01, return_when=FIRST_EXCEPTION)
                for f in futures:
                    if f.done() and f.exception() is not None:
                        raise f.exception()
                if not pending:
                    break
                if should_stop is not None and should_stop():
                    raise Cancelled("Jacobian products cancelled")
                now = time.perf_counter()
                if now - last >= interval:
                    steps = collect()
                    if steps <= engine.last_step and not _nearly_done(engine, now - began, interval):
                        yield steps
                        last = time.perf_counter()
        except BaseException:
            control[0] = 1  # the workers stop at their next step
            wait(futures)
            raise
        engine.iterations += sum(f.result() for f in futures)
        collect()
        engine.work_done = engine.total_work
        yield engine.last_step + 1
    finally:
        run.close()


def _map_steps(engine, should_stop, interval: float, workers: int | None,
               processes: bool | None) -> Iterator[int]:
    """The engine's steps in worker processes when that pays (and works), else in threads."""
    from . import mapprocs

    procs = _process_count(workers)
    workers = _default_workers() if workers is None else int(workers)
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if _want_processes(engine, procs, processes):
        try:
            yield from _process_steps(engine, procs, interval, should_stop)
            return
        except mapprocs.BrokenProcessPool as exc:  # a worker died: threads from the start
            mapprocs.discard_pool(str(exc) or "a worker process ended abruptly")
            engine.work_done = 0
        except OSError as exc:  # the shared files could not be written (disk full, ...)
            _log.warning("the map runs in threads: shared files failed: %s", exc)
            engine.work_done = 0
    yield from _run_steps(engine, should_stop, interval, workers)


def prepare_map_workers(workers: int | None = None) -> bool:
    """Start the worker processes that maps will use, in the background, and return at once
    (an application calls this at start so that even its first map runs in processes).
    False when maps run in threads here (one CPU, or processes unavailable)."""
    from . import mapprocs

    n = _process_count(workers)
    return n >= 2 and mapprocs.get_pool(n) is not None


def _process_count(workers: int | None) -> int:
    """Worker processes for ``workers`` (None: the default). Each holds its own interpreter and
    NumPy (~60 MB), so by default at most a few."""
    return min(_default_workers(), _MAX_PROCESSES) if workers is None else int(workers)


def _nearly_done(engine, elapsed: float, interval: float) -> bool:
    """True when the engine's remaining work, at the rate so far, takes < interval / 2."""
    done = engine.work_done
    if done <= 0:
        return False
    rest = max(engine.total_work - done, 0)
    return elapsed * rest / done < 0.5 * interval


# --------------------------------------------------------------------------- public API


def anchor_curve(
    J,
    t0: int,
    blocks: Mapping[str, slice] | None = None,
    tol: float = DEFAULT_TOL,
    max_iter: int = 100,
    krylov: int = 8,
    processes: bool | None = None,
) -> ProductNorms:
    """log10 norms of P(t0, k) = ∂s_{t0+k}/∂s_{t0} for k = 1 .. T - t0.

    J: (T, S, S) step Jacobians, J[t-1] = ∂s_t/∂s_{t-1}; t0 in 0..T-1.
    blocks: optional name -> slice of the state, e.g. {"hidden": slice(0, H), "cell": slice(H, 2H)}
        for the h→h and c→c blocks of an LSTM product.
    tol, max_iter: power-iteration stopping rule (see the module docstring for the accuracy).
    krylov: Lanczos steps per restart (>= 2).
    processes: None (default) measures the norms in a worker process of the map's pool while
        this thread forms the products, when the pool is up (:func:`prepare_map_workers`) and the
        curve is worth it (>= 1e8 flops); False never; True always (waiting for the pool to
        start).  The numbers are the same either way.
    BLAS runs single-threaded while the curve is computed (see :func:`single_threaded_blas`).
    """
    # One BLAS thread until the result is in: an idle BLAS thread spins on the core the worker
    # measures on (measured: 28 instead of 13 ms for the explorer's default curve).
    with single_threaded_blas():
        return start_anchor_curve(J, t0, blocks, tol, max_iter, krylov, processes).result()


def start_anchor_curve(
    J,
    t0: int,
    blocks: Mapping[str, slice] | None = None,
    tol: float = DEFAULT_TOL,
    max_iter: int = 100,
    krylov: int = 8,
    processes: bool | None = None,
) -> CurveJob:
    """:func:`anchor_curve` in two halves: the products are formed now, and when a worker process
    measures their norms, the caller can do other work before it asks for :meth:`CurveJob.result`.
    Call both inside :func:`single_threaded_blas` (as ``analysis.run_fast`` does): an idle BLAS
    thread would spin on the core the worker measures on.
    """
    J = _as_jacobian_stack(J, check_finite=False)
    T = J.shape[0]
    if isinstance(t0, bool) or not isinstance(t0, (int, np.integer)) or not 0 <= t0 <= T - 1:
        raise ValueError(f"anchor t0 must be an integer in 0..{T - 1} (T = {T}), got {t0!r}")
    t0 = int(t0)
    # The rows' sums of squares serve both the finite check and the curve's scaling.
    sq = _row_sum_squares(J.reshape(T, -1))
    if not np.isfinite(sq).all():
        _require_finite(J)
    _check_iteration(tol, max_iter, krylov)
    slices = _block_slices(blocks, J.shape[1])
    n_procs = _process_count(None)  # the BLAS threads configured (also inside the limit)
    with single_threaded_blas():
        job = _curve_worker_job(J, t0, slices, tol, int(max_iter), int(krylov), sq[t0:], processes,
                                n_procs)
        if job is None:
            job = CurveJob(t0, T - t0, slices)
            job._norms = _curve_norms(J, t0, slices, tol, int(max_iter), int(krylov), sq[t0:])
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
) -> Iterator[NormMap]:
    """Compute the (t0, k) map progressively, yielding snapshots.

    Yields a :class:`NormMap` copy about every ``interval`` seconds of work (products that end at
    the steps reached so far are filled in, the rest is NaN) and always a final complete one.
    ``should_stop()`` is checked before every chunk of products the calling thread extends
    (every 10 ms with worker processes); when it returns True, :class:`Cancelled` is raised (the
    engine's other threads and processes stop before their next chunk).  No snapshot comes when the rest is expected to take less
    than half an interval.  Arguments as for :func:`norm_map`.
    """
    engine = _make_engine(
        _as_jacobian_stack(J), starts, max_k, blocks, tol, max_iter, chunk_blocks, krylov
    )
    engine.spectral = bool(spectral)
    for steps_done in _map_steps(engine, should_stop, interval, workers, processes):
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
) -> NormMap:
    """log10 spectral and Frobenius norms of P(t0, k) for every anchor t0 and k.

    J: (T, S, S) step Jacobians, J[t-1] = ∂s_t/∂s_{t-1}.
    starts: anchors to analyse (default all 0..T-1); rows of the result follow sorted starts.
    max_k: largest k (default T - min(starts)).
    blocks: optional name -> slice, norms of the diagonal sub-blocks P[sl, sl] as well.
    tol, max_iter, krylov: spectral-norm iteration (see the module docstring); the default tol
        (1e-4) is looser than the anchor curve's: a map is an image over many decades.
    spectral: False computes Frobenius norms only (the spectral arrays stay NaN): pure GEMM speed.
    chunk_blocks: products per cache chunk (default: ~1 MB worth).
    workers: threads or processes that share the chunks, each with single-threaded BLAS
        (default: as many as BLAS threads were configured); BLAS is limited to one thread while
        the map runs.
    processes: True runs the workers as processes (:mod:`rnnviz.core.mapprocs`: no shared
        interpreter lock; ~1/3 faster on the explorer's default map), False as threads, None
        (default) as processes (at most 4 unless ``workers`` is given) for maps of >= 1 GFLOP
        once the process pool is up (a map of >= 30 GFLOP waits for it to start; a smaller one
        starts it and runs in threads).  The numbers are the same either way.
    progress(fraction): called at most ~20 times per second, and with 1.0 at the end.
    should_stop(): checked before every chunk of products; True raises :class:`Cancelled`.
    Returns a NormMap whose arrays are (len(starts), max_k), i.e. (T, T) indexed [t0, k-1] with
    the defaults, NaN where t0 + k > T.

    Cost: 2·S³ flops per product extension, T(T+1)/2 extensions for the full map, done as one
    GEMM per step over all products that end at that step.
    """
    engine = _make_engine(
        _as_jacobian_stack(J), starts, max_k, blocks, tol, max_iter, chunk_blocks, krylov
    )
    engine.spectral = bool(spectral)
    total = max(engine.total_work, 1)
    for steps_done in _map_steps(engine, should_stop, 0.05, workers, processes):
        if progress is not None and steps_done <= engine.last_step:
            progress(engine.work_done / total)  # at most ~20 times per second
    if progress is not None:
        progress(1.0)
    return engine.snapshot(engine.T, copy=False)


def lyapunov_exponents(J, m: int = 1, discard: int = 0, seed: int = 0) -> np.ndarray:
    """The m leading Lyapunov exponents of the tangent product, natural log per step: the
    arguments checked, then :func:`.reference.lyapunov_exponents` (already the fast way).

    QR method: Q <- qr(J[t] Q), exponents = Σ log|diag R| / (T - discard) over t >= discard.
    J: (T, S, S); 1 <= m <= S; the first ``discard`` steps only align the frame (transient).
    The start frame is a seeded random orthonormal (S, m) matrix.  Returns (m,) float64,
    -inf for a direction that a zero Jacobian annihilates.
    """
    J = _as_jacobian_stack(J)
    T, S = J.shape[0], J.shape[1]
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or not 1 <= m <= S:
        raise ValueError(f"m must be an integer in 1..{S}, got {m!r}")
    if isinstance(discard, bool) or not isinstance(discard, (int, np.integer)) or not (
        0 <= discard < T
    ):
        raise ValueError(f"discard must be an integer in 0..{T - 1}, got {discard!r}")
    return reference.lyapunov_exponents(J, m, discard, seed)


def activation_gamma(activation: str, leaky_slope: float = 0.01) -> float:
    """γ = sup |φ'| for the Pascanu bound: 1 tanh, ¼ sigmoid, 1 relu/linear, max(1, α) leaky."""
    table = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "linear": 1.0}
    if activation == "leaky-relu":
        return max(1.0, abs(float(leaky_slope)))
    if activation not in table:
        raise ValueError(
            f"unknown activation {activation!r}, expected one of "
            f"{sorted([*table, 'leaky-relu'])}"
        )
    return table[activation]


def pascanu_bound(sigma_max: float, gamma: float, k) -> np.ndarray:
    """log10 of the Pascanu et al. 2013 bound (γ·σ_max(W_hh))^k: k · log10(γ σ_max).

    k: scalar or array of step counts.  Returns float64 of k's shape (-inf when γσ = 0).
    """
    sigma_max, gamma = float(sigma_max), float(gamma)
    if not (np.isfinite(sigma_max) and sigma_max >= 0.0):
        raise ValueError(f"sigma_max must be finite and >= 0, got {sigma_max}")
    if not (np.isfinite(gamma) and gamma >= 0.0):
        raise ValueError(f"gamma must be finite and >= 0, got {gamma}")
    with np.errstate(divide="ignore"):
        slope = np.log10(gamma) + np.log10(sigma_max)  # no underflow of the product
    return _log_line(slope, k)


def rho_line(rho: float, k) -> np.ndarray:
    """log10 of ρ^k (the spectral-radius line): k · log10 ρ, float64 of k's shape."""
    rho = float(rho)
    if not (np.isfinite(rho) and rho >= 0.0):
        raise ValueError(f"rho must be finite and >= 0, got {rho}")
    with np.errstate(divide="ignore"):
        slope = np.log10(rho)
    return _log_line(slope, k)


def _log_line(slope: float, k) -> np.ndarray:
    k = np.asarray(k, dtype=np.float64)
    if np.any(k < 0):
        raise ValueError("k must be >= 0")
    with np.errstate(invalid="ignore"):
        out = k * slope
    # 0 · log10(0): the empty product is 1.
    return np.where(k == 0, 0.0, out)
