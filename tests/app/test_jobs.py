"""The job runner: events reach the UI thread, superseded jobs are dropped, errors become messages."""

from __future__ import annotations

import threading

from rnnviz.app.jobs import JobRunner


def test_generator_events_arrive_in_order_then_finished(qtbot):
    runner = JobRunner()
    events = []
    runner.job_event.connect(lambda lane, job_id, payload: events.append((lane, payload)))

    def work(should_stop):
        for value in range(5):
            yield value * value

    with qtbot.waitSignal(runner.job_finished, timeout=5000) as finished:
        job_id = runner.start("lane", work)
    assert finished.args[:2] == ["lane", job_id]
    assert events == [("lane", value * value) for value in range(5)]
    assert runner.current_job_id("lane") is None
    runner.shutdown()


def test_plain_function_result_is_delivered(qtbot):
    runner = JobRunner()
    with qtbot.waitSignal(runner.job_finished, timeout=5000) as finished:
        runner.start("lane", lambda should_stop: {"answer": 42})
    assert finished.args[2] == {"answer": 42}
    runner.shutdown()


def test_superseded_job_is_stopped_and_its_events_dropped(qtbot):
    runner = JobRunner()
    release = threading.Event()
    seen_stop = threading.Event()
    events = []
    runner.job_event.connect(lambda lane, job_id, payload: events.append(payload))

    def slow(should_stop):
        yield "old-1"
        release.wait(5)
        if should_stop():
            seen_stop.set()
        yield "old-2"  # must never reach a receiver: a newer job exists

    def fast(should_stop):
        yield "new"

    runner.start("lane", slow)
    qtbot.waitUntil(lambda: events == ["old-1"], timeout=5000)
    with qtbot.waitSignal(runner.job_finished, timeout=5000):
        new_id = runner.start("lane", fast)
    release.set()
    assert seen_stop.wait(5), "the superseded job's stop flag was not set"
    runner.shutdown()
    qtbot.wait(50)
    assert events == ["old-1", "new"]
    assert runner.current_job_id("lane") is None
    assert new_id > 1


def test_error_reaches_receiver_as_one_line(qtbot):
    runner = JobRunner()

    def broken(should_stop):
        raise ZeroDivisionError("division by zero")

    with qtbot.waitSignal(runner.job_failed, timeout=5000) as failed:
        runner.start("lane", broken)
    lane, _job_id, message = failed.args
    assert lane == "lane"
    assert "ZeroDivisionError" in message and "division by zero" in message and "\n" not in message
    runner.shutdown()


def test_cancel_stops_a_running_job_without_error(qtbot):
    runner = JobRunner()
    started = threading.Event()
    stopped = threading.Event()
    failures = []
    runner.job_failed.connect(lambda *args: failures.append(args))

    def loop(should_stop):
        started.set()
        while not should_stop():
            threading.Event().wait(0.005)
        stopped.set()
        raise RuntimeError("cancelled work may raise anything")

    runner.start("lane", loop)
    assert started.wait(5)
    runner.cancel("lane")
    assert stopped.wait(5)
    assert runner.shutdown(5000)
    qtbot.wait(50)
    assert failures == []
