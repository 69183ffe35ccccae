"""The worker-process pool of maps and anchor curves, and where their shared files live.

The pool is started once per process (``spawn``: safe beside Qt's threads) and kept; creating it
costs a few hundred ms, so a small map uses it only once it is up (:func:`ready`) and starts it
in the background meanwhile.  Every worker runs one BLAS thread.  The pool comes with two
semaphores (:class:`HandoffSignals`), handed to its workers at start (the only way a POSIX
semaphore reaches a spawned process): :mod:`.curve_worker` signals formed chunks through one and
the worker signals its written results through the other, so the data is seen on the other side
on any CPU (a semaphore post/wait orders memory; plain stores to shared memory need not).
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
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .blas import limit_this_process

__all__ = ["RUN_PREFIX", "BrokenProcessPool", "HandoffSignals", "discard_pool", "get_pool",
           "handoff_signal",
           "main_not_imported", "pool_and_signal", "ready", "remove_orphaned_runs", "shared_dir",
           "shared_dirs", "wait_ready"]

log = logging.getLogger(__name__)

# Shared files and folders are named RUN_PREFIX + the owning process id + "-...".
RUN_PREFIX = "rnnviz-map-"

_lock = threading.Lock()
_state: dict = {"pool": None, "workers": 0, "started": [], "broken": False, "failures": 0,
                "signal": None}


@dataclass(frozen=True)
class HandoffSignals:
    """The pool's two semaphores: ``formed`` is posted by the parent for each chunk of products
    it wrote to a shared file, ``measured`` by a worker once it wrote its results there."""

    formed: Any
    measured: Any


# In a worker process: the semaphores its pool was started with (see :func:`handoff_signal`).
_worker_signal: list = []


def _init_worker(signals: HandoffSignals) -> None:
    """Worker start-up: one BLAS thread (the processes are the parallelism), the pool's hand-off
    semaphores, and a watchdog that ends the worker when its parent process is gone (killed,
    crashed): an orphaned worker would otherwise wait for work forever."""
    limit_this_process()
    _worker_signal.append(signals)
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


def pool_and_signal(workers: int):
    """``(pool, signals)``: :func:`get_pool` and the :class:`HandoffSignals` its workers were
    started with, taken together (a pool replaced in between would come with other semaphores);
    None if processes cannot be used here."""
    pool = get_pool(workers)
    with _lock:
        if pool is None or _state["pool"] is not pool:
            return None
        return pool, _state["signal"]


def handoff_signal() -> HandoffSignals:
    """In a worker process: the semaphores of its pool (see :func:`pool_and_signal`)."""
    return _worker_signal[-1]


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
            context = multiprocessing.get_context("spawn")
            signal = HandoffSignals(context.Semaphore(0), context.Semaphore(0))
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(signal,),
            )
            # One task per worker starts all of them now (the pool starts processes on demand,
            # each in the submitting thread, so this is the only place they start).
            with main_not_imported():
                started = [pool.submit(_pid) for _ in range(workers)]
        except (OSError, RuntimeError, ValueError) as exc:  # no processes in this sandbox
            log.warning("worker processes unavailable, the map runs in threads: %s", exc)
            _state["broken"] = True
            return None
        _state.update(pool=pool, workers=workers, started=started, signal=signal)
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
        _state.update(pool=None, workers=0, started=[], signal=None)


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


def remove_orphaned_runs(root: str | None = None) -> list[str]:
    """Remove the shared files of runs whose process no longer exists (it was killed before it
    could clean up); returns the directories removed."""
    removed = []
    paths = [p for base in ([root] if root else shared_dirs())
             for p in Path(base).glob(f"{RUN_PREFIX}*")]
    for path in paths:
        pid_text = path.name[len(RUN_PREFIX):].split("-", 1)[0]
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

