"""Time left on the map's bar and the sweep's: from elapsed time, smoothed, hidden while unknown."""
from __future__ import annotations

from rnnviz.app.eta import EtaEstimator, format_time_left


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_unknown_until_the_job_has_run_a_little():
    clock = FakeClock()
    eta = EtaEstimator(min_elapsed=0.5, min_fraction=0.02, clock=clock)
    assert eta.update(0.5) is None           # not started
    eta.start()
    clock.now += 0.2
    assert eta.update(0.3) is None           # too early to tell
    clock.now += 0.8
    assert eta.update(0.01) is None          # too little done
    assert eta.update(1.0) == 0.0


def test_steady_rate_gives_the_true_time_left_and_a_burst_does_not_make_it_jump():
    clock = FakeClock()
    eta = EtaEstimator(smoothing=0.3, clock=clock)
    eta.start()
    lefts = []
    for step in range(1, 11):               # 10 % per second
        clock.now += 1.0
        lefts.append(eta.update(step / 20))  # 5 % per second: 20 s in all
    assert abs(lefts[-1] - 10.0) < 1e-9
    assert all(a > b for a, b in zip(lefts, lefts[1:]))      # counts down
    clock.now += 0.1
    after_burst = eta.update(0.8)            # a quick chunk: 80 % done after 10.1 s (raw estimate 2.5 s)
    assert after_burst > 5.0                 # moved towards it, did not jump there


def test_format():
    assert format_time_left(None) == "" and format_time_left(0.0) == ""
    assert format_time_left(0.3) == "1 s left"
    assert format_time_left(12.4) == "12 s left"
    assert format_time_left(130.0) == "2 min 10 s left"
    assert format_time_left(124.0) == "2 min left"
    assert format_time_left(14 * 60 + 10) == "14 min left"
    assert format_time_left(3900) == "1 h 05 min left"


def test_map_bar_shows_the_time_left_once_known(make_window):
    window = make_window()
    clock = FakeClock()
    window.map_eta.clock = clock
    window.map_eta.start()
    window.state.map_progress.emit(0.1)
    assert window.map_progress.format() == "map %p%"         # unknown yet: no time shown
    clock.now += 2.0
    window.state.map_progress.emit(0.25)
    assert window.map_progress.format() == "map %p% · 6 s left" and window.map_progress.value() == 25
    window.state.map_progress.emit(1.0)
    assert window.map_progress.format() == "map %p%"


def test_sweep_bar_shows_runs_and_time_left(make_window):
    from rnnviz.app.panels.experiments import SWEEP_LANE
    from rnnviz.core.sweep import SweepProgress

    panel = make_window().experiments
    clock = FakeClock()
    panel.eta.clock = clock
    panel.eta.start()
    panel._on_event(SWEEP_LANE, 1, SweepProgress(done=0, total=189))
    assert panel.progress.format() == "0/189 runs"
    clock.now += 10.0
    panel._on_event(SWEEP_LANE, 1, SweepProgress(done=110, total=189))
    assert panel.progress.format() == "110/189 runs · 7 s left"
