"""BLAS thread limits take effect from whichever thread sets them, and the engine limits BLAS
only while it computes."""

import os
import threading

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from rnnviz.core.parallel.blas import configured_threads, single_threaded_blas, take_control
from rnnviz.core.products import iter_norm_map, norm_map


def blas_threads() -> int:
    return max(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")


def test_the_single_thread_limit_holds_in_a_second_thread():
    with take_control():
        two = threadpool_limits(limits=2, user_api="blas")
    try:
        assert blas_threads() == 2, "this test needs a BLAS that can run 2 threads"
        with single_threaded_blas():  # this thread sets a limit first ...
            assert blas_threads() == 1
        seen = []

        def worker():  # ... then another one (the explorer's worker thread) sets its own
            with single_threaded_blas():
                seen.append(blas_threads())
            seen.append(blas_threads())

        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert seen == [1, 2]
        assert blas_threads() == 2
    finally:
        with take_control():
            two.restore_original_limits()


def test_a_limit_opened_in_one_thread_is_closed_by_another():
    with take_control():
        two = threadpool_limits(limits=2, user_api="blas")
    try:
        entered, release, done = threading.Event(), threading.Event(), threading.Event()

        def first():
            with single_threaded_blas():
                entered.set()
                release.wait(5)
            done.set()

        t = threading.Thread(target=first)
        t.start()
        entered.wait(5)
        with single_threaded_blas():  # shared with the first thread's limit
            release.set()
            done.wait(5)
            assert blas_threads() == 1  # still limited: this thread is still inside
        assert blas_threads() == 2  # the last one out restored it, from its own thread
        t.join()
    finally:
        with take_control():
            two.restore_original_limits()


def random_stack(T, S, seed=0):
    return np.random.default_rng(seed).standard_normal((T, S, S)) / np.sqrt(S)


def test_blas_threads_are_limited_only_while_steps_run():
    def blas_threads():
        return [p["num_threads"] for p in threadpool_info()
                if p["user_api"] == "blas"]

    before = blas_threads()
    seen = []
    J = random_stack(12, 5, seed=16)
    norm_map(J, progress=lambda f: seen.append(blas_threads()))
    assert blas_threads() == before
    assert all(s == before for s in seen)  # callbacks run with the caller's settings
    for _ in iter_norm_map(J, interval=0.0):
        assert blas_threads() == before  # the consumer runs between steps


def test_overlapping_maps_restore_the_blas_threads_once_all_are_done():
    def blas_threads():
        return [p["num_threads"] for p in threadpool_info()
                if p["user_api"] == "blas"]

    before = blas_threads()
    J = random_stack(20, 8, seed=18)
    reference = norm_map(J, workers=1)
    a_inside, b_inside, a_done = threading.Event(), threading.Event(), threading.Event()
    results, errors = {}, []

    def hook(mine: threading.Event, wait_for: threading.Event):
        def should_stop():
            if not mine.is_set():
                mine.set()
                assert wait_for.wait(10.0)
            return False
        return should_stop

    def run(name, should_stop, before_start=None):
        try:
            if before_start is not None:
                assert before_start.wait(10.0)
            results[name] = norm_map(J, workers=2, should_stop=should_stop)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            if name == "a":
                a_done.set()

    # Non-nested order: A starts, B starts, A finishes, B finishes.
    ta = threading.Thread(target=run, args=("a", hook(a_inside, b_inside)))
    tb = threading.Thread(target=run, args=("b", hook(b_inside, a_done), a_inside))
    ta.start()
    tb.start()
    ta.join()
    tb.join()
    assert not errors
    assert blas_threads() == before
    for nm in results.values():
        np.testing.assert_allclose(nm.log10_frobenius, reference.log10_frobenius, atol=1e-12)


def test_the_configured_count_is_the_one_a_limit_replaced():
    with take_control():
        two = threadpool_limits(limits=2, user_api="blas")
    try:
        assert configured_threads() == min(2, os.cpu_count())
        with single_threaded_blas():
            assert blas_threads() == 1
            assert configured_threads() == min(2, os.cpu_count())  # not the 1 of the limit
    finally:
        with take_control():
            two.restore_original_limits()
