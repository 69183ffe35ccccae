"""Everything about threads, worker processes, shared memory and BLAS limits for the engine.

This package imports the engine (:mod:`rnnviz.core.normmap`, :mod:`rnnviz.core.curve`) and runs
it; the engine never imports it (an import-linter contract in pyproject.toml says so).

* :mod:`.blas` — BLAS thread limits (the only place that sets them).
* :mod:`.pool` — the worker-process pool, its hand-off semaphore, shared-file folders.
* :mod:`.map_threads` — the (t0, k) map on threads.
* :mod:`.map_processes` — the (t0, k) map on worker processes through shared files.
* :mod:`.curve_worker` — the anchor curve's norms measured by a worker process.
* :mod:`.schedule` — which of these runs a map.
"""
