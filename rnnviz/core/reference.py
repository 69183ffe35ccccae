"""The readable path: products of step Jacobians and their norms, written to be read beside the
lecture notes.  No threads, no batching, no caches; the fast engine (:mod:`.products`) computes
the same quantities and the tests hold it to this module.

Notation (the equations panel's): ``J[t-1] = ∂s_t/∂s_{t-1}`` for t = 1 .. T, stacked as
``J: (T, S, S)``.  The gradient travels from step t0 to step t0 + k through

    P(t0, k) = J[t0+k-1] @ ... @ J[t0] = ∂s_{t0+k}/∂s_{t0},      k = 1 .. T - t0,

and vanishes or explodes with ‖P(t0, k)‖.  These norms leave float64's range within a few hundred
steps (0.1^400 = 1e-400), so a product is carried as a pair (P̃, e) with P = P̃ · 2**e: after each
multiplication P̃ is divided by the power of two nearest its Frobenius norm.  Dividing by a power
of two only changes the exponent of every entry, so it is exact, and the norms come out as

    log10 ‖P‖ = log10 ‖P̃‖ + e · log10 2

with no rounding beyond that of the matrix products themselves.  A product that is exactly zero
(a dead ReLU unit, a zero Jacobian) has log10 norm -inf.

The norms here are the definitions: ‖P‖₂ = σ_max(P) from a full SVD, ‖P‖_F = sqrt(Σ P_ij²).
Cost: an SVD per product, O(S³) each; the fast engine replaces it by a few Lanczos steps.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping

import numpy as np

__all__ = ["LOG10_2", "anchor_curve", "log10_norms", "lyapunov_exponents", "norm_map",
           "running_products"]

LOG10_2 = math.log10(2.0)


def running_products(J: np.ndarray, t0: int = 0) -> Iterator[tuple[np.ndarray, int]]:
    """Yield (P̃, e) with P(t0, k) = P̃ · 2**e for k = 1 .. T - t0, in that order.

    J: (T, S, S).  Each step multiplies the new Jacobian on the left, P(t0, k) = J[t0+k-1] P(t0, k-1),
    after scaling it by its own power of two (a Jacobian of entries 1e300 would otherwise overflow
    the product), and brings P̃ back to a Frobenius norm in [1/2, 1).  Once P̃ is zero it stays zero.
    """
    S = J.shape[1]
    P = np.eye(S, dtype=J.dtype)
    e = 0
    for t in range(t0, J.shape[0]):
        a = _exponent_of(J[t])
        P = np.ldexp(J[t], -a) @ P
        b = _exponent_of(P)
        P = np.ldexp(P, -b)
        e += a + b
        yield P, e


def _exponent_of(A: np.ndarray) -> int:
    """The integer b with ‖A‖_F / 2**b in [1/2, 1) (0 for a zero matrix), found from the largest
    entry first so that the sum of squares can neither overflow nor underflow."""
    peak = float(np.max(np.abs(A)))
    if peak == 0.0:
        return 0
    c = math.frexp(peak)[1]
    return c + math.frexp(math.sqrt(float(np.sum(np.square(np.ldexp(A, -c))))))[1]


def log10_norms(P: np.ndarray, e: int = 0) -> tuple[float, float]:
    """(log10 ‖P̃ 2**e‖₂, log10 ‖P̃ 2**e‖_F) in float64, -inf for a zero matrix."""
    P = P.astype(np.float64)
    spectral = float(np.linalg.svd(P, compute_uv=False)[0]) if P.size else 0.0
    frobenius = math.sqrt(float(np.sum(P * P)))
    shift = e * LOG10_2
    return (math.log10(spectral) + shift if spectral > 0.0 else -math.inf,
            math.log10(frobenius) + shift if frobenius > 0.0 else -math.inf)


def anchor_curve(J, t0: int = 0, blocks: Mapping[str, slice] | None = None) -> dict:
    """log10 norms of P(t0, k) for k = 1 .. T - t0, the gradient-decay curve of one anchor.

    J: (T, S, S); blocks: optional name -> slice, norms of the diagonal sub-blocks P[sl, sl] too
    (an LSTM's h→h and c→c blocks).  Returns {"k": (K,), "log10_spectral": (K,),
    "log10_frobenius": (K,), "blocks": {name: (spectral (K,), frobenius (K,))}}.
    """
    J = np.asarray(J)
    blocks = dict(blocks or {})
    K = J.shape[0] - t0
    spectral, frobenius = np.empty(K), np.empty(K)
    block_norms = {name: (np.empty(K), np.empty(K)) for name in blocks}
    for i, (P, e) in enumerate(running_products(J, t0)):
        spectral[i], frobenius[i] = log10_norms(P, e)
        for name, sl in blocks.items():
            block_norms[name][0][i], block_norms[name][1][i] = log10_norms(P[sl, sl], e)
    return {"k": np.arange(1, K + 1), "log10_spectral": spectral, "log10_frobenius": frobenius,
            "blocks": block_norms}


def norm_map(J, starts=None, max_k: int | None = None,
             blocks: Mapping[str, slice] | None = None) -> dict:
    """The (t0, k) map: one anchor curve per row.

    starts: anchors (default every t0 in 0 .. T-1), max_k: longest product (default T - starts[0]).
    Returns {"starts": (n,), "log10_spectral": (n, max_k), "log10_frobenius": (n, max_k),
    "blocks": {name: (spectral, frobenius)}}, entry [i, k-1] for P(starts[i], k), NaN where
    starts[i] + k > T.
    """
    J = np.asarray(J)
    T = J.shape[0]
    starts = np.arange(T) if starts is None else np.unique(np.asarray(starts, dtype=np.int64))
    max_k = T - int(starts[0]) if max_k is None else int(max_k)
    shape = (len(starts), max_k)
    spectral, frobenius = np.full(shape, np.nan), np.full(shape, np.nan)
    block_maps = {name: (np.full(shape, np.nan), np.full(shape, np.nan)) for name in blocks or {}}
    for row, t0 in enumerate(starts):
        curve = anchor_curve(J[: min(T, int(t0) + max_k)], int(t0), blocks)
        n = curve["k"].size
        spectral[row, :n], frobenius[row, :n] = curve["log10_spectral"], curve["log10_frobenius"]
        for name, (spec, fro) in curve["blocks"].items():
            block_maps[name][0][row, :n], block_maps[name][1][row, :n] = spec, fro
    return {"starts": starts, "log10_spectral": spectral, "log10_frobenius": frobenius,
            "blocks": block_maps}


def lyapunov_exponents(J, m: int = 1, discard: int = 0, seed: int = 0) -> np.ndarray:
    """The m leading Lyapunov exponents of the tangent dynamics s_t = J[t-1] s_{t-1}, natural log
    per step (< 0: gradients vanish on average, > 0: they explode).

    QR method: a frame Q of m orthonormal directions is carried along, J[t] Q = Q' R, and the
    growth of direction i in that step is |R_ii|; the exponents are the mean of log |R_ii| over the
    steps t >= discard (the first ``discard`` steps only align the frame).  The start frame is a
    seeded random orthonormal (S, m) matrix.  Re-orthogonalising at every step keeps the frame
    from collapsing onto the leading direction, and the logs never overflow.
    Returns (m,) float64, -inf for a direction that a zero Jacobian annihilates.
    """
    J = np.asarray(J)
    T, S = J.shape[0], J.shape[1]
    Q = np.linalg.qr(np.random.default_rng(seed).standard_normal((S, m)))[0].astype(J.dtype)
    sums = np.zeros(m)
    for t in range(T):
        Q, R = np.linalg.qr(J[t] @ Q)
        if t >= discard:
            with np.errstate(divide="ignore"):
                sums += np.log(np.abs(np.diagonal(R)).astype(np.float64))
    return sums / (T - discard)
