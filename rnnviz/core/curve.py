"""The anchor curve: log10 norms of P(t0, k) = ∂s_{t0+k}/∂s_{t0} for one anchor t0 and every k.

The products are formed a cache-sized chunk at a time (one GEMM per step) and then the whole chunk
is measured with one batched Lanczos run for the state and one per group of equally sized blocks,
warm-started from the previous chunk's last top Ritz vector (on the explorer's default LSTM the
norms are two thirds of the curve's time).

The curve comes in two halves that depend only on the products and the chunks they come in:
:class:`CurveChain` forms them, :class:`CurveMeasure` measures them, so a worker process can
measure the chunks this process forms (:mod:`.parallel.curve_worker`) with the same numbers.
:func:`curve_norms` runs both here, in one thread.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from .halfdiag import diagonal_positions, half_diagonal_steps, times_transpose
from .logscale import LOG10_2, RESCALE_LOG2, frobenius_exponents, sum_squares
from .spectral_norm import first_test_from, spectral_norms, start_vector

__all__ = ["CurveChain", "CurveMeasure", "ProductNorms", "curve_chunk", "curve_chunks",
           "curve_norms"]


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



class CurveChain:
    """The forming half of the anchor curve: P(t0, k)ᵀ for k = 1, 2, … one GEMM per step.

    :meth:`form` writes ``n`` products after the one in ``X[0]``: ``X[1 + i] = P(t0, c0 + i + 1)ᵀ /
    2**exp2[i]`` with ``fro_sq[i]`` its (scaled) squared Frobenius norm.  Step Jacobians are used
    as they are unless their Frobenius norm is far from 1: then they are divided by a power of two
    close to it, and a product whose Frobenius norm leaves [2**-L/2, 2**L/2] is brought back near 1
    (both exact).  ``warm`` holds the Lanczos start vectors of the first product (its largest row,
    for the state and each block), so that the first Rayleigh quotient is not tiny.  ``half``:
    (T,) bool, which J[t] are half-diagonal (:func:`.halfdiag.half_diagonal_steps` of J, when
    the caller has it; else found here).
    """

    def __init__(self, J, t0, blocks, j_sq, half=None):
        self.J, self.t0 = J, t0
        K = J.shape[0] - t0
        self.limit = RESCALE_LOG2[J.dtype]
        j_exp = frobenius_exponents(J[t0:].reshape(K, -1), j_sq)
        first = np.ldexp(J[t0], -int(j_exp[0]))
        j_exp[np.abs(j_exp) <= self.limit // 4] = 0
        self.j_exp = j_exp
        self.half = half_diagonal_steps(J[t0:]) if half is None else np.asarray(half[t0:], dtype=bool)
        S = J.shape[1]
        # d of every half-diagonal step (halfdiag), gathered once; scaled with the step below
        self.diagonals = J[(slice(t0, None),) + diagonal_positions(S)] if self.half.any() else None
        self.scratch = np.empty((S, 2, S // 2), dtype=J.dtype) if self.half.any() else None
        self.warm = {None: start_vector(first)}
        self.warm.update({name: start_vector(first[sl, sl]) for name, sl in blocks.items()})
        self.e2 = 0

    def form(self, X, fro_sq, exp2, c0: int, n: int) -> None:
        J, t0, limit = self.J, self.t0, self.limit
        # Python lists and floats in the loop: it runs once per step, ~100 times per curve
        half, j_exp = self.half[c0:c0 + n].tolist(), self.j_exp[c0:c0 + n].tolist()
        e2 = self.e2
        with np.errstate(invalid="ignore"):  # spurious BLAS flag: see spectral_norms
            for i in range(n):
                k = c0 + i
                Js = J[t0 + k]
                a = j_exp[i]
                if a:
                    Js = np.ldexp(Js, -a)
                    e2 += a
                Xi = X[i + 1]
                if half[i]:
                    d = self.diagonals[k] if not a else np.ldexp(self.diagonals[k], -a)
                    times_transpose(X[i], Js, d, out=Xi, scratch=self.scratch)
                else:
                    np.matmul(X[i], Js.T, out=Xi)
                fs = float(sum_squares(Xi.reshape(-1)))
                ex = math.frexp(fs)[1] // 2
                if fs > 0.0 and abs(ex) > limit // 2:
                    np.ldexp(Xi, -ex, out=Xi)
                    fs = math.ldexp(fs, -2 * ex)
                    e2 += ex
                fro_sq[i] = fs
                exp2[i] = e2
        self.e2 = e2


class CurveMeasure:
    """The measuring half of the anchor curve: the norms of one chunk of products at a time, with
    one batched Lanczos run for the whole state and one per group of equally sized blocks, each
    warm-started from the top right Ritz vector of the previous chunk's last product.

    The results depend only on the products and on the chunks they come in, so a worker process
    that measures the chunks :class:`CurveChain` forms gives the numbers this class gives in the
    forming process.  Outputs: ``spec``, ``fro`` and ``block_out[name] = (spec, fro)``, (K,) log10.
    """

    def __init__(self, K, S, dtype, blocks, tol, max_iter, krylov, warm, single_max: int = 2):
        self.S, self.dtype = S, np.dtype(dtype)
        self.blocks = blocks
        self.tol = max(float(tol), 50.0 * float(np.finfo(self.dtype).eps))
        self.max_iter, self.krylov = int(max_iter), int(krylov)
        self.single_max = int(single_max)
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
        sigma, work = spectral_norms(Xc, V, fs, tol, max_iter, krylov, first_test_from(hint, None),
                                     self.single_max)
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
            fb = sum_squares(Xb.reshape(Xb.shape[0], -1)).astype(np.float64)
            sb, work = spectral_norms(Xb, Vb.reshape(-1, b), fb, tol, max_iter, krylov,
                                         first_test_from(hint, b), self.single_max)
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


def curve_chunk(S: int, itemsize: int, K: int, chunk_bytes: int) -> int:
    """Products per chunk of the anchor curve (formed, then measured together): about
    ``chunk_bytes`` worth (:attr:`.EngineOptions.curve_chunk_bytes`)."""
    return min(max(1, int(round(chunk_bytes / (S * S * itemsize)))), K)


def curve_chunks(K: int, cap: int) -> Iterator[tuple[int, int]]:
    """``(c0, n)`` of each chunk of a curve of K products, ``cap`` per chunk."""
    for c0 in range(0, K, cap):
        yield c0, min(cap, K - c0)


def curve_norms(J, t0, blocks, tol, max_iter, krylov, j_sq, chunk_bytes: int,
                single_max: int = 2, half=None):
    """Norms of P(t0, k), k = 1 .. T - t0, for :func:`anchor_curve`, in this thread.

    The products are formed a chunk at a time (one GEMM per step) and then measured together
    (:class:`CurveMeasure`): batching over k replaces ~7 Lanczos steps of many tiny NumPy calls
    per product with the same number of calls per chunk, and the chunk (1 MB) stays in cache
    between the GEMMs and the norms.  (Measuring chunk c on a second thread while chunk c + 1 is
    formed gave no reliable gain on a loaded 2-core machine; a worker process does, see
    :mod:`.parallel.curve_worker`.)

    Returns (log10_spectral, log10_frobenius, {name: (log10_spectral, log10_frobenius)}).
    """
    T, S = J.shape[0], J.shape[1]
    K = T - t0
    cap = curve_chunk(S, J.itemsize, K, chunk_bytes)
    chain = CurveChain(J, t0, blocks, j_sq, half)
    meas = CurveMeasure(K, S, J.dtype, blocks, tol, max_iter, krylov, chain.warm, single_max)
    X = np.empty((cap + 1, S, S), dtype=J.dtype)
    fro_sq, exp2 = np.empty(cap), np.empty(cap, dtype=np.int64)
    X[0] = np.eye(S, dtype=J.dtype)
    for c0, n in curve_chunks(K, cap):
        chain.form(X, fro_sq, exp2, c0, n)
        meas.measure(X[1 : n + 1], fro_sq[:n], exp2[:n], c0)
        X[0] = X[n]
    return meas.spec, meas.fro, meas.block_out

