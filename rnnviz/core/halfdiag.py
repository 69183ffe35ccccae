"""Step Jacobians whose right half is two diagonal blocks, multiplied at half the cost.

For a one-layer LSTM, s = [h; c] (S = 2H) and c_{t−1} reaches s_t only through
∂c_t/∂c_{t−1} = diag(f) and ∂h_t/∂c_{t−1} = diag(κ ⊙ f) (κ = ∂h_t/∂c_t), so

    J = [ A_h  diag(d_h) ]        A = J[:, :H] dense (S × H),
        [ A_c  diag(d_c) ]        d = [d_h; d_c] = J[j, H + j mod H] for j = 0 … S − 1.

A product with J then needs one GEMM over H instead of S, plus one scaled copy:

    (X Jᵀ)[r, j] = Σ_{m<H} X[r, m] A[j, m] + X[r, H + j mod H] · d[j].

Rows times J (a gradient going back one step, g ← g J) likewise take one GEMM over H:

    (g J)[r, :H] = g[r] A,        (g J)[r, H + m] = g[r, m] · d[m] + g[r, H + m] · d[H + m].

The numbers are those of the dense product up to rounding (the same terms, without the zeros);
the dense ``X @ J.T`` is the reference, and every caller falls back on it for a
Jacobian that does not have this form (:func:`half_diagonal` tells which do, entry by entry).
"""

from __future__ import annotations

import numpy as np

__all__ = ["diagonal_positions", "half_diagonal", "half_diagonal_steps", "rows_times",
           "times_transpose"]


def diagonal_positions(S: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of d in an (S, S) Jacobian: ``Js[diagonal_positions(S)]`` is d."""
    rows = np.arange(S)
    return rows, S // 2 + rows % (S // 2)


def half_diagonal_steps(J: np.ndarray) -> np.ndarray:
    """(n,) bool for a stack ``J: (n, S, S)``: True where J[i]'s right half is [diag; diag]
    (every nonzero of J[i][:, S/2:] sits at (j, S/2 + j mod S/2)). All False for an odd S."""
    n, S = J.shape[0], J.shape[-1]
    if S % 2 or S < 2 or J.shape[-2] != S:
        return np.zeros(n, dtype=bool)
    rows, cols = diagonal_positions(S)
    on_diagonals = np.count_nonzero(J[:, rows, cols], axis=1)
    # step by step: no copy of (half) the stack, which may be most of the memory budget
    return np.array([(J[i, :, S // 2:] != 0).sum() == on_diagonals[i] for i in range(n)], dtype=bool)


def half_diagonal(Js: np.ndarray) -> np.ndarray | None:
    """d (S,) with d[j] = Js[j, S/2 + j mod S/2] when ``Js: (S, S)`` has that form, else None."""
    if not half_diagonal_steps(Js[None])[0]:
        return None
    rows, cols = diagonal_positions(Js.shape[0])
    return Js[rows, cols]


def times_transpose(X: np.ndarray, Js: np.ndarray, d: np.ndarray, out: np.ndarray,
                    scratch: np.ndarray | None = None) -> np.ndarray:
    """``out = X @ Js.T`` for rows ``X: (N, S)`` and a half-diagonal ``Js`` with ``d`` from
    :func:`half_diagonal` (``out``: (N, S), not overlapping X; ``scratch``: an (N, 2, S/2) array
    to hold the diagonal terms in, instead of a fresh one)."""
    H = Js.shape[0] // 2
    np.matmul(X[:, :H], Js[:, :H].T, out=out)
    # out[:, :H] += X[:, H:] · d_h and out[:, H:] += X[:, H:] · d_c, as one broadcast product
    # (reshaping the fresh product, not ``out``: a reshape of a strided ``out`` would be a copy)
    terms = np.multiply(X[:, None, H:], d.reshape(2, H), out=scratch)
    out += terms.reshape(X.shape[0], 2 * H)
    return out


def rows_times(G: np.ndarray, Js: np.ndarray, d: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out = G @ Js`` for rows ``G: (N, S)`` and a half-diagonal ``Js`` with ``d`` from
    :func:`half_diagonal` (``out``: (N, S), not overlapping G)."""
    N, S = G.shape
    H = S // 2
    np.matmul(G, Js[:, :H], out=out[:, :H])
    # [g_h ⊙ d_h, g_c ⊙ d_c] as one broadcast product, then its two halves summed
    both = np.multiply(G.reshape(N, 2, H), d.reshape(2, H))
    np.add(both[:, 0], both[:, 1], out=out[:, H:])
    return out
