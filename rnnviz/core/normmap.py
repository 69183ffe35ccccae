"""The (t0, k) map: log10 norms of P(t0, k) for every anchor t0 and k, the engine's hot path.

All running products that end at the same step are stored side by side (as transposes, in
chunks of about 1 MB) and extended with one large GEMM per step, chunk by chunk so that the norms
and the Lanczos steps run on data that is still in cache.  The steps come in blocks of twelve:
each chunk goes through a whole block before the next, and for S >= 256 in float64 a chunk takes
the block's steps in one GEMM, X @ [C_0ᵀ | … | C_11ᵀ] with C_q the block's first q + 1 Jacobians
multiplied out (the same products up to rounding; a GEMM twelve times as wide runs closer to the
machine's peak).  Stored products are rescaled by exact powers of two whenever their Frobenius
norm leaves [2**-L, 2**L] (:mod:`.logscale`).

The engine creates no threads or processes: :meth:`MapEngine.steps` shares the full chunks over
the executor its caller passes in (:mod:`.parallel.map_threads`), and worker processes run one
engine each on whole chunks of anchors (:mod:`.parallel.map_processes`); blocks are aligned to
absolute steps, so every way of running gives the same numbers bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import wait
from dataclasses import dataclass

import numpy as np

from .cancel import Cancelled
from .checks import block_slices, check_iteration, resolve_starts
from .halfdiag import half_diagonal, times_transpose
from .logscale import LOG10_2, RESCALE_LOG2, frobenius_exponents, sum_squares
from .options import DEFAULT_OPTIONS, EngineOptions
from .spectral_norm import first_test_from, spectral_norms, start_vector

__all__ = ["MapEngine", "NormMap", "make_engine", "run_in_this_thread"]


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
        # the same products one step longer need about as many (see first_test_from).
        self.hint: dict[str | None, float] = {}


class MapEngine:
    """Extends running products step by step and writes their norms into map arrays.

    Made by :func:`make_engine` (which checks the arguments).  A driver calls :meth:`steps` for
    each block of :meth:`block_steps` from ``first_step`` to ``last_step``, then reads the maps or
    a :meth:`snapshot`; ``work_done`` / ``total_work`` count product extensions.  The driver is a
    plain loop here (:func:`run_in_this_thread`) or in :mod:`.parallel` (threads, processes).
    """

    def __init__(self, J, starts, max_k, blocks, tol, max_iter, chunk_blocks, krylov,
                 options: EngineOptions = DEFAULT_OPTIONS):
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
        self.single_max = options.single_max
        self.block_floor_sq = options.block_floor_sq
        self.half_diagonal = options.half_diagonal
        self.spectral = True  # False: Frobenius norms only (spectral maps stay NaN)
        self.iterations = 0  # product-iterations done (each costs two passes over one product)
        # Chunks that took a whole block in one GEMM, and those that went step by step after all
        # (a product fell below the floor; see _advance_block).
        self.block_gemms = 0
        self.block_fallbacks = 0
        self.rescale_log2 = RESCALE_LOG2[self.dtype]
        if chunk_blocks is None:
            chunk_blocks = max(1, int(round(options.chunk_bytes / (self.S * self.S * J.itemsize))))
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
        self.time_block = int(options.time_block)
        self.multi_step = self.dtype == np.float64 and self.S >= options.multi_step_min_s
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
        chunk.V[j] = start_vector(Js)
        for name, sl in self.blocks.items():
            chunk.block_V[name][j] = start_vector(Js[sl, sl])
        chunk.count += 1

    def block_steps(self, e: int) -> int:
        """Steps of the block that starts at step e: blocks are aligned to multiples of
        ``time_block`` (absolute steps), so every engine that runs a chunk (the threaded one,
        a worker process's) forms it the same way and gives the same numbers bit for bit."""
        return min(self.time_block - e % self.time_block, self.last_step - e + 1)

    def steps(self, e0: int, n: int, pool=None,
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
        # Half-diagonal Jacobians (a one-layer LSTM's) go step by step: half a GEMM each is
        # cheaper than the block's one wide GEMM.
        structured = all(d is not None for *_, d in scaled)
        whole = self._whole_chunks(closed, e0) if n > 1 and self.multi_step and not structured else set()
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
            its, work, gemms, fallbacks = self._run_closed(groups[0], scaled, block, whole, e0,
                                                           0, stop_here)
            closed_ids = {id(c) for c in closed}
            for q, (Js, a, d) in enumerate(scaled):
                if stop_here():
                    raise Cancelled("Jacobian products cancelled")
                e = e0 + q
                self._open_if_anchor(e, Js)
                for chunk in self.chunks:
                    if id(chunk) in closed_ids or chunk.lo >= chunk.count:
                        continue
                    work += chunk.count - chunk.lo
                    its += self._advance(chunk, Js, d, a, e, 0)
                    self._retire_chunk(chunk, e)
        except BaseException:
            halt[0] = True
            wait(futures)
            raise
        for f in futures:
            f_its, f_work, f_gemms, f_fallbacks = f.result()
            its += f_its
            work += f_work
            gemms += f_gemms
            fallbacks += f_fallbacks
        self.iterations += its
        self.block_gemms += gemms
        self.block_fallbacks += fallbacks
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
            b = int(frobenius_exponents(C.reshape(1, -1))[0])
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
                    stop: Callable[[], bool]) -> tuple[int, int, int, int]:
        """The block for full chunks, one after the other, with spare buffer ``w`` (the ones in
        ``whole`` in one GEMM); returns (Lanczos iterations, product extensions, chunks done in
        one GEMM, chunks that went step by step after all).  ``stop()`` True before a chunk:
        Cancelled."""
        its = work = gemms = fallbacks = 0
        n = len(scaled)
        last = e0 + n - 1
        for chunk in chunks:
            if stop():
                raise Cancelled("Jacobian products cancelled")
            if id(chunk) in whole:
                its_block, done = self._advance_block(chunk, *block, e0, w)
                its += its_block
                if done:
                    gemms += 1
                    work += n * (chunk.count - chunk.lo)
                    self._retire_chunk(chunk, last)
                    continue
                fallbacks += 1
            for q, (Js, a, d) in enumerate(scaled):
                if chunk.lo >= chunk.count:
                    break
                work += chunk.count - chunk.lo
                its += self._advance(chunk, Js, d, a, e0 + q, w)
                self._retire_chunk(chunk, e0 + q)
        return its, work, gemms, fallbacks

    def _scaled_jacobian(self, e: int) -> tuple[np.ndarray, int, np.ndarray | None]:
        """J[e] / 2**a with a from its Frobenius norm (exact scaling), so that products of
        scaled Jacobians grow or shrink only moderately per step; returns (J[e] / 2**a, a, d)
        with d the diagonals of its right half when it has that form (:mod:`.halfdiag`), else None."""
        Js = self.J[e]
        a = int(frobenius_exponents(Js.reshape(1, -1))[0])
        Js = np.ldexp(Js, -a) if a != 0 else Js
        return Js, a, half_diagonal(Js) if self.half_diagonal else None

    def _open_if_anchor(self, e: int, Js: np.ndarray) -> None:
        """Open the chain of the next anchor if it starts at step e."""
        if self.next_start < len(self.starts) and self.starts[self.next_start] == e:
            self._open_chain(self.next_start, Js)
            self.next_start += 1

    def _retire_chunk(self, chunk: _Chunk, e: int) -> None:
        """Close the chunk's products that reached max_k after step e (its oldest ones)."""
        while chunk.lo < chunk.count and e - self.starts[chunk.rows[chunk.lo]] + 1 >= self.max_k:
            chunk.lo += 1

    def _advance(self, chunk: _Chunk, Js: np.ndarray, d: np.ndarray | None, a: int, e: int,
                 w: int) -> int:
        """One step: GEMM, norms and rescaling for ``chunk``, using spare buffer ``w`` (``d``: see
        :meth:`_scaled_jacobian`)."""
        S = self.S
        lo, hi = chunk.lo, chunk.count
        spare = self.spares[w]
        X, out = chunk.X[lo:hi].reshape(-1, S), spare[lo:hi].reshape(-1, S)
        with np.errstate(invalid="ignore"):  # spurious BLAS flag: see spectral_norms
            if d is None:
                np.matmul(X, Js.T, out=out)
            else:
                times_transpose(X, Js, d, out)
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
            fro_sq = sum_squares(view).sum(axis=1, dtype=np.float64)
            if not (fro_sq >= self.block_floor_sq).all():
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
            fro_sq = sum_squares(X.reshape(m, -1)).astype(np.float64)
        its = 0
        if self.spectral:
            sigma, its = spectral_norms(
                X, chunk.V[lo:hi], fro_sq, self.tol, self.max_iter, self.krylov,
                first_test_from(chunk.hint, None), self.single_max,
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
                    sb, its_b = spectral_norms(
                        Xb, chunk.block_V[name][lo:hi], fb, self.tol, self.max_iter, self.krylov,
                        first_test_from(chunk.hint, name), self.single_max,
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

    def nearly_done(self, elapsed: float, interval: float) -> bool:
        """True when the remaining work, at the rate of the first ``elapsed`` seconds, takes less
        than ``interval / 2`` (a snapshot just before the end shows nothing new)."""
        done = self.work_done
        if done <= 0:
            return False
        rest = max(self.total_work - done, 0)
        return elapsed * rest / done < 0.5 * interval

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


def make_engine(
    J, starts, max_k, blocks, tol, max_iter, chunk_blocks, krylov=8,
    options: EngineOptions = DEFAULT_OPTIONS,
) -> MapEngine:
    """Check the arguments (J already through :func:`.checks.as_jacobian_stack`) and build the
    engine (see :func:`.products.norm_map` for their meaning)."""
    T, S = J.shape[0], J.shape[1]
    starts = resolve_starts(starts, T)
    if max_k is None:
        max_k = T - int(starts[0])
    max_k = int(max_k)
    if max_k < 1:
        raise ValueError(f"max_k must be >= 1, got {max_k}")
    max_k = min(max_k, T - int(starts[0]))
    check_iteration(tol, max_iter, krylov)
    return MapEngine(
        J, starts, max_k, block_slices(blocks, S), tol, max_iter, chunk_blocks, krylov, options
    )


def run_in_this_thread(engine: MapEngine, should_stop=None) -> MapEngine:
    """Every step of ``engine`` in the calling thread (``should_stop()`` → True raises
    :class:`Cancelled`); the plainest driver, used by worker processes for their share."""
    e = engine.first_step
    while e <= engine.last_step:
        if should_stop is not None and should_stop():
            raise Cancelled("Jacobian products cancelled")
        n = engine.block_steps(e)
        engine.steps(e, n, should_stop=should_stop)
        e += n
    return engine
