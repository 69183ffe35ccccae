"""The plots hold exactly the engine's numbers, for every cell."""

from __future__ import annotations

import numpy as np
import pytest

from rnnviz.core.config import CELLS


def _xy(item):
    x, y = item.getData()
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def _same(actual, expected):
    expected = np.asarray(expected, dtype=np.float64)
    expected = np.where(np.isfinite(expected), expected, np.nan)
    actual = np.asarray(actual, dtype=np.float64)  # heatmaps hold ±inf, and draw it as NaN
    np.testing.assert_array_equal(np.where(np.isfinite(actual), actual, np.nan), expected)


@pytest.mark.parametrize("cell", CELLS)
def test_plots_hold_the_engine_numbers(make_window, wait_results, small_config, cell):
    window = make_window(config=small_config.replace(cell=cell, anchor=2, loss_placement="all"))
    wait_results(window)
    fast = window.state.fast_result
    assert fast.config.cell == cell
    panels = window.panel_by_name

    # 1 gradient decay: every curve the engine gave, nothing else.
    decay = panels["decay"]
    expected_keys = {"spectral", "frobenius", "bound", "rho"}
    if cell.startswith("lstm"):
        expected_keys |= {"hidden", "cell"}
    if "highway" in fast.curve:
        expected_keys.add("highway")
    assert set(decay.curves) == expected_keys
    x, y = _xy(decay.curves["spectral"])
    _same(x, fast.curve["k"])
    _same(y, fast.curve["log10_spectral"])
    _same(_xy(decay.curves["frobenius"])[1], fast.curve["log10_frobenius"])
    # reference lines: the engine's values wherever drawn (they are clipped to the view)
    for key, expected in (("bound", fast.bound["log10"]), ("rho", fast.bound["rho_log10"])):
        drawn = _xy(decay.curves[key])[1]
        assert np.isfinite(drawn).any()
        _same(drawn[np.isfinite(drawn)], np.asarray(expected)[np.isfinite(drawn)])
    if "hidden" in decay.curves:
        _same(_xy(decay.curves["hidden"])[1], fast.curve["hidden_spectral"])
        _same(_xy(decay.curves["cell"])[1], fast.curve["cell_spectral"])
    if "highway" in decay.curves:
        _same(_xy(decay.curves["highway"])[1], fast.curve["highway"])

    # 2 map: the image is the engine's map, drawn with x = t0 and y = k.
    flow = panels["map"]
    map_result = window.state.map_result
    assert map_result.complete
    _same(flow.heatmap.values, np.asarray(map_result.log10_spectral).T)
    flow.quantity.setCurrentIndex(1)
    _same(flow.heatmap.values, np.asarray(map_result.log10_frobenius).T)

    # 3 gates: one heatmap per gate (units x time) and the per-step statistics.
    gates = panels["gates"]
    assert set(gates.heatmaps) == set(fast.gates)
    for gate, activations in fast.gates.items():
        _same(gates.heatmaps[gate].values, np.asarray(activations).T)
        _same(_xy(gates.mean_curves[gate])[1], fast.gate_mean[gate])
        if gate in fast.gate_saturation and gate in gates.saturation_curves:
            _same(_xy(gates.saturation_curves[gate])[1], fast.gate_saturation[gate])

    # 4 BPTT: per-step norms (log10) and the itemized matrix.
    bptt = panels["bptt"]
    x, y = _xy(bptt.norm_curve)
    _same(x, np.arange(1, small_config.seq_len + 1))
    with np.errstate(divide="ignore"):
        _same(y, np.log10(fast.grad_norm_per_step))
    with np.errstate(divide="ignore"):
        _same(bptt.itemized.values, np.log10(fast.itemized))
    _same(_xy(bptt.loss_markers)[0], fast.loss_steps)

    # 5 spectrum: eigenvalues and sorted singular values of every block.
    spectrum = panels["spectrum"]
    assert len(spectrum.eigen_items) == len(fast.spectra)
    for item, curve, block in zip(spectrum.eigen_items, spectrum.singular_items, fast.spectra):
        x, y = _xy(item)
        _same(x, np.real(block.eigenvalues))
        _same(y, np.imag(block.eigenvalues))
        _same(_xy(curve)[1], np.sort(block.singular_values)[::-1])
    assert f"{fast.spectra[0].sigma_max:.4g}" in spectrum.numbers.text()

    # 6 hidden state (and cell state for LSTM variants).
    hidden = panels["hidden"]
    _same(hidden.h_map.values, np.asarray(fast.hidden).T)
    if fast.cell is None:
        assert hidden.c_map is None
    else:
        _same(hidden.c_map.values, np.asarray(fast.cell).T)


def test_truncation_window_is_shaded(make_window, wait_results, small_config):
    window = make_window(config=small_config.replace(truncate=4, loss_placement="last"))
    wait_results(window)
    bptt = window.panel_by_name["bptt"]
    assert bptt.window.isVisible()
    assert bptt.window.getRegion() == pytest.approx((small_config.seq_len - 4, small_config.seq_len))
    window.controls.truncate_check.setChecked(False)
    wait_results(window)
    assert not bptt.window.isVisible()


def test_switching_cells_rebuilds_gate_and_cell_plots(make_window, wait_results):
    window = make_window()
    wait_results(window)
    window.state.update(cell="gru")
    wait_results(window)
    assert set(window.panel_by_name["gates"].heatmaps) == {"r", "z", "n"}
    assert window.panel_by_name["hidden"].c_map is None
    assert {"hidden", "cell"}.isdisjoint(window.panel_by_name["decay"].curves)
    window.state.update(cell="lstm-cifg")
    wait_results(window)
    assert set(window.panel_by_name["gates"].heatmaps) == set(window.state.fast_result.gates)
    assert {"i", "g", "o"} <= set(window.panel_by_name["gates"].heatmaps)
    assert window.panel_by_name["hidden"].c_map is not None


def test_clicking_the_map_sets_the_anchor(make_window, wait_results, qtbot):
    from PySide6.QtCore import QPoint, QPointF, Qt

    window = make_window()
    window.show()
    wait_results(window)
    flow = window.panel_by_name["map"]
    scene_point = flow.plot.vb.mapViewToScene(QPointF(5.0, 3.0))
    view_point = flow.graphics.mapFromScene(scene_point)
    qtbot.mouseClick(flow.graphics.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(view_point.x(), view_point.y()))
    qtbot.waitUntil(lambda: window.state.config.anchor == 5, timeout=5000)
    assert window.controls.anchor_spin.value() == 5
    wait_results(window)
    assert window.state.fast_result.curve["k"][0] == 1
    assert window.state.fast_result.config.anchor == 5


def test_hover_readout_names_the_value(make_window, wait_results):
    from PySide6.QtCore import QPointF

    window = make_window()
    window.show()
    wait_results(window)
    flow = window.panel_by_name["map"]
    flow._on_mouse_moved(flow.plot.vb.mapViewToScene(QPointF(2.0, 3.0)))
    expected = window.state.map_result.log10_spectral[2, 2]
    assert "t₀ = 2, k = 3" in flow.readout.text()
    assert f"{expected:.3g}" in flow.readout.text()


def test_double_click_shows_one_plot_and_esc_all(make_window, qtbot):
    from PySide6.QtCore import Qt

    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    spectrum = window.panel_by_name["spectrum"]

    class DoubleClick:  # what pyqtgraph's scene hands to sigMouseClicked on a double click
        def double(self):
            return True

        def button(self):
            return Qt.MouseButton.LeftButton

    spectrum._on_mouse_clicked(DoubleClick())
    assert [panel.name for panel in window.panels if panel.isVisible()] == ["spectrum"]
    assert window.show_all_action.isEnabled()
    window.show_all_action.trigger()
    # every plot, but the unrolled network where three rows would not fit (see test_unrolled.py)
    shown = {panel.name for panel in window.panels if panel.isVisible()}
    assert shown == {panel.name for panel in window.panels} - set(window.grid_leaves_out())
    window.focus_plot("map")
    window.focus_plot("map")  # the same plot again: back to all
    assert {panel.name for panel in window.panels if panel.isVisible()} == shown


def test_plot_switcher_buttons_and_focus_stay_in_step(make_window, wait_results):
    window = make_window()
    wait_results(window)
    window.plot_buttons["gates"].click()
    assert [panel.name for panel in window.panels if not panel.isHidden()] == ["gates"]
    assert window.focused_plot == "gates"
    window.plot_buttons["gates"].click()           # clicking the checked button changes nothing
    assert window.focused_plot == "gates"
    window.focus_plot("bptt")                        # keyboard / double-click path
    assert window.plot_buttons["bptt"].isChecked() and not window.plot_buttons["gates"].isChecked()
    window.plot_buttons[""].click()
    assert window.focused_plot is None and all(not panel.isHidden() for panel in window.panels)
    assert window.plot_buttons[""].isChecked()


def test_presentation_mode_opens_on_one_plot_and_restores_the_view(make_window, wait_results):
    window = make_window()
    wait_results(window)
    window.set_presentation_mode(True, full_screen=False)
    assert [panel.name for panel in window.panels if not panel.isHidden()] == ["decay"]
    window.focus_plot("map")                        # the lecturer switches plots meanwhile
    window.set_presentation_mode(False, full_screen=False)
    assert window.focused_plot is None and all(not panel.isHidden() for panel in window.panels)
    window.focus_plot("spectrum")                   # a focused plot stays focused through the mode
    window.set_presentation_mode(True, full_screen=False)
    assert window.focused_plot == "spectrum"
    window.set_presentation_mode(False, full_screen=False)
    assert window.focused_plot == "spectrum"


def test_trainer_follows_presentation_mode_and_takes_the_width(make_window, wait_results):
    window = make_window()
    wait_results(window)
    trainer = window.trainer
    normal = trainer.grad_after_curve.opts["pen"].widthF()
    window.set_presentation_mode(True, full_screen=False)
    assert trainer.grad_after_curve.opts["pen"].widthF() > 2 * normal
    assert "20pt" in trainer.loss_plot.titleLabel.opts.get("size", "")
    window.set_presentation_mode(False, full_screen=False)
    assert trainer.grad_after_curve.opts["pen"].widthF() == normal
    # the explorer's docks step aside on the Trainer tab and come back after it
    window.show()
    assert window.controls_dock.toggleViewAction().isChecked()
    window.tabs.setCurrentWidget(trainer)
    assert not window.controls_dock.toggleViewAction().isChecked()
    assert not window.equations_dock.toggleViewAction().isChecked()
    window.tabs.setCurrentWidget(window.explorer)
    assert window.controls_dock.toggleViewAction().isChecked()
    assert window.equations_dock.toggleViewAction().isChecked()


def test_each_panel_paints_once_per_new_result(make_window, wait_results, qtbot):
    from PySide6.QtCore import QEvent, QObject

    from rnnviz.core.analysis import run_fast

    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    wait_results(window)

    class PaintCounter(QObject):
        def __init__(self):
            super().__init__()
            self.count = 0

        def eventFilter(self, obj, event):  # noqa: N802 (Qt naming)
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    counters = {}
    for name in ("decay", "bptt", "spectrum"):
        counters[name] = PaintCounter()
        window.panel_by_name[name].graphics.viewport().installEventFilter(counters[name])
    # The window's own first paints over before counting (under load they came late, and counted).
    quiet_since = {"counts": None, "turns": 0}

    def quiet() -> bool:
        counts = [counter.count for counter in counters.values()]
        quiet_since["turns"] = quiet_since["turns"] + 1 if counts == quiet_since["counts"] else 0
        quiet_since["counts"] = counts
        return quiet_since["turns"] >= 10   # ten polls (>= 100 ms) without a paint

    qtbot.waitUntil(quiet, timeout=10000)
    for counter in counters.values():
        counter.count = 0
    fast = run_fast(window.state.config.replace(radius=1.37))
    # what ComputeController does with a new FastResult
    window.state.set_fast_result(fast)
    window.compute.before_repaint.emit(0)
    # Each panel paints (however long a loaded machine takes), then nothing more for 200 ms.
    qtbot.waitUntil(lambda: all(counter.count >= 1 for counter in counters.values()), timeout=10000)
    qtbot.wait(200)
    # pyqtgraph would auto-range during the first paint and paint again: views settle first
    assert {name: counter.count for name, counter in counters.items()} == {
        "decay": 1, "bptt": 1, "spectrum": 1}


def test_titles_are_laid_out_only_when_they_change(make_window, wait_results, monkeypatch):
    from rnnviz.app.plots import base

    window = make_window()
    wait_results(window)
    panel = window.panel_by_name["decay"]
    calls = []
    real = base.set_plot_title
    monkeypatch.setattr(base, "set_plot_title", lambda plot, title, *a, **k: (
        calls.append(title), real(plot, title, *a, **k))[1])
    current = panel.plot.titleLabel.text
    panel.set_title(panel.plot, "Gradient decay from t₀ = 0")  # the title it already has
    assert calls == [] and panel.plot.titleLabel.text == current
    panel.set_title(panel.plot, "Gradient decay from t₀ = 7")
    assert calls == ["Gradient decay from t₀ = 7"] and "t₀ = 7" in panel.plot.titleLabel.text
    # A title set once is kept for presentation mode's restyling.
    window.set_presentation_mode(True)
    assert "t₀ = 7" in panel.plot.titleLabel.text
    window.set_presentation_mode(False)


def test_the_map_progress_restarts_at_zero_for_each_new_result(make_window, wait_results, qtbot):
    window = make_window()
    wait_results(window)
    assert window.map_progress.value() == 100
    seen = []
    window.state.fast_result_changed.connect(lambda _fast: seen.append(window.map_progress.value()))
    zero_before_map = []
    window.state.map_result_changed.connect(
        lambda _m: zero_before_map.append(window.map_progress.value()) if len(zero_before_map) == 0 else None)
    window.state.update(seed=window.state.config.seed + 1)
    wait_results(window)
    assert seen  # the new plots came
    qtbot.waitUntil(lambda: window.map_progress.value() == 100)
    assert zero_before_map and zero_before_map[0] < 100  # reset before the new map reported


def test_a_map_that_comes_with_its_plots_keeps_its_progress(make_window, wait_results, qtbot):
    """Plots and a complete map delivered in one redraw (a small map finished before the window
    drew the plots): the bar ends full, not reset to 0 by the new plots."""
    window = make_window()
    wait_results(window)
    fast, complete = window.state.fast_result, window.state.map_result
    window.state.set_fast_result(fast)
    window.state.set_map_result(complete)
    qtbot.wait(20)  # the deferred reset runs
    assert window.map_progress.value() == 100 and window.map_progress.maximum() == 100


def test_symbols_follow_the_style_from_the_size_they_were_made_with(qtbot):
    import pyqtgraph as pg

    from rnnviz.app.plots.base import NORMAL_STYLE, PRESENTATION_STYLE, restyle_symbols

    dots = pg.PlotDataItem([0, 1], [0, 1], pen=None, symbol="o", symbolSize=6)
    big = pg.PlotDataItem([0, 1], [0, 1], pen=None, symbol="o", symbolSize=10)
    line = pg.PlotDataItem([0, 1], [0, 1])  # no symbol: left alone
    scatter = pg.ScatterPlotItem(size=6)  # bare scatter items go through PlotPanel.marker
    items = [dots, big, line, scatter]
    restyle_symbols(items, PRESENTATION_STYLE)
    assert (dots.opts["symbolSize"], big.opts["symbolSize"]) == (12, 20)
    assert line.opts["symbol"] is None and scatter.opts["size"] == 6
    restyle_symbols(items, PRESENTATION_STYLE)  # again: not compounded
    assert (dots.opts["symbolSize"], big.opts["symbolSize"]) == (12, 20)
    restyle_symbols(items, NORMAL_STYLE)
    assert (dots.opts["symbolSize"], big.opts["symbolSize"]) == (6, 10)


@pytest.mark.parametrize("placement, rows", [("last", [12]), ("step", [7]), ("all", None)])
def test_the_itemized_map_shows_the_loss_steps_that_hold_data(make_window, wait_results,
                                                             small_config, placement, rows):
    window = make_window(config=small_config.replace(loss_placement=placement, loss_step=7))
    wait_results(window)
    bptt = window.panel_by_name["bptt"]
    low, high = bptt.item_plot.viewRange()[1]
    ticks = bptt.item_plot.getAxis("left")._tickLevels
    if rows is None:  # every step: all T rows, the axis's own ticks
        assert low <= 1 and high >= small_config.seq_len and ticks is None
    else:  # one loss step: its row fills the plot, with one tick at that step
        assert (low, high) == (rows[0] - 0.5, rows[-1] + 0.5)
        assert [value for value, _ in ticks[0]] == rows


def _settled(window, wait_results):
    from rnnviz.app.gallery import settle

    settle(window, wait=lambda: wait_results(window))


def _shown(make_window, wait_results, **kwargs):
    """A window at the default size, shown, with its results drawn and settled."""
    window = make_window(**kwargs)
    window.resize(1600, 1000)
    window.show()
    _settled(window, wait_results)
    return window


def test_gates_time_axis_follows_T_and_the_trained_model(make_window, wait_results):
    from rnnviz.app.gallery import HANDOFF_TEXT, trained_handoff

    window = make_window()
    window.resize(1600, 1000)
    window.show()
    gates = window.panel_by_name["gates"]
    for seq_len in (40, 8, 25):
        window.state.update(seq_len=seq_len)
        _settled(window, wait_results)
        for plot in gates._time_plots:  # every heatmap row and the mean/saturation curves
            assert plot.viewRange()[0] == pytest.approx([0.5, seq_len + 0.5])
        # the plot areas line up: step t is at the same pixel in every row
        lefts = {round(plot.vb.sceneBoundingRect().left(), 1) for plot in gates._time_plots}
        widths = {round(plot.vb.sceneBoundingRect().width(), 1) for plot in gates._time_plots}
        assert len(lefts) == 1 and len(widths) == 1
    # the hand-off arrives while the Trainer tab is shown (the explorer's panels are hidden)
    window.tabs.setCurrentWidget(window.trainer)
    assert window.open_trained_model(trained_handoff())
    _settled(window, wait_results)
    steps = len(HANDOFF_TEXT)
    for plot in gates._time_plots:
        assert plot.viewRange()[0] == pytest.approx([0.5, steps + 0.5])
    window.recompute_action.trigger()  # F5
    _settled(window, wait_results)
    assert gates._time_plots[0].viewRange()[0] == pytest.approx([0.5, steps + 0.5])


def test_decay_range_fits_the_measured_curves_and_clips_reference_lines(make_window, wait_results):
    from rnnviz.app.gallery import trained_handoff

    window = make_window()
    window.resize(1600, 1000)
    window.show()
    window.open_trained_model(trained_handoff())  # σ_max = 3: the bound climbs ~38 decades
    _settled(window, wait_results)
    decay = window.panel_by_name["decay"]
    fast = window.state.fast_result
    low, high = decay.plot.viewRange()[1]
    measured = np.concatenate([fast.curve[key] for key in ("log10_spectral", "log10_frobenius", "hidden_spectral",
                                                           "cell_spectral", "highway") if key in fast.curve])
    assert np.nanmax(fast.bound["log10"]) > high + 20  # the bound would have set the range
    assert low <= np.nanmin(measured) and high >= np.nanmax(measured)
    assert high - low < 2 * (np.nanmax(measured) - np.nanmin(measured))  # the curves fill the view
    # reference lines: exact where drawn, not drawn where they and their segments lie outside the view
    drawn = _xy(decay.curves["bound"])[1]
    exact = np.asarray(fast.bound["log10"])
    _same(drawn[np.isfinite(drawn)], exact[np.isfinite(drawn)])
    assert np.isnan(drawn[exact > high + 2 * (high - low)]).all() and np.isnan(drawn).any()


def _wheel(panel, plot, steps: int = 3):
    """A real mouse-wheel zoom over ``plot`` (what a user does)."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    centre = panel.graphics.mapFromScene(plot.vb.sceneBoundingRect().center())
    viewport = panel.graphics.viewport()
    event = QWheelEvent(QPointF(centre), QPointF(viewport.mapToGlobal(centre)), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)


def test_a_zoom_is_kept_until_fit(make_window, wait_results):
    window = _shown(make_window, wait_results)
    decay = window.panel_by_name["decay"]
    assert not decay.fit_button.isEnabled()
    fitted = decay.plot.viewRange()
    _wheel(decay, decay.plot)
    zoomed = decay.plot.viewRange()
    assert zoomed[0][1] - zoomed[0][0] < fitted[0][1] - fitted[0][0]
    assert decay.user_zoomed(decay.plot) and decay.fit_button.isEnabled()
    window.state.update(seed=window.state.config.seed + 1)  # a new result keeps the zoom
    _settled(window, wait_results)
    assert np.ravel(decay.plot.viewRange()) == pytest.approx(np.ravel(zoomed))
    window.fit_action.trigger()  # Ctrl+0, or the panel's Fit button
    _settled(window, wait_results)
    assert not decay.user_zoomed(decay.plot) and not decay.fit_button.isEnabled()
    (x0, x1), (y0, y1) = decay.plot.viewRange()
    k = window.state.fast_result.curve["k"]
    assert x0 <= k[0] and x1 >= k[-1]
    # the gates rows zoom together, and Fit brings back steps 1..T in all of them
    gates = window.panel_by_name["gates"]
    _wheel(gates, gates._time_plots[1])
    ranges = {tuple(np.round(plot.viewRange()[0], 6)) for plot in gates._time_plots}
    assert len(ranges) == 1 and ranges != {(0.5, window.state.config.seq_len + 0.5)}
    gates.fit_button.click()
    for plot in gates._time_plots:
        assert plot.viewRange()[0] == pytest.approx([0.5, window.state.config.seq_len + 0.5])


def test_the_map_keeps_a_zoom_until_fit_and_follows_T_until_zoomed(make_window, wait_results):
    window = _shown(make_window, wait_results)
    flow = window.panel_by_name["map"]

    def covers_the_triangle():
        (x0, x1), (y0, y1) = flow.plot.viewRange()
        seq_len = window.state.config.seq_len
        return x0 <= -0.5 and x1 >= seq_len - 0.5 and y0 <= 0.5 and y1 >= seq_len + 0.5

    assert covers_the_triangle()
    for seq_len in (30, 18):  # not zoomed: the view follows T up and down
        window.state.update(seq_len=seq_len)
        _settled(window, wait_results)
        assert covers_the_triangle()
    _wheel(flow, flow.plot)
    zoomed = flow.plot.viewRange()
    assert flow.user_zoomed(flow.plot) and flow.fit_button.isEnabled() and not covers_the_triangle()
    window.state.update(seed=window.state.config.seed + 1)  # a new result keeps the zoom
    _settled(window, wait_results)
    assert np.ravel(flow.plot.viewRange()) == pytest.approx(np.ravel(zoomed))
    window.state.update(seq_len=24)  # so does a new T
    _settled(window, wait_results)
    assert np.ravel(flow.plot.viewRange()) == pytest.approx(np.ravel(zoomed))
    window.fit_action.trigger()  # Ctrl+0
    _settled(window, wait_results)
    assert not flow.user_zoomed(flow.plot) and covers_the_triangle()


def test_legends_lie_beside_the_plots_and_shrink_back_after_presentation(make_window, wait_results):
    window = _shown(make_window, wait_results)
    decay, spectrum = window.panel_by_name["decay"], window.panel_by_name["spectrum"]
    # the spectrum's legend is a row below both of its plots (a block has one colour in each)
    for plots, legend in (((decay.plot,), decay.plot.legend), ((spectrum.eigen_plot, spectrum.singular_plot), spectrum.legend)):
        assert legend.items
        assert not any(legend.sceneBoundingRect().intersects(plot.vb.sceneBoundingRect()) for plot in plots)
    legend = decay.plot.legend
    height, row_height = legend.geometry().height(), legend.geometry().height() / legend.rowCount
    window.set_presentation_mode(True, full_screen=False)
    _settled(window, wait_results)
    assert legend.geometry().height() / legend.rowCount > 1.2 * row_height  # lecture-size text
    window.set_presentation_mode(False, full_screen=False)
    _settled(window, wait_results)
    assert decay.plot.legend.geometry().height() == pytest.approx(height, abs=0.5)


def test_legend_text_is_typeset(make_window, wait_results):
    import pyqtgraph as pg

    window = make_window()
    wait_results(window)
    texts = []
    for graphics in [panel.graphics for panel in window.panels] + [window.trainer.plots, window.compare.plots.graphics]:
        for item in graphics.scene().items():
            if isinstance(item, pg.LegendItem):
                texts += [label.text for _sample, label in item.items]
    assert any("Frobenius" in text for text in texts) and any("τ−k" in text for text in texts)
    for text in texts:
        assert not any(mark in text for mark in ("^", "_", "{", "}")), text


def test_readouts_keep_their_width_and_are_cleared_on_every_change(make_window, wait_results):
    window = _shown(make_window, wait_results)
    decay = window.panel_by_name["decay"]
    centre = decay.plot.vb.sceneBoundingRect().center()
    decay._on_mouse_moved(centre)
    assert "h→h" in decay.readout.text() and "highway" in decay.readout.text()
    width = decay.width()
    decay.readout.setText("k = 1   " * 60)  # far wider than the panel
    window.repaint()
    assert decay.width() == width and decay.readout.is_elided()
    assert decay.readout.toolTip() == decay.readout.text()
    decay._on_mouse_moved(centre)
    window.state.update(cell="rnn")
    assert decay.readout.text() == ""  # cleared at once, before the new result
    _settled(window, wait_results)
    decay._on_mouse_moved(centre)
    assert decay.readout.text() and "h→h" not in decay.readout.text() and "highway" not in decay.readout.text()


def test_gate_summary_ticks_keep_apart(make_window, wait_results):
    """The gates' summary row is short: its value labels are as far apart as their text needs
    (pyqtgraph's own spacing put "0.4 0.2 0 -0.2" on top of each other there)."""
    from PySide6.QtGui import QFontMetricsF

    from rnnviz.app.gallery import trained_handoff
    from rnnviz.app.plots.base import LABEL_INK_SHARE, tick_spacing

    assert tick_spacing(0.0, 1.0, 3) == 1.0 and tick_spacing(-0.5, 0.8, 4) == 0.5
    assert tick_spacing(-0.2, 0.45, 5) == 0.25 and tick_spacing(-0.5, 0.8, 1) == 1.0
    window = _shown(make_window, wait_results)
    gates = window.panel_by_name["gates"]
    for change in (lambda: window.state.update(cell="gru"), lambda: window.open_trained_model(trained_handoff()),
                   lambda: window.set_presentation_mode(True, full_screen=False)):
        change()
        if window.presentation_mode:
            window.focus_plot("gates")
        _settled(window, wait_results)
        axis = gates.summary.getAxis("left")
        low, high = gates.summary.vb.viewRange()[1]
        height = gates.summary.vb.height()
        levels = axis.tickValues(low, high, height)
        shown = sorted(value for value in levels[0][1] if low <= value <= high)
        text_height = QFontMetricsF(axis.style["tickFont"]).height()
        gaps = np.diff(shown) / (high - low) * height
        # labels this far apart do not touch (their digits take LABEL_INK_SHARE of the 0.8 line pyqtgraph lays out)
        assert shown and (gaps >= LABEL_INK_SHARE * 0.8 * text_height).all(), (shown, gaps, text_height)


def _mark_and_gap(pen) -> tuple[float, float]:
    """Length of a dashed pen's first mark and the gap after it, in pixels (caps included)."""
    from PySide6.QtCore import Qt

    width = pen.widthF()
    pattern = pen.dashPattern()
    caps = 0.0 if pen.capStyle() == Qt.PenCapStyle.FlatCap else width  # half a width at each end
    return pattern[0] * width + caps, pattern[1] * width - caps


def test_the_rho_line_stays_dotted_in_presentation_mode(make_window, wait_results):
    """ρᵏ is dotted as its legend says, at the normal and at the lecture line width: each mark a dot
    (no longer than the line is wide) with room after it; the bound beside it stays dashed."""
    from rnnviz.app.gallery import settle

    window = make_window()
    window.resize(1280, 720)
    window.show()
    wait_results(window)
    decay = window.panel_by_name["decay"]
    for on in (False, True):
        window.set_presentation_mode(on, full_screen=False)
        settle(window, wait=lambda: wait_results(window))
        assert decay.isVisible() and decay.style["line_width"] == (5.0 if on else 2.0)
        rho, bound = decay.curves["rho"], decay.curves["bound"]
        pen = rho.opts["pen"]
        assert pen.widthF() == pytest.approx(decay.style["line_width"] * 0.8)
        mark, gap = _mark_and_gap(pen)
        assert mark <= 1.01 * pen.widthF() and gap >= pen.widthF(), (on, mark, gap, pen.widthF())
        bound_mark, _gap = _mark_and_gap(bound.opts["pen"])
        assert bound_mark >= 2 * bound.opts["pen"].widthF()
        # the legend draws its sample with the curve's own pen
        sample = next(sample for sample, label in decay.plot.legend.items if sample.item is rho)
        assert sample.item.opts["pen"] == pen


def test_panels_repaint_one_per_event_loop_turn_after_a_new_result(make_window, wait_results, qtbot):
    """A new result's repaint is split by panel after a change of shape (at T = 2000 the whole
    window's took 130-250 ms in one paint): each loop turn paints one more panel, and every panel
    holds its data at once."""
    from PySide6.QtWidgets import QApplication

    from rnnviz.core.analysis import run_fast
    from tests.app.paint_log import PaintLog

    window = make_window()
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    wait_results(window)
    visible = [panel for panel in window.panels if panel.isVisible()]
    assert len(visible) >= 3
    order: list[tuple[int, str]] = []
    turn = [0]

    logs = [PaintLog(lambda name=panel.name: order.append((turn[0], name))) for panel in visible]
    for panel, log in zip(visible, logs):
        panel.graphics.viewport().installEventFilter(log)
    # a ρ step of this small configuration repaints the window at once ...
    window.state.set_fast_result(run_fast(window.state.config.replace(radius=1.17)))
    assert not window.repaints.held()
    qtbot.wait(100)
    order.clear()
    # ... a new length T (every axis laid out again) one panel after the other
    fast = run_fast(window.state.config.replace(seq_len=window.state.config.seq_len + 5))
    window.state.set_fast_result(fast)
    window.compute.before_repaint.emit(0)
    assert window.repaints.held() == visible[1:]
    # the first and the hidden panels have the data at once; each held one right before its repaint
    assert all((panel.fast is fast) == (panel not in visible[1:]) for panel in window.panels)
    for _ in range(3 * len(visible)):
        turn[0] += 1
        QApplication.processEvents()
        if not window.repaints.held():
            break
    qtbot.wait(100)
    painted = [name for _turn, name in order]
    assert set(painted) == {panel.name for panel in visible}
    per_turn = {paint_turn: [name for other, name in order if other == paint_turn] for paint_turn, _ in order}
    # One panel per turn (Qt gives a held viewport a paint now and then where a neighbour's
    # repaint overlaps it: two at most).
    assert len(per_turn) >= len(visible) - 1 and max(len(names) for names in per_turn.values()) <= 2
    assert all(painted.count(name) == 1 for name in ("decay", "bptt", "spectrum"))   # and not twice
    assert all(panel.updatesEnabled() for panel in window.panels)
    assert all(panel.fast is fast for panel in window.panels)


def test_a_new_result_releases_the_held_repaints_of_the_previous_one(make_window, wait_results):
    window = make_window()
    window.show()
    wait_results(window)
    visible = [panel for panel in window.panels if panel.isVisible()]
    window.repaints.hold(visible)
    assert not visible[-1].updatesEnabled()
    window.repaints.hold(visible[1:])       # the next result: the first of it paints at once
    assert visible[1].updatesEnabled() and not visible[-1].updatesEnabled()
    assert window.grab().width() > 0        # a picture of the window has every panel in it
    assert all(panel.updatesEnabled() for panel in window.panels) and not window.repaints.held()


def test_a_cell_shown_before_gets_its_gate_and_cell_rows_back_not_new_ones(make_window, wait_results):
    """LSTM -> Elman -> LSTM: the LSTM's gate rows and cell-state row come back (building them
    again stalled the UI thread up to 545 ms), in the layout, with the new result's data, in the
    style of the moment (presentation mode was switched on meanwhile)."""
    window = make_window()
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    gates, hidden = window.panel_by_name["gates"], window.panel_by_name["hidden"]
    lstm_rows, c_plot = list(gates._gate_plots), hidden.c_plot
    normal_pt = gates.style["font_pt"]
    window.state.update(cell="rnn")
    wait_results(window)
    assert gates.note is not None and not gates.heatmaps and hidden.c_plot is None
    assert all(plot.scene() is None for plot in lstm_rows + [c_plot])
    window.set_presentation_mode(True, full_screen=False)
    window.state.update(cell="lstm", seed=4)
    wait_results(window)
    fast = window.state.fast_result
    assert gates._gate_plots == lstm_rows and hidden.c_plot is c_plot
    assert all(plot.scene() is gates.graphics.scene() for plot in lstm_rows)
    assert c_plot.scene() is hidden.graphics.scene()
    assert gates.note is None or gates.note.scene() is None
    for gate, heatmap in gates.heatmaps.items():
        np.testing.assert_array_equal(heatmap.values, np.asarray(fast.gates[gate]).T)
    np.testing.assert_array_equal(hidden.c_map.values, np.asarray(fast.cell).T)
    for panel, plot in ((gates, lstm_rows[0]), (hidden, c_plot)):
        window.focus_plot(panel.name)   # (a plot presentation mode hides takes its style when shown)
        assert panel.isVisible() and panel.presentation
        tick_font = plot.getAxis("left").style["tickFont"]
        assert tick_font is not None and tick_font.pointSize() == panel.style["font_pt"]
    assert gates.style["font_pt"] != normal_pt or not window.panel_by_name["gates"].presentation_fits()
    for plot in lstm_rows + [c_plot]:   # no boundary line left behind on the rows put aside
        assert len([item for item in plot.items if type(item).__name__ == "InfiniteLine"]) <= 1


def test_loss_markers_lie_under_the_curve_they_mark(make_window, wait_results, small_config):
    """With the loss on every one of 120 steps, 6-pixel dots 2-3 pixels apart hid the curve when drawn over it."""
    window = make_window(config=small_config.replace(seq_len=120))
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    bptt = window.panel_by_name["bptt"]
    (low, high), width = bptt.norm_plot.vb.viewRange()[0], bptt.norm_plot.vb.width()
    assert width / (high - low) < bptt.loss_markers.opts["size"]   # the case: the dots overlap
    assert bptt.loss_markers.zValue() < bptt.norm_curve.zValue()
    assert bptt.loss_markers.zValue() > bptt.window.zValue()   # still over the truncation window


def test_the_gates_title_names_the_layer_of_a_stacked_or_bidirectional_network(make_window, wait_results):
    """The gate rows show layer 1 (its forward direction): with more layers, or two directions,
    the title says which (at either width of its text), and a one-layer network's title stays."""
    window = _shown(make_window, wait_results)
    gates = window.panel_by_name["gates"]

    def title() -> str:
        return gates._gate_plots[0].titleLabel.item.toPlainText()

    assert title() == "Gates (units × time)"
    window.state.update(num_layers=2)
    _settled(window, wait_results)
    assert "layer 1" in title() and "forward" not in title()
    window.state.update(bidirectional=True)
    _settled(window, wait_results)
    assert "layer 1" in title() and "forward" in title()
    window.resize(1280, 720)
    _settled(window, wait_results)
    assert "layer 1" in title() and "forward" in title()
    window.state.update(num_layers=1, bidirectional=False)
    _settled(window, wait_results)
    assert title() == "Gates (units × time)"
