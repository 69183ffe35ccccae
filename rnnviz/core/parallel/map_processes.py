"""The (t0, k) map on worker processes.

The map's steps are many NumPy calls on small arrays; in threads they take turns on the
interpreter lock (measured on the explorer's default LSTM: two threads gave 1.4x one thread, and
the window's own painting competes for the same lock).  Processes have no shared lock: the
anchors are shared out over the pool's worker processes (:mod:`.pool`), each running the same
:class:`~rnnviz.core.normmap.MapEngine` on its share with one BLAS thread.  The Jacobians, the
result maps and a control block (cancel flag, each worker's progress) live in memory-mapped
``.npy`` files in a private temporary directory, so the parent can show partial maps while the
workers compute and nothing large is pickled.  Each worker's anchors form whole chunks of
consecutive anchors, exactly the chunks the single-process engine forms, so the numbers are
bit-for-bit those of the threaded engine.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_EXCEPTION, wait
from pathlib import Path

import numpy as np

from ..cancel import Cancelled
from ..normmap import MapEngine, make_engine
from ..options import DEFAULT_OPTIONS, EngineOptions
from . import pool as process_pool
from .pool import RUN_PREFIX, BrokenProcessPool

__all__ = ["SharedRun", "process_steps", "run_part", "share_rows", "want_processes"]


def share_rows(starts: np.ndarray, T: int, max_k: int, capacity: int, workers: int) -> list[np.ndarray]:
    """Indices of ``starts`` per worker: whole chunks of ``capacity`` consecutive anchors (the
    engine's own chunks), each given to the worker with the least work so far (products to
    extend), so the longest rows are spread out."""
    n = len(starts)
    work = np.minimum(max_k, T - starts)
    shares: list[list[int]] = [[] for _ in range(workers)]
    load = [0] * workers
    for c0 in range(0, n, capacity):
        w = min(range(workers), key=load.__getitem__)
        shares[w].extend(range(c0, min(n, c0 + capacity)))
        load[w] += int(work[c0 : c0 + capacity].sum())
    return [np.asarray(s, dtype=np.int64) for s in shares if s]



def _map_names(block_names) -> list[str]:
    """The shared result maps: the state's, then each block's, spectral and Frobenius."""
    return ["spectral", "frobenius"] + [f"{b}.{kind}" for b in block_names
                                        for kind in ("spectral", "frobenius")]


class SharedRun:
    """The files one map run shares with its workers (removed by :meth:`close`)."""

    def __init__(self, J: np.ndarray, starts: np.ndarray, max_k: int, block_names, workers: int):
        process_pool.remove_orphaned_runs()
        need = J.nbytes + len(_map_names(block_names)) * len(starts) * max_k * 8 + (1 << 20)
        self._dir = tempfile.TemporaryDirectory(prefix=f"{RUN_PREFIX}{os.getpid()}-",
                                                dir=process_pool.shared_dir(need))
        self.path = Path(self._dir.name)
        # Written with write() calls, not through a fresh mapping: half the time (no page fault
        # per 4 KB page; measured 128 MB to /dev/shm: 45 against 90 ms).
        np.save(self.path / "J.npy", np.ascontiguousarray(J), allow_pickle=False)
        np.save(self.path / "starts.npy", starts)
        shape = (len(starts), max_k)
        self.maps = {}
        for name in _map_names(block_names):
            arr = np.lib.format.open_memmap(self.path / f"{name}.npy", mode="w+",
                                            dtype=np.float64, shape=shape)
            arr[...] = np.nan
            self.maps[name] = arr
        # [0]: cancel flag; [1 + 2w]: next step of worker w; [2 + 2w]: its products done.
        self.control = np.lib.format.open_memmap(self.path / "control.npy", mode="w+",
                                                 dtype=np.int64, shape=(1 + 2 * workers,))
        self.control[...] = 0

    def close(self) -> None:
        self.maps.clear()
        self.control = None
        self._dir.cleanup()



def run_part(path: str, w: int, rows: np.ndarray, max_k: int, blocks: dict, tol: float,
             max_iter: int, chunk_blocks, krylov: int, spectral: bool, options: EngineOptions,
             time_block: int, multi_step: bool) -> int:
    """Worker task: the map rows ``rows`` (indices into the shared starts), published into the
    shared maps every ``options.publish_s`` seconds and at the end; in the parent engine's blocks
    of ``time_block`` steps, n-step GEMMs when ``multi_step`` (:meth:`.MapEngine.steps`).
    Returns product-iterations done, or -1 when the run was cancelled."""

    base = Path(path)
    J = np.load(base / "J.npy", mmap_mode="r")
    starts = np.load(base / "starts.npy")
    control = np.load(base / "control.npy", mmap_mode="r+")
    maps = {name: np.load(base / f"{name}.npy", mmap_mode="r+") for name in _map_names(blocks)}
    engine = make_engine(J, starts[rows], max_k, blocks, tol, max_iter, chunk_blocks, krylov,
                         options)
    engine.spectral = spectral
    # The parent engine's grid of blocks and GEMM choice (see MapEngine.steps): the numbers
    # are then those of the threaded engine, bit for bit.
    engine.time_block = time_block
    engine.multi_step = multi_step
    mk = engine.max_k

    def publish(e: int) -> None:
        maps["spectral"][rows, :mk] = engine.log10_spectral
        maps["frobenius"][rows, :mk] = engine.log10_frobenius
        for name, (spec, fro) in engine.block_maps.items():
            maps[f"{name}.spectral"][rows, :mk] = spec
            maps[f"{name}.frobenius"][rows, :mk] = fro
        control[2 + 2 * w] = engine.work_done
        # After the data; the parent reads progress, then data.  Without a memory barrier a
        # snapshot may miss a few newest values on a CPU that reorders stores; the final maps are
        # read only after the tasks' results have come back through the pool (which orders memory).
        control[1 + 2 * w] = e

    e = engine.first_step
    last = time.perf_counter()
    while e <= engine.last_step:
        if control[0]:
            return -1
        n = engine.block_steps(e)
        try:
            engine.steps(e, n, should_stop=lambda: bool(control[0]))
        except Cancelled:
            return -1
        e += n
        now = time.perf_counter()
        if now - last >= options.publish_s or e > engine.last_step:
            publish(e)
            last = now
    return engine.iterations



def want_processes(engine: MapEngine, workers: int, processes: bool | None,
                   options: EngineOptions = DEFAULT_OPTIONS) -> bool:
    """Whether to run ``engine``'s map in ``workers`` worker processes: ``processes`` True
    (waiting for the pool), False (never) or None: when the map is large enough to pay (see
    :class:`.EngineOptions`) and the pool is up, or so large that waiting for it pays."""
    if processes is False or workers < 2 or len(engine.starts) <= engine.capacity:
        return False
    if engine.J.nbytes > options.process_max_bytes:
        return False  # the Jacobians are copied to a shared file first
    if processes:
        return process_pool.wait_ready(workers)
    flops = 2.0 * engine.S ** 3 * engine.total_work
    if flops < options.process_min_flops:
        return False
    if process_pool.ready(workers):
        return True
    if flops >= options.process_wait_flops:
        return process_pool.wait_ready(workers)
    process_pool.get_pool(workers)  # starts in the background: the next map can use it
    return False


def process_steps(engine: MapEngine, workers: int, interval: float, should_stop,
                  options: EngineOptions = DEFAULT_OPTIONS) -> Iterator[int]:
    """:func:`.map_threads.run_steps` with the work done by worker processes; the engine's maps
    are filled from theirs (at every yield and at the end)."""
    pool = process_pool.get_pool(workers)
    if pool is None:
        raise BrokenProcessPool("no worker pool")
    shares = share_rows(engine.starts, engine.T, engine.max_k, engine.capacity, workers)
    run = SharedRun(engine.J, engine.starts, engine.max_k, list(engine.blocks), len(shares))
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
            pool.submit(run_part, str(run.path), w, rows, engine.max_k, engine.blocks,
                        engine.tol, engine.max_iter, engine.capacity, engine.krylov,
                        engine.spectral, options, engine.time_block, engine.multi_step)
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
                    if steps <= engine.last_step and not engine.nearly_done(now - began, interval):
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
