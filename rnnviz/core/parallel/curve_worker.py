"""The anchor curve's norms measured by a worker process while this process forms the products.

The products are formed by one chain of GEMMs; their norms (two thirds of the curve's time on the
explorer's default LSTM) can be measured by a worker of the map's pool (:mod:`.pool`) while the
parent forms the next chunk and then goes on with other work (``analysis.run_fast`` runs BPTT).
Parent and worker share one file, kept mapped in both so that no run pays page faults: a control
block, the products and their scales, and the results.  The hand-off is synchronised, not left to
the CPU's store order: after each formed chunk the parent posts the pool's ``formed`` semaphore,
and the worker waits on it once per chunk before it reads the chunk; the worker writes the norms
to the file and posts ``measured``, on which the parent waits (POSIX semaphores order memory
between processes).  The results do not come back through the pool's result queue: that took
~2 ms after the worker had finished (a thread of the parent's pool must wake, take the
interpreter lock and unpickle them before the waiting thread learns of it); the task's return
value only says whether it measured the curve.  Both halves measure the same
chunks with :class:`~rnnviz.core.curve.CurveMeasure`, so the numbers are those of
:func:`~rnnviz.core.curve.curve_norms` bit for bit, wherever they were measured.
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout

import numpy as np

from ..cancel import Cancelled
from ..curve import CurveChain, CurveMeasure, ProductNorms, curve_chunk, curve_chunks
from ..options import EngineOptions
from . import pool as process_pool
from .pool import RUN_PREFIX, BrokenProcessPool

__all__ = ["CURVE_MAX_BYTES", "CurveBooking", "CurveJob", "book_worker", "curve_layout",
           "curve_views", "measure_curve", "start_in_worker"]

log = logging.getLogger(__name__)

# Control slots of the shared file.  CURVE_STARTED and CURVE_CANCEL are hints (a late or stale
# read costs only time); the data is guarded by the semaphore and the task's result.  The worker
# notes when it took the task up and when it posted its results (time.perf_counter_ns(), one
# clock for all processes of the machine) for the timeline (FastResult.stage_ends).
CURVE_FORMED, CURVE_CANCEL, CURVE_STARTED, CURVE_TAKEN_NS, CURVE_POSTED_NS = range(5)
_CURVE_CONTROL_BYTES = 64
# Larger curves are measured where they are formed (the file would grow beyond this).
CURVE_MAX_BYTES = 64 << 20

_arena_lock = threading.Lock()
_arena: dict = {"dir": None, "path": None, "mm": None, "busy": False, "serial": 0}
_worker_arena: dict = {}  # in a worker: path -> (mmap, file size)


def curve_layout(K: int, S: int, itemsize: int, n_blocks: int = 0) -> dict[str, int]:
    """Byte offsets in the curve file: products (K + 1, S, S), fro_sq (K,), exp2 (K,), the
    Lanczos start vectors (1 + n_blocks, S) (of the state, then of each block, zero-padded) and
    the results (2 + 2·n_blocks, K) (see :func:`measure_curve`); every part aligned to 64 bytes.
    ``"size"``: bytes in all."""
    layout, off = {}, _CURVE_CONTROL_BYTES
    for name, nbytes in (("products", (K + 1) * S * S * itemsize), ("fro_sq", 8 * K),
                         ("exp2", 8 * K), ("warm", (1 + n_blocks) * S * itemsize),
                         ("results", 8 * (2 + 2 * n_blocks) * K)):
        layout[name] = off
        off += -(-nbytes // 64) * 64
    layout["size"] = off
    return layout


def curve_views(mm, layout: dict, K: int, S: int, dtype, n_blocks: int = 0) -> dict[str, np.ndarray]:
    """Plain ndarray views of the curve file's parts (no memmap subclass: no per-call cost)."""
    def view(name, dt, shape):
        count = int(np.prod(shape))
        return np.frombuffer(mm, dtype=dt, count=count, offset=layout[name]).reshape(shape)

    return {"control": np.frombuffer(mm, dtype=np.int64, count=_CURVE_CONTROL_BYTES // 8),
            "products": view("products", dtype, (K + 1, S, S)),
            "fro_sq": view("fro_sq", np.float64, (K,)),
            "exp2": view("exp2", np.int64, (K,)),
            "warm": view("warm", dtype, (1 + n_blocks, S)),
            "results": view("results", np.float64, (2 + 2 * n_blocks, K))}


def _acquire_arena(size: int):
    """``(path, mmap)`` of this process's curve file with at least ``size`` bytes, reserved for one
    curve until :func:`_release_arena`; None when it is in use (another thread's curve, or a worker
    that has not yet let go of it), too large, or cannot be made (then the parent measures the
    curve itself)."""
    if size > CURVE_MAX_BYTES:
        return None
    with _arena_lock:
        if _arena["busy"]:
            return None
        if _arena["mm"] is None or len(_arena["mm"]) < size:
            try:
                _new_curve_file(max(size, 16 << 20))
            except OSError as exc:
                log.warning("anchor curve measured in this process: %s", exc)
                return None
        _arena["busy"] = True
        return _arena["path"], _arena["mm"]


def arena_busy() -> bool:
    """True while a curve holds this process's shared file (its parent or its worker)."""
    with _arena_lock:
        return _arena["busy"]


def arena_path() -> str | None:
    """The current shared curve file of this process (None before the first curve)."""
    with _arena_lock:
        return _arena["path"]


def _new_curve_file(size: int) -> None:
    """Replace the curve file by one of ``size`` bytes, with every page touched now."""
    where = process_pool.shared_dir(2 * size)
    if _arena["dir"] is None or os.path.dirname(_arena["dir"].name) != where:
        process_pool.remove_orphaned_runs()
        _arena["dir"] = tempfile.TemporaryDirectory(prefix=f"{RUN_PREFIX}{os.getpid()}-",
                                                    dir=where)
    old = _arena["path"]
    _arena["serial"] += 1
    path = os.path.join(_arena["dir"].name, f"curve-{_arena['serial']}.bin")
    with open(path, "w+b") as f:
        f.truncate(size)
        mm = mmap.mmap(f.fileno(), size)
    np.frombuffer(mm, dtype=np.uint8)[:] = 0
    if _arena["mm"] is not None:
        with contextlib.suppress(BufferError):  # views still alive: the map goes with them
            _arena["mm"].close()
    _arena.update(path=path, mm=mm)
    if old is not None:
        with contextlib.suppress(OSError):
            os.remove(old)


def _release_arena() -> None:
    with _arena_lock:
        _arena["busy"] = False


class _ArenaHold:
    """The shared file is free again once both the parent and the worker let go of it (each at
    most once).  The worker lets go when its task ends, or as soon as it has posted ``measured``
    (it does not touch the file after that post): the next curve then need not wait for the pool
    to report the task done."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held = {"parent", "worker"}

    def parent_lets_go(self) -> None:
        self._let_go("parent")

    def worker_lets_go(self, *_) -> None:
        self._let_go("worker")

    def _let_go(self, side: str) -> None:
        with self._lock:
            if side not in self._held:
                return
            self._held.discard(side)
            last = not self._held
        if last:
            _release_arena()


def _curve_file_in_worker(path: str, size: int):
    hit = _worker_arena.get(path)
    if hit is None or hit[1] < size:
        _worker_arena.clear()  # the parent made a new file: the old one is gone
        with open(path, "r+b") as f:
            total = os.fstat(f.fileno()).st_size
            hit = (mmap.mmap(f.fileno(), total), total)
        _worker_arena[path] = hit
    return hit[0]


def measure_curve(path: str, layout: dict, K: int, S: int, dtype: str, blocks: dict, tol: float,
                  max_iter: int, krylov: int, cap: int, single_max: int) -> bool:
    """Worker task: the anchor curve's norms, chunk by chunk as the parent forms the products
    (one semaphore wait per chunk; the task may be taken up before the first chunk is formed).
    The start vectors are read from the file with the first chunk.  Writes (2 + 2·len(blocks), K) float64 — spectral and Frobenius log10 norms of
    the state, then of each block — to the file's results and posts ``measured``; returns True,
    or False when the parent cancelled (nothing posted)."""
    mm = _curve_file_in_worker(path, layout["size"])
    v = curve_views(mm, layout, K, S, np.dtype(dtype), len(blocks))
    control = v["control"]
    control[CURVE_TAKEN_NS] = time.perf_counter_ns()
    control[CURVE_STARTED] = 1
    signals = process_pool.handoff_signal()
    formed = signals.formed
    meas = None
    X, fro_sq, exp2 = v["products"], v["fro_sq"], v["exp2"]
    for c0, n in curve_chunks(K, cap):
        while not formed.acquire(timeout=0.05):
            if control[CURVE_CANCEL]:
                return False
        if control[CURVE_CANCEL]:
            return False
        if meas is None:  # the start vectors were written before the first chunk was posted
            meas = CurveMeasure(K, S, dtype, blocks, tol, max_iter, krylov,
                                _warm_from(v["warm"], blocks), single_max)
        meas.measure_stack(X, fro_sq, exp2, c0, n)
    out = v["results"]
    out[0], out[1] = meas.spec, meas.fro
    for i, name in enumerate(blocks):
        out[2 + 2 * i], out[3 + 2 * i] = meas.block_out[name]
    control[CURVE_POSTED_NS] = time.perf_counter_ns()
    signals.measured.release()
    return True


def _warm_to(rows: np.ndarray, warm: dict, blocks: dict) -> None:
    """Write the start vectors ``warm`` (None: the state's, then one per block) into ``rows``
    (1 + len(blocks), S), zero-padded."""
    rows[:] = 0
    for i, name in enumerate([None, *blocks]):
        rows[i, : warm[name].size] = warm[name]


def _warm_from(rows: np.ndarray, blocks: dict) -> dict:
    """The start vectors written by :func:`_warm_to` (copies, in the file's dtype)."""
    warm = {None: rows[0].copy()}
    for i, (name, sl) in enumerate(blocks.items()):
        warm[name] = rows[1 + i, : sl.stop - sl.start].copy()
    return warm


class CurveJob:
    """An anchor curve on its way: :meth:`result` returns its :class:`ProductNorms`.

    Made by :func:`~rnnviz.core.products.start_anchor_curve`.  When a worker process measures the
    norms, the products are all formed (in the calling thread) before the job is returned, and the
    worker measures them meanwhile; otherwise the job is complete when it is returned.
    """

    def __init__(self, t0: int, K: int, blocks, norms=None, start_wait_s: float = 0.005):
        self.t0, self.K, self.blocks = t0, K, blocks
        # A worker that has not taken the curve up after this long is busy with other work: then
        # the curve is measured here.
        self.start_wait_s = start_wait_s
        self._norms = norms  # (spec, fro, {name: (spec, fro)}) once known
        # (future, control, signals, results, hold, measure_here) while a worker measures
        self._worker = None
        self.in_worker = False  # the norms were measured by a worker process
        # perf_counter moments of the worker process, when it measured the norms
        self.worker_moments: dict[str, float] = {}

    def result(self, should_stop: Callable[[], bool] | None = None) -> ProductNorms:
        """The curve (waits for the worker, if one measures it).  ``should_stop()`` → True
        raises :class:`Cancelled` while waiting."""
        if self._norms is None:
            self._norms = self._collect(should_stop, self.start_wait_s)
        spec, fro, block_norms = self._norms
        return ProductNorms(t0=self.t0, k=np.arange(1, self.K + 1), log10_spectral=spec,
                            log10_frobenius=fro, blocks=block_norms)

    def cancel(self) -> None:
        """Stop the worker, if one measures the curve (its result is not wanted)."""
        if self._worker is None:
            return
        _, control, signals, _, hold, _ = self._worker
        self._worker = None
        _tell_cancel(control, signals)
        hold.parent_lets_go()

    def _collect(self, should_stop, start_wait_s):
        future, control, signals, results, hold, measure_here = self._worker
        try:
            began = time.perf_counter()
            while not control[CURVE_STARTED]:
                if time.perf_counter() - began > start_wait_s or future.done():
                    _tell_cancel(control, signals)
                    return measure_here()
                time.sleep(0)
            while True:
                if should_stop is not None and should_stop():
                    _tell_cancel(control, signals)
                    raise Cancelled("anchor curve cancelled")
                if signals.measured.acquire(timeout=0.005):
                    break
                if future.done():  # it failed, or posted just now and returned
                    if signals.measured.acquire(False):
                        break
                    future.result()  # raises what the worker raised
                    raise RuntimeError("curve worker stopped early")
            out = np.array(results)  # the file is used again by the next curve
            self.worker_moments = {"curve process took it up": control[CURVE_TAKEN_NS] * 1e-9,
                                   "curve process posted": control[CURVE_POSTED_NS] * 1e-9}
            hold.worker_lets_go()  # it posted: done with the file
            self.in_worker = True
            names = list(self.blocks)
            return out[0], out[1], {n: (out[2 + 2 * i], out[3 + 2 * i]) for i, n in enumerate(names)}
        except (OSError, RuntimeError, BrokenProcessPool) as exc:
            if isinstance(exc, BrokenProcessPool):
                process_pool.discard_pool(str(exc) or "a worker process ended abruptly")
            log.warning("anchor curve measured in this process: the worker failed: %s", exc)
            _tell_cancel(control, signals)
            return measure_here()
        finally:
            self._worker = None
            hold.parent_lets_go()


def _tell_cancel(control, signals) -> None:
    """Ask the worker to stop: the flag, then a post that wakes it if it waits for a chunk."""
    control[CURVE_CANCEL] = 1
    signals.formed.release()


class CurveBooking:
    """A worker process's measuring task, submitted by :func:`book_worker` just before the
    products are formed; it waits on the shared file for each chunk. :meth:`cancel` lets the
    worker go when the curve is not formed after all."""

    def __init__(self, views, future, signals, hold, cap):
        self.views, self.future, self.signals = views, future, signals
        self.hold, self.cap = hold, cap

    def cancel(self) -> None:
        """Stop the waiting task (it returns False, nothing posted)."""
        _tell_cancel(self.views["control"], self.signals)
        self.hold.parent_lets_go()


def book_worker(K: int, S: int, dtype, blocks: dict, tol: float, max_iter: int, krylov: int,
                processes, n_procs: int, options: EngineOptions) -> CurveBooking | None:
    """Submit the measuring task of a curve of K products of (S, S) to a worker process now; None
    where a worker does not pay or cannot be had (the rules of :func:`start_in_worker`).
    ``blocks``: name -> slice, as :func:`.checks.block_slices` gives them."""
    dtype = np.dtype(dtype)
    if processes is False:
        return None
    if processes:
        n_procs = max(n_procs, 2)
        if not process_pool.wait_ready(n_procs):
            return None
    elif (n_procs < 2 or 2.0 * S ** 3 * K < options.curve_process_min_flops
          or not process_pool.ready(n_procs)):
        return None
    layout = curve_layout(K, S, dtype.itemsize, len(blocks))
    arena = _acquire_arena(layout["size"])
    if arena is None:
        return None
    path, mm = arena
    hold = _ArenaHold()
    try:
        views = curve_views(mm, layout, K, S, dtype, len(blocks))
        views["control"][:] = 0
        cap = curve_chunk(S, dtype.itemsize, K, options.curve_chunk_bytes)
        got = process_pool.pool_and_signal(n_procs)
        if got is None:  # discarded since ready() said yes
            _release_arena()
            return None
        pool, signals = got
        # Posts left from an earlier curve whose worker stopped early or was not waited for (the
        # file was busy until that worker's task ended, so none of them can still be waited for).
        for left in (signals.formed, signals.measured):
            while left.acquire(False):
                pass
        future = pool.submit(measure_curve, path, layout, K, S, dtype.str, blocks, tol,
                             max_iter, krylov, cap, options.single_max)
    except (BrokenProcessPool, RuntimeError) as exc:  # broken or shut down meanwhile
        _release_arena()
        log.warning("anchor curve measured in this process: %s", exc)
        return None
    except BaseException:
        _release_arena()
        raise
    future.add_done_callback(hold.worker_lets_go)
    return CurveBooking(views, future, signals, hold, cap)


def start_in_worker(J, t0, blocks, tol, max_iter, krylov, j_sq, processes, n_procs: int,
                    options: EngineOptions, half=None) -> CurveJob | None:
    """Form the curve's products here while a worker process measures them; None where that does
    not pay or cannot be done (then the caller computes the curve in this thread).

    ``processes``: False never, True always (waiting for the pool to start), None when the pool
    is up with ``n_procs`` >= 2 processes and the curve is worth it
    (:attr:`.EngineOptions.curve_process_min_flops`); ``half``: see :class:`.CurveChain`."""
    T, S = J.shape[0], J.shape[1]
    K = T - t0
    booking = book_worker(K, S, J.dtype, blocks, tol, max_iter, krylov, processes, n_procs, options)
    if booking is None:
        return None
    views, signals, cap = booking.views, booking.signals, booking.cap
    control, X, fro_sq, exp2 = views["control"], views["products"], views["fro_sq"], views["exp2"]
    try:
        chain = CurveChain(J, t0, blocks, j_sq, half)
        warm = {name: v.copy() for name, v in chain.warm.items()}
        _warm_to(views["warm"], warm, blocks)  # read by the worker with the first chunk
    except BaseException:
        booking.cancel()
        raise

    def measure_here():
        meas = CurveMeasure(K, S, J.dtype, blocks, tol, max_iter, krylov, warm, options.single_max)
        for c0, n in curve_chunks(K, cap):
            meas.measure_stack(X, fro_sq, exp2, c0, n)
        return meas.spec.copy(), meas.fro.copy(), {
            name: (a.copy(), b.copy()) for name, (a, b) in meas.block_out.items()}

    job = CurveJob(t0, K, blocks, start_wait_s=options.curve_start_wait_s)
    job._worker = (booking.future, control, signals, views["results"], booking.hold, measure_here)
    try:
        X[0] = np.eye(S, dtype=J.dtype)
        for c0, n in curve_chunks(K, cap):
            chain.form(X[c0 : c0 + n + 1], fro_sq[c0 : c0 + n], exp2[c0 : c0 + n], c0, n)
            control[CURVE_FORMED] = c0 + n  # for a reader of the file; the post is the hand-off
            signals.formed.release()
    except BaseException:
        job.cancel()
        raise
    return job
