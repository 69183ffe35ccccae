"""BLAS thread limits take effect from whichever thread sets them (see rnnviz.core.blas)."""

import threading

from threadpoolctl import threadpool_info, threadpool_limits

from rnnviz.core import products
from rnnviz.core.blas import take_control


def blas_threads() -> int:
    return max(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")


def test_the_single_thread_limit_holds_in_a_second_thread():
    with take_control():
        two = threadpool_limits(limits=2, user_api="blas")
    try:
        assert blas_threads() == 2, "this test needs a BLAS that can run 2 threads"
        with products.single_threaded_blas():  # this thread sets a limit first ...
            assert blas_threads() == 1
        seen = []

        def worker():  # ... then another one (the explorer's worker thread) sets its own
            with products.single_threaded_blas():
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
            with products.single_threaded_blas():
                entered.set()
                release.wait(5)
            done.set()

        t = threading.Thread(target=first)
        t.start()
        entered.wait(5)
        with products.single_threaded_blas():  # shared with the first thread's limit
            release.set()
            done.wait(5)
            assert blas_threads() == 1  # still limited: this thread is still inside
        assert blas_threads() == 2  # the last one out restored it, from its own thread
        t.join()
    finally:
        with take_control():
            two.restore_original_limits()
