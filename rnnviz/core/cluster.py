"""Sweeps on a Dask distributed cluster: the same per-point function as a local sweep, run by
``distributed.Client(ADDRESS)`` on the cluster's workers.

Dask is an optional extra (``pip install 'rnnviz[cluster]'``) and is imported only here, only when a
scheduler address is given, never by ``import rnnviz``. :func:`connect` reaches the scheduler with a
timeout before any work starts, so an address that cannot be reached costs one ConfigError line.

:func:`iter_cluster_sweep` behaves like :func:`rnnviz.core.sweep.iter_sweep`: a
:class:`~rnnviz.core.sweep.SweepProgress` per finished run, the :class:`~rnnviz.core.sweep.SweepResult`
last, ``should_stop()`` polled about every ``poll_seconds``. Results are placed by run index, never
by arrival order, and every run limits BLAS to one thread as a local worker does, so the CSVs are
byte-identical to those of a local run. The workers must have rnnviz (the same version) installed:
they import :func:`_cluster_run` by name.
"""
from __future__ import annotations

import asyncio
import contextlib
import math
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import numpy as np

from .cancel import Cancelled
from .config import ConfigError
from .parallel.blas import single_threaded_blas

__all__ = ["INSTALL_HINT", "CONNECT_TIMEOUT", "require_distributed", "connect", "iter_cluster_sweep"]

INSTALL_HINT = "pip install 'rnnviz[cluster]'"
#: Seconds to wait for the scheduler before giving up (no work has started then).
CONNECT_TIMEOUT = 10.0
#: Runs in flight per worker thread: enough to keep the workers busy, few enough that a cancel
#: leaves little queued work behind.
RUNS_PER_THREAD = 2
#: A running run asks whether its sweep was cancelled at most this often (seconds).
STOP_CHECK_SECONDS = 0.5


def require_distributed():
    """The ``distributed`` module, or ConfigError naming the extra that installs it."""
    try:
        import distributed
    except ImportError:
        raise ConfigError("running a sweep on a Dask cluster needs Dask distributed: {INSTALL_HINT}", INSTALL_HINT=INSTALL_HINT) from None
    return distributed


def connect(address: str, timeout: float | None = None):
    """A ``distributed.Client`` connected to the scheduler at ``address`` (``tcp://host:port`` or
    ``host:port``); ConfigError with one line if the address is malformed or does not answer within
    ``timeout`` seconds (default CONNECT_TIMEOUT). The client is not made Dask's default: close it
    when done."""
    timeout = CONNECT_TIMEOUT if timeout is None else float(timeout)
    text = str(address).strip()
    if not text:
        raise ConfigError("no Dask scheduler address given (e.g. tcp://host:8786)")
    distributed = require_distributed()
    problem = None
    try:
        # A plain connection first: a Client that failed to connect leaves a half-made object whose
        # finaliser blocks and complains later; this probe fails cleanly.
        asyncio.run(_probe(distributed, text, timeout))
    except (OSError, TimeoutError) as error:
        problem = f"cannot reach the Dask scheduler at {text}: {_first_line(error)}"
    except (ValueError, TypeError) as error:
        problem = f"not a Dask scheduler address: {text!r} ({_first_line(error)})"
    if problem is None:
        try:
            return distributed.Client(text, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as error:  # it went away between the probe and the client
            problem = f"cannot reach the Dask scheduler at {text}: {_first_line(error)}"
    # raised outside the except blocks, so that no traceback keeps a half-made client alive
    raise ConfigError(problem)


async def _probe(distributed, address: str, timeout: float) -> None:
    comm = await distributed.comm.connect(address, timeout=timeout)
    await comm.close()


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _cluster_run(config, metrics, threshold, lyapunov_count, stop_name: str) -> dict[str, float]:
    """One run on a worker: :func:`.sweep.measure` with one BLAS thread, stopping when the sweep's
    stop event is set."""
    from distributed import Event

    from .sweep import measure

    stop = Event(stop_name)
    last_check = [-math.inf]  # the first check asks

    def should_stop() -> bool:
        # Asking is a round trip to the scheduler: at most every STOP_CHECK_SECONDS.
        now = time.monotonic()
        if now - last_check[0] < STOP_CHECK_SECONDS:
            return False
        last_check[0] = now
        return stop.is_set()

    # One BLAS thread while this run (and any other on the worker's threads) is in progress.
    with single_threaded_blas():
        return measure(config, metrics, threshold, lyapunov_count, should_stop=should_stop)


def _check_status(future, index: int, client, distributed) -> None:
    """ConfigError with one line if the cluster, not the run itself, failed run ``index``."""
    address = getattr(client.scheduler, "address", "?")
    if future.status == "error":
        error = future.exception()
        if isinstance(error, distributed.KilledWorker):
            raise ConfigError("run {index} of the sweep killed Dask workers of the cluster at {address} (out of memory?): {value5}", index=index, address=address, value5=_first_line(error))
        return  # the run's own exception: future.result() raises it
    if future.status != "finished":
        raise ConfigError("the Dask cluster at {address} dropped run {index} ({status}); has its scheduler stopped?", address=address, index=index, status=future.status)


def _worker_threads(client) -> int:
    try:
        return max(1, sum(client.nthreads().values()))
    except (OSError, TimeoutError):  # pragma: no cover - the scheduler went away just after connecting
        return 1


def iter_cluster_sweep(spec, scheduler, *, should_stop: Callable[[], bool] | None = None,
                       poll_seconds: float = 0.1, timeout: float | None = None) -> Iterator:
    """Run every grid point and seed of ``spec`` on the cluster of ``scheduler`` (an address, or a
    connected ``distributed.Client`` that the caller keeps and closes); see the module docstring.

    Cancelling (``should_stop()`` true, or closing the generator) cancels the queued runs, tells the
    running ones to stop at their next check and raises Cancelled, as a local sweep does.
    """
    from .sweep import SweepProgress, SweepResult

    if not getattr(spec, "_validated", False):
        spec.validate()
    own_client = isinstance(scheduler, str)
    client = connect(scheduler, timeout) if own_client else scheduler
    distributed = require_distributed()
    runs = spec.runs()
    total = len(runs)
    columns = spec.metric_columns
    values = {c: np.full((spec.num_points, spec.seeds), np.nan) for c in columns}
    arguments = (spec.metrics, float(spec.threshold), spec.lyapunov_count)
    stop_name = f"rnnviz-sweep-stop-{uuid.uuid4().hex}"
    ready = threading.Event()  # set by Dask's callback thread whenever a run finishes

    def stopped() -> bool:
        return should_stop is not None and bool(should_stop())

    pending: dict = {}   # future -> run index
    stop_event = None
    clean = False
    start = time.perf_counter()
    try:
        stop_event = distributed.Event(stop_name, client=client)
        threads = _worker_threads(client)
        in_flight = max(2, RUNS_PER_THREAD * threads)
        next_run = done = 0
        while next_run < total or pending:
            while next_run < total and len(pending) < in_flight:
                point, seed_index, config = runs[next_run]
                # pure=False: every run is its own task, even if two configurations compare equal
                future = client.submit(_cluster_run, config, *arguments, stop_name, pure=False,
                                       key=f"rnnviz-sweep-run-{next_run}-{uuid.uuid4().hex[:8]}")
                future.add_done_callback(lambda _future: ready.set())
                pending[future] = next_run
                next_run += 1
            if stopped():
                raise Cancelled("sweep cancelled")
            ready.wait(poll_seconds)
            ready.clear()
            finished = [future for future in pending if future.done()]
            for future in sorted(finished, key=pending.__getitem__):
                index = pending.pop(future)
                _check_status(future, index, client, distributed)
                metrics = future.result()  # a run's own error is raised here, as locally
                point, seed_index, _ = runs[index]
                for c in columns:
                    values[c][point, seed_index] = metrics[c]
                done += 1
                yield SweepProgress(done, total, point, seed_index, metrics)
        clean = True
    finally:
        try:
            # Best effort, and only while the scheduler answers: a lost cluster has nothing to stop,
            # and the error that ended the sweep must not be replaced by one of these calls.
            if not clean and client.status == "running":
                with contextlib.suppress(OSError, TimeoutError):
                    if stop_event is not None:
                        stop_event.set()
                    if pending:
                        client.cancel(list(pending))
        finally:
            pending.clear()
            if own_client:
                client.close()
    result = SweepResult(spec, values, seconds=time.perf_counter() - start, workers=threads)
    yield SweepProgress(total, total, result=result)
