"""The forward part of a result first (ComputeController.forward_first): the plots that need no
gradient (gates, hidden state, spectrum) draw it while the gradients are computed; the others keep
the previous result until the whole one comes; nothing of a superseded job is ever shown; and the
views end exactly as without it."""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QEvent, QObject

from rnnviz.app.compute import Engine
from rnnviz.core import analysis

FORWARD_PANELS = {"gates", "hidden", "spectrum"}


class HeldEngine:
    """The real engine; per seed, the rest of a result (after its forward part) or the forward
    part itself can be held until the test releases it."""

    def __init__(self):
        self.after_forward = {}    # seed -> Event the rest waits for, once the forward part is out
        self.forward_out = {}      # seed -> Event set once the forward part was handed on

    def iter_fast(self, config, should_stop=None, **kwargs):
        for kind, result in analysis.iter_fast(config, should_stop=should_stop, **kwargs):
            yield kind, result
            if kind == "forward":
                self.forward_out.setdefault(config.seed, threading.Event()).set()
                if config.seed in self.after_forward:
                    self.after_forward[config.seed].wait(10)

    def engine(self) -> Engine:
        return Engine(run_fast=analysis.run_fast, iter_map=analysis.iter_map, iter_fast=self.iter_fast)


class PaintCount(QObject):
    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _forward_window(make_window, wait_results, engine=None):
    window = make_window(engine=engine) if engine is not None else make_window()
    window.compute.forward_first = True
    wait_results(window)
    return window


def test_the_forward_panels_paint_the_forward_part_before_the_whole_result(make_window, wait_results, qtbot):
    held = HeldEngine()
    window = _forward_window(make_window, wait_results, held.engine())
    old = window.state.fast_result
    gates, decay = window.panel_by_name["gates"], window.panel_by_name["decay"]
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    wait_results(window)
    paints = PaintCount(gates.graphics.viewport())
    held.after_forward[5] = threading.Event()
    window.state.update(seed=5)
    qtbot.waitUntil(lambda: window.state.forward_result is not None, timeout=10000)
    part = window.state.forward_result
    assert part.config.seed == 5 and isinstance(part, analysis.ForwardResult)
    qtbot.waitUntil(lambda: paints.count > 0, timeout=5000)   # painted while the rest is held
    for panel in window.panels:
        assert panel.fast is (part if panel.name in FORWARD_PANELS else old), panel.name
    gate = next(iter(part.gates))
    np.testing.assert_array_equal(gates.heatmaps[gate].values, np.asarray(part.gates[gate]).T)
    assert window.state.fast_result is old and decay.fast.config.seed != 5
    held.after_forward[5].set()
    wait_results(window)
    fast = window.state.fast_result
    assert fast.config.seed == 5 and fast.forward is part and window.state.forward_result is None
    for panel in window.panels:
        assert panel.fast is fast, panel.name   # the forward panels hold the whole result too
    assert fast.gates is part.gates and fast.hidden is part.hidden and fast.spectra is part.spectra


def test_a_superseded_job_never_shows_its_forward_part_or_its_result(make_window, wait_results, qtbot):
    held = HeldEngine()
    window = _forward_window(make_window, wait_results, held.engine())
    forward_seeds, fast_seeds = [], []
    window.state.forward_result_changed.connect(lambda part: forward_seeds.append(part.config.seed))
    window.state.fast_result_changed.connect(lambda fast: fast_seeds.append(fast.config.seed))
    # seed 6: its forward part is shown, then a newer change supersedes it while the rest is held
    held.after_forward[6] = threading.Event()
    window.state.update(seed=6)
    qtbot.waitUntil(lambda: forward_seeds == [6], timeout=10000)
    # seed 8: its forward part is emitted (queued for the UI thread, not yet delivered) when a newer
    # change supersedes it: it is dropped on arrival
    held.after_forward[8] = threading.Event()
    dropped = window.runner.dropped_events
    window.state.update(seed=8)
    assert held.forward_out.setdefault(8, threading.Event()).wait(10)   # (no Qt events processed)
    window.state.update(seed=7)
    wait_results(window)
    held.after_forward[6].set()
    held.after_forward[8].set()
    window.runner.shutdown(10000)
    qtbot.wait(100)     # their late events are delivered, and dropped
    assert window.runner.dropped_events > dropped
    # (seed 7's forward part may have been passed over: its whole result came before the redraw clock's tick)
    assert forward_seeds in ([6], [6, 7]) and fast_seeds == [7]
    for panel in window.panels:
        assert panel.fast.config.seed == 7, panel.name
    assert window.state.fast_result.config.seed == 7 and window.state.forward_result is None


def _views(window) -> dict:
    """Every plot's title, curves and heatmap values of every panel."""
    views = {}
    for panel in window.panels:
        for index, (plot, *_rest) in enumerate(panel._labelled):
            views[(panel.name, index, "title")] = plot.titleLabel.text
            for number, item in enumerate(plot.listDataItems()):
                x, y = item.getData()
                views[(panel.name, index, number)] = (None if x is None else np.asarray(x).copy(),
                                                      None if y is None else np.asarray(y).copy())
        for number, heatmap in enumerate(panel._heatmaps):
            views[(panel.name, "heatmap", number)] = None if heatmap.values is None else heatmap.values.copy()
    return views


def test_the_final_views_equal_those_of_whole_results(make_window, wait_results):
    first = _forward_window(make_window, wait_results)
    whole = make_window()
    wait_results(whole)
    for window in (first, whole):
        window.state.update(seed=11, radius=1.3)
        wait_results(window)
    assert first.state.fast_result.forward is not None
    a, b = _views(first), _views(whole)
    assert a.keys() == b.keys()
    for key in a:
        left, right = a[key], b[key]
        if isinstance(left, tuple):
            for one, other in zip(left, right):
                np.testing.assert_array_equal(one, other, err_msg=str(key))
        elif isinstance(left, np.ndarray):
            np.testing.assert_array_equal(left, right, err_msg=str(key))
        else:
            assert left == right, key
