"""Two changes racing: only the newest configuration's results are ever shown after it."""

from __future__ import annotations

import threading
import time

import pytest

from rnnviz.app.compute import Engine
from rnnviz.core import analysis


class ScriptedEngine:
    """Real engine results, with per-seed gates that hold a computation until the test releases it."""

    def __init__(self):
        self.hold = {}            # seed -> threading.Event the run waits for
        self.map_started = {}     # seed -> threading.Event set when iter_map begins

    def run_fast(self, config, should_stop=None):
        gate = self.hold.get(config.seed)
        if gate is not None:
            gate.wait(10)
        return analysis.run_fast(config, should_stop=should_stop)

    def iter_map(self, fast, should_stop=None, **kwargs):
        self.map_started.setdefault(fast.config.seed, threading.Event()).set()
        yield from analysis.iter_map(fast, should_stop=should_stop, **kwargs)

    def engine(self) -> Engine:
        return Engine(run_fast=self.run_fast, iter_map=self.iter_map)


def _record(window):
    shown = []
    window.state.fast_result_changed.connect(lambda fast: shown.append(("fast", fast.config.seed)))
    window.state.map_result_changed.connect(
        lambda map_result: shown.append(("map", window.state.fast_result.config.seed)))
    return shown


def test_slow_old_job_finishing_late_is_never_shown(make_window, wait_results, qtbot):
    scripted = ScriptedEngine()
    window = make_window(engine=scripted.engine())
    wait_results(window)
    shown = _record(window)
    scripted.hold[1] = threading.Event()
    window.state.update(seed=1)            # slow: blocked in run_fast
    window.state.update(seed=2)            # fast: supersedes seed 1
    wait_results(window)
    assert window.state.fast_result.config.seed == 2
    scripted.hold[1].set()                 # the old job now completes ...
    window.runner.shutdown(10000)
    qtbot.wait(100)                        # ... and its queued events are delivered (and dropped)
    assert window.state.fast_result.config.seed == 2
    assert window.state.map_result.complete
    assert all(seed == 2 for _kind, seed in shown), shown


def test_result_already_queued_for_an_old_job_is_dropped(make_window, wait_results, qtbot):
    scripted = ScriptedEngine()
    window = make_window(engine=scripted.engine())
    wait_results(window)
    shown = _record(window)
    window.state.update(seed=3)
    # Wait (without processing Qt events) until seed 3's FastResult has been emitted: it now sits
    # in the event queue while the newer configuration starts.
    assert scripted.map_started.setdefault(3, threading.Event()).wait(10)
    dropped_before = window.runner.dropped_events
    window.state.update(seed=4)
    wait_results(window)
    window.runner.shutdown(10000)
    qtbot.wait(50)
    assert window.runner.dropped_events > dropped_before
    assert ("fast", 3) not in shown
    assert window.state.fast_result.config.seed == 4
    assert all(seed == 4 for _kind, seed in shown), shown


def test_dragging_the_slider_ends_on_the_last_value(make_window, wait_results):
    window = make_window()
    wait_results(window)
    start = time.perf_counter()
    for position in range(100, 1001, 30):  # 31 changes as fast as a drag
        window.controls.radius_slider.setValue(position)
    assert time.perf_counter() - start < 5.0  # the UI thread never waited for the engine
    wait_results(window)
    assert window.state.config.radius == 2.0
    assert window.state.fast_result.config.radius == 2.0
    assert window.state.map_result.complete


def test_engine_error_reaches_the_user_and_keeps_the_old_plots(make_window, wait_results, qtbot):
    def broken_run_fast(config, should_stop=None):
        if config.seed == 9:
            raise FloatingPointError("overflow in the test engine")
        return analysis.run_fast(config, should_stop=should_stop)

    window = make_window(engine=Engine(run_fast=broken_run_fast, iter_map=analysis.iter_map))
    wait_results(window)
    before = window.state.fast_result
    with qtbot.waitSignal(window.error_shown, timeout=10000) as error:
        window.state.update(seed=9)
    assert "FloatingPointError" in error.args[0] and "overflow in the test engine" in error.args[0]
    assert window.state.fast_result is before
    qtbot.waitUntil(lambda: not window.state.busy, timeout=5000)


def test_map_starts_after_the_cheap_plots_are_drawn():
    """The explore generator holds the map back until the UI says the FastResult is drawn (or the
    wait times out), so drawing does not compete with the map."""
    from rnnviz.app.compute import explore

    scripted = ScriptedEngine()
    config = analysis.ExperimentConfig(hidden_size=4, input_size=2, seq_len=6, seed=7)
    drawn = threading.Event()
    gen = explore(scripted.engine(), config, lambda: False, None, drawn)
    kind, fast = next(gen)
    assert kind == "fast"
    got = []
    worker = threading.Thread(target=lambda: got.append(next(gen)))
    worker.start()
    time.sleep(0.05)
    assert 7 not in scripted.map_started      # still waiting for the drawing
    drawn.set()
    worker.join(10)
    assert scripted.map_started[7].is_set() and got[0][0] == "map"


def test_map_wait_gives_up_when_cancelled_or_never_drawn():
    from rnnviz.app import compute
    from rnnviz.app.compute import explore

    scripted = ScriptedEngine()
    config = analysis.ExperimentConfig(hidden_size=4, input_size=2, seq_len=6, seed=8)
    gen = explore(scripted.engine(), config, lambda: False, None, threading.Event())
    next(gen)
    t0 = time.perf_counter()
    assert next(gen)[0] == "map"                 # nobody draws: the map starts after the timeout
    assert compute.DRAW_WAIT_S * 0.9 <= time.perf_counter() - t0 < compute.DRAW_WAIT_S + 5
    stop = threading.Event()
    gen = explore(scripted.engine(), config.replace(seed=9), stop.is_set, None, threading.Event())
    next(gen)
    stop.set()
    t1 = time.perf_counter()
    with pytest.raises(analysis.Cancelled):      # a superseded job does not wait out the timeout
        next(gen)
    assert time.perf_counter() - t1 < compute.DRAW_WAIT_S
