"""The (t0, k) map, and the anchor curve's norms, on worker processes.

The map's steps are many NumPy calls on small arrays; in threads they take turns on the
interpreter lock (measured on the explorer's default LSTM: two threads gave 1.4x one thread, and
the window's own painting competes for the same lock).  Processes have no shared lock: the
anchors are shared out over a small pool of worker processes, each running the same
:class:`~rnnviz.core.products._ProductEngine` on its share with one BLAS thread.  The Jacobians,
the result maps and a control block (cancel flag, each worker's progress) live in memory-mapped
``.npy`` files in a private temporary directory, so the parent can show partial maps while the
workers compute and nothing large is pickled.  Each worker's anchors form whole chunks of
consecutive anchors, exactly the chunks the single-process engine forms, so the numbers are
bit-for-bit those of the threaded engine.

The anchor curve's norms are measured by one worker while the calling thread forms the products
(:func:`measure_curve`, through one shared file that both keep mapped).

The pool is started once per process (``spawn``: safe beside Qt's threads) and kept; creating it
costs a few hundred ms, so :func:`products.norm_map` uses it for a small map only once it is up
(:func:`ready`) and starts it in the background meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

_lock = threading.Lock()
_state: dict = {"pool": None, "workers": 0, "started": [], "broken": False, "failures": 0}
_worker_limits: list = []  # keeps the worker's BLAS thread limit alive


def _init_worker() -> None:
    """Worker start-up: one BLAS thread (the processes are the parallelism), and a watchdog that
    ends the worker when its parent process is gone (killed, crashed): an orphaned worker would
    otherwise wait for work forever."""
    try:
        from threadpoolctl import threadpool_limits

        _worker_limits.append(threadpool_limits(limits=1, user_api="blas"))
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        pass
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), name="rnnviz-parent-watch",
                         daemon=True).start()


def _exit_with(parent) -> None:
    parent.join()  # returns when the parent process has ended
    os._exit(0)


def _pid() -> int:
    return os.getpid()


@contextlib.contextmanager
def main_not_imported():
    """While worker processes start: a spawned process imports the parent's ``__main__`` (to find
    functions defined there) unless the module names neither a spec nor a file.  The tasks of the
    map's and the sweep's pools live in rnnviz, and a user's script without an
    ``if __name__ == "__main__"`` guard must not run again in every worker, so the two attributes
    are hidden for these few milliseconds."""
    main = sys.modules.get("__main__")
    saved = {name: main.__dict__[name] for name in ("__spec__", "__file__")
             if main is not None and name in main.__dict__}
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__spec__ = None
        yield
    finally:
        if main is not None:
            main.__dict__.pop("__spec__", None)
            main.__dict__.update(saved)


def get_pool(workers: int) -> ProcessPoolExecutor | None:
    """The shared pool with ``workers`` processes (started now if needed); None if processes
    cannot be used here (then the caller computes in threads)."""
    if multiprocessing.parent_process() is not None:
        return None  # inside a worker process (of this pool or a sweep's): no pools of pools
    with _lock:
        if _state["broken"]:
            return None
        pool = _state["pool"]
        if pool is not None and _state["workers"] >= workers:
            return pool
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        try:
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
            )
            # One task per worker starts all of them now (the pool starts processes on demand,
            # each in the submitting thread, so this is the only place they start).
            with main_not_imported():
                started = [pool.submit(_pid) for _ in range(workers)]
        except (OSError, RuntimeError, ValueError) as exc:  # no processes in this sandbox
            log.warning("worker processes unavailable, the map runs in threads: %s", exc)
            _state["broken"] = True
            return None
        _state.update(pool=pool, workers=workers, started=started)
        return pool


def ready(workers: int) -> bool:
    """True when the pool has ``workers`` processes up and running."""
    with _lock:
        if _state["pool"] is None or _state["workers"] < workers or _state["broken"]:
            return False
        started = list(_state["started"])
    return all(f.done() and not f.cancelled() and f.exception() is None for f in started)


def wait_ready(workers: int, timeout: float = 30.0) -> bool:
    """Start the pool if needed and wait until its processes run; False if they cannot."""
    if get_pool(workers) is None:
        return False
    with _lock:
        started = list(_state["started"])
    done, _ = wait(started, timeout=timeout)
    if len(done) < len(started) or any(f.exception() is not None for f in done):
        discard_pool("the worker processes did not start")
        return False
    return True


def discard_pool(reason: str) -> None:
    """Drop a pool that failed (a worker died); the next map starts a new one, or, after a
    second failure, computes in threads."""
    with _lock:
        pool = _state["pool"]
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        log.warning("map worker pool discarded: %s", reason)
        _state["failures"] += 1
        _state["broken"] = _state["failures"] >= 2
        _state.update(pool=None, workers=0, started=[])


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


def shared_dirs() -> list[str]:
    """Where shared files may go, best first: ``/dev/shm`` (memory: nothing is written back to a
    disk, and pages stay mapped) when it exists, then the temporary directory."""
    dirs = [d for d in ("/dev/shm",) if os.path.isdir(d) and os.access(d, os.W_OK | os.X_OK)]
    tmp = tempfile.gettempdir()
    return dirs + [tmp] if tmp not in dirs else dirs


def shared_dir(need: int) -> str:
    """The first of :func:`shared_dirs` with twice ``need`` bytes free; OSError if none has.
    (Writing past a full tmpfs would kill the process with SIGBUS instead of raising an error.)"""
    seen = []
    for d in shared_dirs():
        free = shutil.disk_usage(d).free
        if free >= 2 * need:
            return d
        seen.append(f"{free >> 20} MB free in {d}")
    raise OSError(f"{'; '.join(seen)}, the shared files need {need >> 20} MB")


def _map_names(block_names) -> list[str]:
    """The shared result maps: the state's, then each block's, spectral and Frobenius."""
    return ["spectral", "frobenius"] + [f"{b}.{kind}" for b in block_names
                                        for kind in ("spectral", "frobenius")]


class SharedRun:
    """The files one map run shares with its workers (removed by :meth:`close`)."""

    PREFIX = "rnnviz-map-"

    def __init__(self, J: np.ndarray, starts: np.ndarray, max_k: int, block_names, workers: int):
        _remove_orphaned_runs()
        need = J.nbytes + len(_map_names(block_names)) * len(starts) * max_k * 8 + (1 << 20)
        self._dir = tempfile.TemporaryDirectory(prefix=f"{self.PREFIX}{os.getpid()}-",
                                                dir=shared_dir(need))
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


def _remove_orphaned_runs(root: str | None = None) -> list[str]:
    """Remove the shared files of runs whose process no longer exists (it was killed before it
    could clean up); returns the directories removed."""
    removed = []
    paths = [p for base in ([root] if root else shared_dirs())
             for p in Path(base).glob(f"{SharedRun.PREFIX}*")]
    for path in paths:
        pid_text = path.name[len(SharedRun.PREFIX):].split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
        except (PermissionError, OSError):
            continue  # alive (another user's process) or unknowable: leave it
    return removed


def run_part(path: str, w: int, rows: np.ndarray, max_k: int, blocks: dict, tol: float,
             max_iter: int, chunk_blocks, krylov: int, spectral: bool, publish_s: float,
             time_block: int = 1, multi_step: bool = False) -> int:
    """Worker task: the map rows ``rows`` (indices into the shared starts), published into the
    shared maps every ``publish_s`` seconds and at the end; in the parent engine's blocks of
    ``time_block`` steps, n-step GEMMs when ``multi_step`` (:meth:`_ProductEngine.steps`).
    Returns product-iterations done,
    or -1 when the run was cancelled."""
    from .products import Cancelled, _make_engine

    base = Path(path)
    J = np.load(base / "J.npy", mmap_mode="r")
    starts = np.load(base / "starts.npy")
    control = np.load(base / "control.npy", mmap_mode="r+")
    maps = {name: np.load(base / f"{name}.npy", mmap_mode="r+") for name in _map_names(blocks)}
    engine = _make_engine(J, starts[rows], max_k, blocks, tol, max_iter, chunk_blocks, krylov)
    engine.spectral = spectral
    # The parent engine's grid of blocks and GEMM choice (see _ProductEngine.steps): the numbers
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
        control[1 + 2 * w] = e  # after the data: the parent reads progress, then data

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
        if now - last >= publish_s or e > engine.last_step:
            publish(e)
            last = now
    return engine.iterations


# --------------------------------------------------------------------------- the anchor curve

# The anchor curve's products are formed by one chain of GEMMs; their norms (two thirds of the
# curve's time on the explorer's default LSTM) can be measured by a worker while the parent forms
# the next chunk and goes on with other work.  Parent and worker share one file, kept mapped in
# both so that no run pays page faults: a control block, the products, their scales and the
# results.  Control slots:
CURVE_FORMED, CURVE_CANCEL, CURVE_STARTED, CURVE_MEASURED = range(4)
_CURVE_CONTROL_BYTES = 64
# Larger curves are measured where they are formed (the file would grow beyond this).
CURVE_MAX_BYTES = 64 << 20

_arena_lock = threading.Lock()
_arena: dict = {"dir": None, "path": None, "mm": None, "busy": False, "serial": 0}
_worker_arena: dict = {}  # in a worker: path -> (mmap, file size)


def curve_layout(K: int, S: int, itemsize: int, n_blocks: int) -> dict[str, int]:
    """Byte offsets in the curve file: products (K + 1, S, S), fro_sq (K,), exp2 (K,), results
    (2 + 2·n_blocks, K) float64; every part aligned to 64 bytes.  ``"size"``: bytes in all."""
    layout, off = {}, _CURVE_CONTROL_BYTES
    for name, nbytes in (("products", (K + 1) * S * S * itemsize), ("fro_sq", 8 * K),
                         ("exp2", 8 * K), ("results", 8 * K * (2 + 2 * n_blocks))):
        layout[name] = off
        off += -(-nbytes // 64) * 64
    layout["size"] = off
    return layout


def curve_views(mm, layout: dict, K: int, S: int, dtype, n_blocks: int) -> dict[str, np.ndarray]:
    """Plain ndarray views of the curve file's parts (no memmap subclass: no per-call cost)."""
    def view(name, dt, shape):
        count = int(np.prod(shape))
        return np.frombuffer(mm, dtype=dt, count=count, offset=layout[name]).reshape(shape)

    return {"control": np.frombuffer(mm, dtype=np.int64, count=_CURVE_CONTROL_BYTES // 8),
            "products": view("products", dtype, (K + 1, S, S)),
            "fro_sq": view("fro_sq", np.float64, (K,)),
            "exp2": view("exp2", np.int64, (K,)),
            "results": view("results", np.float64, (2 + 2 * n_blocks, K))}


def acquire_curve_arena(size: int):
    """``(path, mmap)`` of this process's curve file with at least ``size`` bytes, reserved for one
    curve until :func:`release_curve_arena`; None when it is in use (another thread's curve, or a
    worker that has not yet let go of it), too large, or cannot be made (then the parent measures
    the curve itself)."""
    import mmap

    if size > CURVE_MAX_BYTES:
        return None
    with _arena_lock:
        if _arena["busy"]:
            return None
        if _arena["mm"] is None or len(_arena["mm"]) < size:
            try:
                _new_curve_file(max(size, 16 << 20), mmap)
            except OSError as exc:
                log.warning("anchor curve measured in this process: %s", exc)
                return None
        _arena["busy"] = True
        return _arena["path"], _arena["mm"]


def _new_curve_file(size: int, mmap) -> None:
    """Replace the curve file by one of ``size`` bytes, with every page touched now."""
    where = shared_dir(2 * size)
    if _arena["dir"] is None or os.path.dirname(_arena["dir"].name) != where:
        _remove_orphaned_runs()
        _arena["dir"] = tempfile.TemporaryDirectory(prefix=f"{SharedRun.PREFIX}{os.getpid()}-",
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


def release_curve_arena() -> None:
    with _arena_lock:
        _arena["busy"] = False


def _curve_file_in_worker(path: str, size: int):
    import mmap

    hit = _worker_arena.get(path)
    if hit is None or hit[1] < size:
        _worker_arena.clear()  # the parent made a new file: the old one is gone
        with open(path, "r+b") as f:
            total = os.fstat(f.fileno()).st_size
            hit = (mmap.mmap(f.fileno(), total), total)
        _worker_arena[path] = hit
    return hit[0]


def measure_curve(path: str, layout: dict, K: int, S: int, dtype: str, blocks: dict, tol: float,
                  max_iter: int, krylov: int, warm: dict, cap: int) -> int:
    """Worker task: the anchor curve's norms, chunk by chunk as the parent forms the products
    (:class:`~rnnviz.core.products._CurveMeasure`, the same chunks as in the parent, so the same
    numbers).  Returns the chunks measured, or -1 when the parent cancelled."""
    from .products import _CurveMeasure, _curve_chunks

    mm = _curve_file_in_worker(path, layout["size"])
    v = curve_views(mm, layout, K, S, np.dtype(dtype), len(blocks))
    control = v["control"]
    control[CURVE_STARTED] = 1
    meas = _CurveMeasure(K, S, dtype, blocks, tol, max_iter, krylov, warm)
    X, fro_sq, exp2 = v["products"], v["fro_sq"], v["exp2"]
    chunks = 0
    for c0, n in _curve_chunks(K, cap):
        if not _wait_at_least(control, CURVE_FORMED, c0 + n):
            return -1
        meas.measure_stack(X, fro_sq, exp2, c0, n)
        chunks += 1
    out = v["results"]
    out[0], out[1] = meas.spec, meas.fro
    for i, name in enumerate(blocks):
        out[2 + 2 * i], out[3 + 2 * i] = meas.block_out[name]
    control[CURVE_MEASURED] = 1  # after the results (x86 stores are seen in order)
    return chunks


def pause(began: float, spin_s: float = 0.005) -> None:
    """One wait of a poll of shared memory that began at ``began`` (perf_counter): a yield of the
    CPU for the first ``spin_s`` (a chunk or a result usually comes within it), then 0.2 ms."""
    time.sleep(0 if time.perf_counter() - began < spin_s else 2e-4)


def _wait_at_least(control: np.ndarray, slot: int, value: int) -> bool:
    """Wait until ``control[slot] >= value``; False if the cancel flag is set meanwhile."""
    began = time.perf_counter()
    while control[slot] < value:
        if control[CURVE_CANCEL]:
            return False
        pause(began)
    return not control[CURVE_CANCEL]


__all__ = ["BrokenProcessPool", "SharedRun", "acquire_curve_arena", "curve_layout", "curve_views",
           "discard_pool", "get_pool", "main_not_imported", "measure_curve", "pause", "ready",
           "release_curve_arena", "run_part", "share_rows", "wait_ready"]
