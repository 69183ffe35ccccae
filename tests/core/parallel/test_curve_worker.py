"""The anchor curve with its norms measured by a worker process: the same numbers as in one
thread, and every way the hand-over can fail ends with those numbers too."""

import threading
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pytest

from rnnviz.core import analysis, curve, products
from rnnviz.core.parallel import curve_worker, schedule
from rnnviz.core.parallel import pool as process_pool
from rnnviz.core.products import Cancelled, EngineOptions, anchor_curve, start_anchor_curve

# A loaded test machine may take a while to hand the task over: wait for it, so that the tests
# that expect the worker to measure do not depend on the machine's load.
PATIENT = EngineOptions(curve_start_wait_s=10.0)
# ~9 products of 24 x 24 per chunk: the curves below span several chunks.
SMALL_CHUNKS = EngineOptions(curve_start_wait_s=10.0, curve_chunk_bytes=9 * 24 * 24 * 8)

BLOCKS = {"hidden": slice(0, 12), "cell": slice(12, 24)}


def stack(T, S, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    J = rng.standard_normal((T, S, S)) / np.sqrt(S)
    J[:, S // 2:, S // 2:] += np.eye(S - S // 2) * 0.5  # an LSTM-like cell block
    return J.astype(dtype)


def same_curves(a, b):
    np.testing.assert_array_equal(a.k, b.k)
    np.testing.assert_array_equal(a.log10_spectral, b.log10_spectral)
    np.testing.assert_array_equal(a.log10_frobenius, b.log10_frobenius)
    assert a.blocks.keys() == b.blocks.keys()
    for name in a.blocks:
        for x, y in zip(a.blocks[name], b.blocks[name]):
            np.testing.assert_array_equal(x, y)


@pytest.fixture
def pool():
    if not process_pool.wait_ready(2):
        pytest.fail("worker processes could not be started on this machine")
    return process_pool.get_pool(2)


def wait_until_the_file_is_free():
    deadline = time.monotonic() + 5
    while curve_worker.arena_busy() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not curve_worker.arena_busy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("t0, blocks", [(0, BLOCKS), (5, BLOCKS), (0, None), (37, BLOCKS)])
def test_a_worker_measures_the_numbers_of_one_thread_bit_for_bit(pool, dtype, t0, blocks):
    J = stack(40, 24, seed=1, dtype=dtype)
    here = anchor_curve(J, t0, blocks=blocks, processes=False, options=SMALL_CHUNKS)
    job = start_anchor_curve(J, t0, blocks=blocks, processes=True, options=SMALL_CHUNKS)
    there = job.result()
    assert job.in_worker
    same_curves(here, there)
    assert np.isfinite(there.log10_spectral).all()


def test_other_work_can_run_while_the_worker_measures(pool):
    J = stack(60, 24, seed=2)
    job = start_anchor_curve(J, 3, blocks=BLOCKS, processes=True, options=PATIENT)
    other = np.linalg.svd(J[0])  # the caller's own work meanwhile
    assert other[1].shape == (24,)
    same_curves(job.result(), anchor_curve(J, 3, blocks=BLOCKS, processes=False))
    assert job.in_worker
    assert job.result() is not None  # asking again gives the same result


def test_busy_workers_mean_the_curve_is_measured_here(pool):
    J = stack(50, 24, seed=3)
    busy = [pool.submit(time.sleep, 1.0) for _ in range(2)]
    try:
        job = start_anchor_curve(J, 0, blocks=BLOCKS, processes=True)  # waits 5 ms at most
        result = job.result()
        assert not job.in_worker
        same_curves(result, anchor_curve(J, 0, blocks=BLOCKS, processes=False))
    finally:
        for f in busy:
            f.result()
    # The worker that got the task afterwards gave up at once and freed the shared file.
    wait_until_the_file_is_free()
    job = start_anchor_curve(J, 0, blocks=BLOCKS, processes=True, options=PATIENT)
    job.result()
    assert job.in_worker


class ThreadExecutor:
    """Stands in for the process pool: runs the task in a thread of this process, so that a
    failure can be injected with monkeypatch."""

    def __init__(self):
        self.threads = []

    def submit(self, fn, *args):
        future = Future()

        def run():
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to the future
                future.set_exception(exc)

        t = threading.Thread(target=run)
        self.threads.append(t)
        t.start()
        return future


@pytest.mark.parametrize("failure", [RuntimeError("measure failed"),
                                     BrokenProcessPool("worker died")])
def test_a_failing_worker_means_the_curve_is_measured_here(pool, monkeypatch, caplog, failure):
    J = stack(40, 24, seed=4)
    expected = anchor_curve(J, 0, blocks=BLOCKS, processes=False, options=SMALL_CHUNKS)
    calls = []
    real_measure = curve.CurveMeasure.measure

    def measure(self, *args):
        calls.append(threading.current_thread().name)
        if len(calls) == 2:
            raise failure
        return real_measure(self, *args)

    discarded = []
    executor = ThreadExecutor()
    signals = process_pool.HandoffSignals(threading.Semaphore(0), threading.Semaphore(0))
    monkeypatch.setattr(curve.CurveMeasure, "measure", measure)
    monkeypatch.setattr(process_pool, "pool_and_signal", lambda n: (executor, signals))
    monkeypatch.setattr(process_pool, "handoff_signal", lambda: signals)
    monkeypatch.setattr(process_pool, "discard_pool", discarded.append)
    job = start_anchor_curve(J, 0, blocks=BLOCKS, processes=True, options=SMALL_CHUNKS)
    executor.threads[0].join()  # the worker has failed before the result is asked for
    result = job.result()
    assert not job.in_worker
    same_curves(result, expected)
    assert "measured in this process" in caplog.text
    assert len(discarded) == (1 if isinstance(failure, BrokenProcessPool) else 0)
    assert not curve_worker.arena_busy()


def test_cancelling_stops_the_worker_and_frees_the_shared_file(pool):
    J = stack(40, 24, seed=5)
    job = start_anchor_curve(J, 0, blocks=BLOCKS, processes=True, options=SMALL_CHUNKS)
    job.cancel()
    wait_until_the_file_is_free()
    with pytest.raises(Cancelled):
        start_anchor_curve(J, 0, blocks=BLOCKS, processes=True,
                           options=SMALL_CHUNKS).result(should_stop=lambda: True)
    wait_until_the_file_is_free()
    job = start_anchor_curve(J, 0, blocks=BLOCKS, processes=True, options=SMALL_CHUNKS)
    same_curves(job.result(), anchor_curve(J, 0, blocks=BLOCKS, processes=False,
                                           options=SMALL_CHUNKS))
    assert job.in_worker


def test_curves_from_two_threads_at_once_are_both_right(pool):
    Js = [stack(50, 24, seed=10 + i) for i in range(2)]
    expected = [anchor_curve(J, 0, blocks=BLOCKS, processes=False) for J in Js]
    results = [None, None]

    def run(i):
        for _ in range(5):
            results[i] = anchor_curve(Js[i], 0, blocks=BLOCKS, processes=True, options=PATIENT)
            same_curves(results[i], expected[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r, e in zip(results, expected):
        same_curves(r, e)


def test_small_curves_and_no_pool_stay_in_this_thread(pool, monkeypatch):
    J = stack(10, 8, seed=6)
    two = EngineOptions(workers=2, curve_start_wait_s=10.0)
    assert not start_anchor_curve(J, 0, options=two).in_worker  # 2·S³·K = 1e4 flops: not worth it
    two_any = EngineOptions(workers=2, curve_start_wait_s=10.0, curve_process_min_flops=0.0)
    job = start_anchor_curve(J, 0, options=two_any)
    job.result()
    assert job.in_worker
    monkeypatch.setattr(process_pool, "ready", lambda n: False)
    job = start_anchor_curve(J, 0, options=two_any)
    job.result()
    assert not job.in_worker
    monkeypatch.setattr(process_pool, "ready", lambda n: True)
    job = start_anchor_curve(J, 0, options=EngineOptions(workers=1, curve_process_min_flops=0.0))
    job.result()
    assert not job.in_worker  # one CPU: nothing runs beside this thread


def test_run_fast_gives_the_same_results_with_a_worker(pool, monkeypatch):
    config = analysis.ExperimentConfig(hidden_size=24, seq_len=40, anchor=2)
    monkeypatch.setattr(schedule, "configured_threads", lambda: 1)
    here = analysis.run_fast(config)
    monkeypatch.setattr(schedule, "configured_threads", lambda: 2)
    jobs = []
    real_start = analysis.start_anchor_curve
    monkeypatch.setattr(analysis, "start_anchor_curve",
                        lambda *a, **k: jobs.append(real_start(*a, **k)) or jobs[-1])
    there = analysis.run_fast(config, options=EngineOptions(curve_process_min_flops=0.0,
                                                            curve_start_wait_s=10.0))
    assert jobs and jobs[0].in_worker
    assert here.curve.keys() == there.curve.keys()
    for key in here.curve:
        np.testing.assert_array_equal(here.curve[key], there.curve[key])
    np.testing.assert_array_equal(here.itemized, there.itemized)


def test_run_fast_cancelled_during_bptt_stops_the_worker(pool, monkeypatch):
    config = analysis.ExperimentConfig(hidden_size=24, seq_len=40)
    monkeypatch.setattr(schedule, "configured_threads", lambda: 2)
    checks = []

    def should_stop():
        checks.append(1)
        return len(checks) >= 3  # after the Jacobians: while the worker measures

    with pytest.raises(Cancelled):
        analysis.run_fast(config, should_stop=should_stop,
                          options=EngineOptions(curve_process_min_flops=0.0))
    wait_until_the_file_is_free()


def test_the_shared_file_goes_to_memory_when_it_can(pool):
    J = stack(40, 24, seed=7)
    anchor_curve(J, 0, processes=True)
    assert curve_worker.arena_path().startswith(process_pool.shared_dirs()[0])


@pytest.mark.parametrize("failure", [None, BrokenProcessPool("pool broke"),
                                     RuntimeError("cannot schedule new futures after shutdown")])
def test_a_pool_that_goes_away_before_the_hand_over_means_this_thread(pool, monkeypatch, failure):
    class Gone:
        def submit(self, *args):
            raise failure

    monkeypatch.setattr(process_pool, "pool_and_signal",
                        lambda n: None if failure is None else (Gone(), process_pool.HandoffSignals(
                            threading.Semaphore(0), threading.Semaphore(0))))
    J = stack(30, 24, seed=8)
    job = start_anchor_curve(J, 0, blocks=BLOCKS, processes=True)
    assert not job.in_worker  # computed here, already complete
    same_curves(job.result(), anchor_curve(J, 0, blocks=BLOCKS, processes=False))
    assert not curve_worker.arena_busy()


def test_the_results_come_through_the_shared_file_not_the_pool(pool, monkeypatch):
    """The waiting thread learns of the worker's results from the ``measured`` post and reads them
    from the file: a pool that has not yet delivered the task's return value does not hold it up."""
    futures = []

    class LateExecutor:
        def submit(self, fn, *args):
            future = Future()
            futures.append(future)

            def run():
                value = fn(*args)
                time.sleep(0.5)   # the pool's result queue, slow to deliver the return value
                future.set_result(value)

            threading.Thread(target=run, daemon=True).start()
            return future

    signals = process_pool.HandoffSignals(threading.Semaphore(0), threading.Semaphore(0))
    monkeypatch.setattr(process_pool, "pool_and_signal", lambda n: (LateExecutor(), signals))
    monkeypatch.setattr(process_pool, "handoff_signal", lambda: signals)
    J = stack(40, 24, seed=11)
    job = start_anchor_curve(J, 0, blocks=BLOCKS, processes=True, options=SMALL_CHUNKS)
    result = job.result()
    assert job.in_worker and not futures[0].done()
    same_curves(result, anchor_curve(J, 0, blocks=BLOCKS, processes=False, options=SMALL_CHUNKS))
    futures[0].result(timeout=5)
    wait_until_the_file_is_free()


def test_a_post_left_by_a_curve_not_waited_for_is_not_taken_for_the_next(pool):
    """A curve cancelled after its worker had posted its results leaves that post behind; the
    next curve's waiting thread must wait for its own worker, not read the old numbers."""
    first, second = stack(40, 24, seed=12), stack(40, 24, seed=13)
    job = start_anchor_curve(first, 0, blocks=BLOCKS, processes=True, options=SMALL_CHUNKS)
    future = job._worker[0]
    assert future.result(timeout=10) is True   # measured and posted, not collected
    job.cancel()
    wait_until_the_file_is_free()
    job = start_anchor_curve(second, 0, blocks=BLOCKS, processes=True, options=SMALL_CHUNKS)
    result = job.result()
    assert job.in_worker
    same_curves(result, anchor_curve(second, 0, blocks=BLOCKS, processes=False, options=SMALL_CHUNKS))


def test_back_to_back_curves_all_go_to_the_worker(pool):
    """The worker's post says it is done with the shared file: the next curve takes the file at
    once, without waiting for the pool to report the task done (a slider dragged fast)."""
    for seed in range(14, 20):
        J = stack(40, 24, seed=seed)
        job = start_anchor_curve(J, 0, blocks=BLOCKS, processes=True, options=SMALL_CHUNKS)
        result = job.result()
        assert job.in_worker
        same_curves(result, anchor_curve(J, 0, blocks=BLOCKS, processes=False, options=SMALL_CHUNKS))


def test_run_fast_hands_the_curve_to_a_worker_once_the_jacobians_exist(pool, monkeypatch):
    """The measuring task is submitted when the products are formed (after the Jacobians), once,
    and the worker's curve and BPTT are those of one thread bit for bit."""
    config = analysis.ExperimentConfig(hidden_size=24, seq_len=40, anchor=2)
    monkeypatch.setattr(schedule, "configured_threads", lambda: 1)
    here = analysis.run_fast(config)
    monkeypatch.setattr(schedule, "configured_threads", lambda: 2)
    booked, real_book = [], curve_worker.book_worker

    def book(*args, **kwargs):
        booking = real_book(*args, **kwargs)
        booked.append((time.perf_counter(), booking))
        return booking

    monkeypatch.setattr(curve_worker, "book_worker", book)
    options = EngineOptions(curve_process_min_flops=0.0, curve_start_wait_s=10.0)
    there = analysis.run_fast(config, options=options)
    assert len(booked) == 1 and booked[0][1] is not None
    ends = there.stage_ends
    assert booked[0][0] > ends["jacobians"]
    assert ends["curve process took it up"] < ends["curve process posted"] <= ends["curve measured"]
    for key in here.curve:
        np.testing.assert_array_equal(here.curve[key], there.curve[key])
    np.testing.assert_array_equal(here.itemized, there.itemized)
