"""Spectral norms of batches of products by warm-started Lanczos, the engine's inner loop.

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

Float32 products are measured in float32 (the convergence tolerance is then at least ~6e-6).
:mod:`.reference` computes the same norms by SVD; the tests hold these to it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .logscale import sum_squares, vecdot

__all__ = ["DEFAULT_MAP_TOL", "DEFAULT_TOL", "first_test_from", "lanczos_batch", "lanczos_single",
           "spectral_norms", "start_vector", "top_eigenpair_2x2", "top_eigenpair_2x2_scalar"]


# Default stopping tolerance of the spectral-norm iteration.  Measured on LSTM Jacobians (orthogonal
# init, clustered top singular values) it gives log10 norms within ~2e-5 at k <= 5 and ~1e-6 beyond,
# far below what a plot resolves; 1e-10 costs about 1.6x the iterations (see the module docstring).
DEFAULT_TOL = 1e-6
# The (t0, k) map is an image over many decades: its default trades accuracy for speed (measured on
# LSTM Jacobians: log10 norms within ~2e-3 at k <= 5 and ~3e-4 beyond, with ~1/3 fewer iterations;
# on the benchmark's LSTM, hidden 128, T = 256, against SVDs of every 16th row: mean error 1.2e-4,
# 99th percentile 7.7e-4, worst 0.026 (too low) where two top singular values cross).
DEFAULT_MAP_TOL = 1e-4


def start_vector(P_rows: np.ndarray) -> np.ndarray:
    """A start vector (b,) for a new product P (given as its (b, b) rows): its largest row.

    With the largest row r, ‖P r‖/‖r‖ >= ‖r‖ >= ‖P‖_F/√b, the lower bound of σ_max.
    """
    row_sq = sum_squares(P_rows).astype(np.float64)
    i = int(np.argmax(row_sq))
    v = np.zeros(P_rows.shape[1], dtype=P_rows.dtype)
    if row_sq[i] > 0.0:
        v[:] = P_rows[i] / np.sqrt(row_sq[i])
    else:
        v[0] = 1.0
    return v


def lanczos_single(
    X: np.ndarray, v: np.ndarray, fro_sq: float, tol: float, max_iter: int, krylov: int,
    first_test: int = 1,
) -> tuple[float, int]:
    """:func:`lanczos_batch` for one product, with 1-D arrays and Python scalars.

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
                lam, y = top_eigenpair_2x2_scalar(alpha[0], alpha[1], beta[1])
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
            v[:] = start_vector(X.T)  # see lanczos_batch
        if done or steps >= max_iter:
            return math.sqrt(lam), steps


def top_eigenpair_2x2_scalar(a: float, d: float, b: float) -> tuple[float, tuple[float, float]]:
    """:func:`top_eigenpair_2x2` for one matrix, in Python floats."""
    lam = 0.5 * (a + d) + math.hypot(0.5 * (a - d), b)
    y0, y1 = (lam - d, b) if a >= d else (b, lam - a)
    norm = math.hypot(y0, y1)
    if norm == 0.0:  # a scalar multiple of I
        return max(lam, 0.0), (1.0, 0.0)
    return max(lam, 0.0), (y0 / norm, y1 / norm)


def top_eigenpair_2x2(a: np.ndarray, d: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def spectral_norms(
    X: np.ndarray, V: np.ndarray, fro_sq: np.ndarray, tol: float, max_iter: int, krylov: int,
    first_test: int = 1, single_max: int = 2,
) -> tuple[np.ndarray, int]:
    """Spectral norms of P_j = X[j]ᵀ (see :func:`lanczos_batch`), with the result checked.

    Batches of at most ``single_max`` products go one product at a time (:func:`lanczos_single`;
    measured on S = 256 map chunks of two: ~20 % less time per product than the batched version).

    Some OpenBLAS kernels raise the floating-point "invalid" flag on finite input (NumPy issues
    #13173 and #24067; a CI machine showed it once in a float32 product of this loop), which
    NumPy reports as a warning.  The iteration therefore runs with that flag ignored and its
    result is checked instead: a non-finite σ or start vector (which finite input cannot give)
    is recomputed exactly with a float64 SVD.
    """
    m = X.shape[0]
    with np.errstate(invalid="ignore"):
        if m <= single_max:
            sigma = np.empty(m)
            steps = 0
            for j in range(m):
                sigma[j], its = lanczos_single(X[j], V[j], float(fro_sq[j]), tol, max_iter,
                                                krylov, first_test)
                steps += its
        else:
            sigma, steps = lanczos_batch(X, V, fro_sq, tol, max_iter, krylov, first_test)
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


def lanczos_batch(
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
            bn = sqrt(vecdot(w, w))
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
                lam, y_top = top_eigenpair_2x2(alpha[:, 0], alpha[:, 1], beta[:, 1])
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
        divide(ritz, maximum(sqrt(vecdot(ritz, ritz)), tiny)[:, None], out=Vs)
        sigma[lo:hi] = np.where(alive, sqrt(lam), 0.0)
        bad = alive & (lam < low)
        if bad.any():
            for j in np.flatnonzero(bad):
                # The warm start lies (numerically) in the null space, e.g. after a dead unit:
                # restart from the largest row of P.
                Vs[j] = start_vector(Xs[j].T)
        if done.all() or steps_done >= max_iter:
            break
        pending = np.flatnonzero(~done)
        lo, hi = lo + int(pending[0]), lo + int(pending[-1]) + 1
        first_test = 1
    return sigma, work


def first_test_from(hint: Mapping, key) -> int:
    """First convergence test for a batch of products that is much like the previous one (the
    anchor curve's next chunk; a map chunk's products one step longer), which needed ``hint[key]``
    Lanczos steps per product: tests that would fail are skipped; one test point earlier than it
    needed is kept (products vary)."""
    steps = hint.get(key)
    if steps is None:
        return 1
    need = int(math.ceil(steps - 1e-9))
    return {1: 1, 2: 1, 3: 2, 4: 2}.get(need, need - 2)
