"""Where a map or a curve runs: worker processes when that pays (and works), else threads."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from ..normmap import MapEngine
from ..options import DEFAULT_OPTIONS, EngineOptions
from .blas import configured_threads
from .map_processes import process_steps, want_processes
from .map_threads import run_steps
from . import pool as process_pool
from .pool import BrokenProcessPool

__all__ = ["default_workers", "map_steps", "prepare_map_workers", "process_count"]

log = logging.getLogger(__name__)


def default_workers(options: EngineOptions = DEFAULT_OPTIONS) -> int:
    """Threads for the engine: ``options.workers``, or the BLAS thread count configured."""
    return configured_threads() if options.workers is None else int(options.workers)


def process_count(workers: int | None, options: EngineOptions = DEFAULT_OPTIONS) -> int:
    """Worker processes for ``workers`` (None: the default, at most ``options.max_processes``:
    each holds its own interpreter and NumPy, ~60 MB)."""
    if workers is None:
        return min(default_workers(options), options.max_processes)
    return int(workers)


def map_steps(engine: MapEngine, should_stop, interval: float, workers: int | None,
              processes: bool | None,
              options: EngineOptions = DEFAULT_OPTIONS) -> Iterator[int]:
    """The engine's steps (yielding steps done about every ``interval`` seconds) in worker
    processes when :func:`.want_processes` says so, else in threads; a pool that breaks or
    shared files that cannot be written send the whole map to threads."""
    procs = process_count(workers, options)
    workers = default_workers(options) if workers is None else int(workers)
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if want_processes(engine, procs, processes, options):
        try:
            yield from process_steps(engine, procs, interval, should_stop, options)
            return
        except BrokenProcessPool as exc:  # a worker died: threads from the start
            process_pool.discard_pool(str(exc) or "a worker process ended abruptly")
            engine.work_done = 0
        except OSError as exc:  # the shared files could not be written (disk full, ...)
            log.warning("the map runs in threads: shared files failed: %s", exc)
            engine.work_done = 0
    yield from run_steps(engine, should_stop, interval, workers)


def prepare_map_workers(workers: int | None = None,
                        options: EngineOptions = DEFAULT_OPTIONS) -> bool:
    """Start the worker processes that maps will use, in the background, and return at once
    (an application calls this at start so that even its first map runs in processes).
    False when maps run in threads here (one CPU, or processes unavailable)."""
    n = process_count(workers, options)
    return n >= 2 and process_pool.get_pool(n) is not None
