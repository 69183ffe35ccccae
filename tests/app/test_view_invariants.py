"""Every visible plot tells the truth after every transition of a matrix of changes.

After each transition (T up and down, cell changes, presets, the trained model's hand-off, F5, each
plot shown alone and all again, presentation mode on and off at 1280×720 and 1600×1000) every
visible plot's view covers the data it holds, no legend covers curve points, no text is cut, no
heatmap is a strip, and -- after a change of configuration -- no read-out keeps an old value.
The checks are ``rnnviz.app.plots.invariants``; ``rnnviz screenshot --gallery`` renders the same
matrix as pictures (``rnnviz.app.gallery``).
"""

from __future__ import annotations

import pytest

from rnnviz.core.analysis import ExperimentConfig

from rnnviz.app.gallery import TRANSITIONS, settle
from rnnviz.app.main_window import PRESENTATION_FONT_PT
from rnnviz.app.plots.invariants import explorer_scroll_problems, small_text_problems, status_bar_problems, view_problems


def _hover_every_panel(window) -> list[str]:
    """Fill each visible panel's read-out, as a mouse resting on its first plot would; then give it
    a text far longer than its line. Returns the panels whose size or plots moved (a read-out has a
    fixed width: it never widens its panel or squeezes its neighbours)."""
    from PySide6.QtWidgets import QApplication

    shown = [panel for panel in window.panels if panel.isVisible() and panel._hover]
    before = {panel.name: (panel.geometry(), panel.graphics.geometry()) for panel in shown}
    for panel in shown:
        plot = panel._hover[0][0]
        panel._on_mouse_moved(plot.vb.sceneBoundingRect().center())
    QApplication.instance().processEvents()
    moved = [name for name, geometry in before.items()
             if (window.panel_by_name[name].geometry(), window.panel_by_name[name].graphics.geometry()) != geometry]
    hovered = {panel.name: panel.readout.text() for panel in shown}
    for panel in shown:
        if hovered[panel.name].strip():
            panel.readout.setText(hovered[panel.name] + " · " + "a long read-out, " * 40)
    QApplication.instance().processEvents()
    moved += [name for name, geometry in before.items()
              if (window.panel_by_name[name].geometry(), window.panel_by_name[name].graphics.geometry()) != geometry]
    for panel in shown:
        readout = panel.readout
        if readout.text().strip() and readout.width() > panel.width():
            moved.append(f"{panel.name} (read-out wider than its panel)")
        if hovered[panel.name].strip():
            panel.readout.setText(hovered[panel.name])
    return sorted(set(moved))


@pytest.fixture(params=["en", "zh_CN"])
def language(request, qapp):
    """The interface in English, then in Simplified Chinese (its menus, buttons and status bar are
    taller: the plots have less room), English again afterwards."""
    from rnnviz.app.i18n import ENGLISH, install_language

    install_language(request.param, qapp)
    yield request.param
    install_language(ENGLISH, qapp)


def test_every_view_holds_its_data_after_every_transition(language, make_window, wait_results):
    window = make_window(config=TRANSITIONS.start_config)
    window.resize(1600, 1000)
    window.show()
    # laid out before the first hover (a layout still settling is not a read-out moving it)
    settle(window, wait=lambda: wait_results(window))
    failures = []
    hovered = set()
    for transition in TRANSITIONS.steps:
        moved = _hover_every_panel(window)
        failures += [f"before {transition.name}: a read-out moved {name}" for name in moved]
        hovered.update(panel.name for panel in window.panels if panel.readout.text().strip())
        transition.apply(window)
        settle(window, wait=lambda: wait_results(window))
        problems = view_problems(window.panels, readouts=transition.changes_config)
        failures += [f"after {transition.name}: {problem}" for problem in problems]
        failures += [f"after {transition.name}: {problem}" for problem in status_bar_problems(window.statusBar())]
        failures += [f"after {transition.name}: {problem}" for problem in explorer_scroll_problems(window)]
        if window.presentation_mode and window.controls_dock.isVisible():   # the dock's text enlarged too
            failures += [f"after {transition.name}: controls: {problem}"
                         for problem in small_text_problems(window.controls_dock, PRESENTATION_FONT_PT)]
    # every plot with a read-out had something to clear, after some transition
    assert hovered == {panel.name for panel in window.panels if panel._hover}
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("language", ["en", "zh_CN"], indirect=True)
def test_every_tab_shows_its_data_whole_at_both_sizes(make_window, wait_results, language):
    """The Experiments tab after a sweep, Compare with two pins, the Trainer after a short real run
    (and beside the Lessons dock): at 1280×720 and 1600×1000, presentation off and on, every plot
    covers its data, no legend covers curves, no title, axis label, label or button text is cut,
    and the Trainer's Start button is in view without scrolling; in English and in Chinese (where
    the loss legend's two rows beside the Lessons dock at 1280×720 were 54 % of its plot)."""
    from rnnviz.app.gallery import SIZES, pin_two, run_gallery_sweep, run_gallery_training
    from rnnviz.app.lessons import load_lesson
    from rnnviz.app.plots.invariants import tab_problems

    window = make_window(config=TRANSITIONS.start_config)
    window.resize(*SIZES[-1])
    window.show()
    settle(window, wait=lambda: wait_results(window))
    pin_two(window)
    run_gallery_sweep(window)
    run_gallery_training(window, epochs_spin=1, snapshot_spin=5)
    trainer = window.trainer
    assert window.experiments.plot.plot.listDataItems() and len(window.compare.plots.decay_curves) == 2
    assert trainer.train_curve.getData()[0].size > 20 and trainer.flow_grad_curve.getData()[0].size > 0
    failures = []
    for lessons in (False, True):
        if lessons:
            window.show_lesson(load_lesson("11", language))
        tabs = [window.trainer] if lessons else [window.experiments, window.compare, window.trainer]
        for tab in tabs:
            window.tabs.setCurrentWidget(tab)
            for width, height in SIZES:
                for on in (False, True):
                    window.resize(width, height)
                    window.set_presentation_mode(on, full_screen=False)
                    settle(window, wait=lambda: wait_results(window))
                    state = f"{width}x{height}, presentation {'on' if on else 'off'}{', lessons' if lessons else ''}"
                    failures += [f"{state}: {problem}" for problem in tab_problems(window)]
                    if tab is trainer:
                        start = trainer.start_button
                        bottom = start.mapTo(window, start.rect().bottomLeft()).y()
                        if start.visibleRegion().isEmpty() or bottom > window.height():
                            failures.append(f"{state}: Start is not in view")
                        if trainer.loss_plot.legend.columnCount < 2:
                            failures.append(f"{state}: the loss legend is one column")
            window.set_presentation_mode(False, full_screen=False)
    assert not failures, "\n".join(failures)


def test_every_tab_ends_in_one_style_whatever_the_order_of_presentation_and_tab(make_window, wait_results):
    """Presentation mode turned on (or off) while a tab is shown, or while another tab is shown and
    then the tab: at 1280×720 and 1600×1000 each tab's plots end in the same style (their tick and
    legend text sizes and pen widths). At 1280×720 the Trainer took the compact lecture style when
    presentation was turned on over it, and the normal one when turned on over the Explorer: the
    compact style was refused on legends measured before the plots were laid out in it."""
    from rnnviz.app.gallery import SIZES
    from rnnviz.app.plots.invariants import plot_styles, style_differences

    window = make_window(config=TRANSITIONS.start_config)
    window.resize(*SIZES[-1])
    window.show()
    settle(window, wait=lambda: wait_results(window))

    def step(action) -> None:
        action()
        settle(window, wait=lambda: wait_results(window))

    def present(on: bool):
        return lambda: window.set_presentation_mode(on, full_screen=False)

    failures = []
    tabs = [window.tabs.widget(index) for index in range(window.tabs.count())]
    for width, height in SIZES:
        step(lambda: window.resize(width, height))
        for tab in tabs:
            other = window.trainer if tab is window.explorer else window.explorer
            name = f"{width}x{height}, {tab.objectName()}"
            # the reference: presentation turned on, then off, while the tab is shown
            step(lambda: window.tabs.setCurrentWidget(tab))
            step(present(True))
            shown_on = plot_styles(tab)
            step(present(False))
            shown_off = plot_styles(tab)
            # the same, while another tab is shown
            step(lambda: window.tabs.setCurrentWidget(other))
            step(present(True))
            step(lambda: window.tabs.setCurrentWidget(tab))
            failures += [f"{name}, on over another tab: {problem}"
                         for problem in style_differences(shown_on, plot_styles(tab))]
            step(lambda: window.tabs.setCurrentWidget(other))
            step(present(False))
            step(lambda: window.tabs.setCurrentWidget(tab))
            failures += [f"{name}, off over another tab: {problem}"
                         for problem in style_differences(shown_off, plot_styles(tab))]
    assert not failures, "\n".join(failures)


def test_zero_gradients_leave_no_scatter_of_nans(make_window, wait_results, small_config):
    """All weights zero: every ‖∂L/∂hₜ‖ is 0, which has no place on a log axis. The BPTT plot's
    loss-step markers and the unrolled overview's step markers (a few steps: one on each) then hold
    no points (not one NaN each, which pyqtgraph warns about, "All-NaN slice encountered", each time
    it takes their bounds), through changes of ρ too. (The unrolled tab is not shown: its panel is
    checked alone, as its data are set while hidden.)"""
    import warnings

    from rnnviz.app.plots.invariants import nan_scatter_problems

    window = make_window(config=small_config.replace(init_scale=0.0))
    window.resize(1280, 720)
    window.show()
    bptt, unrolled = window.panel_by_name["bptt"], window.panel_by_name["unrolled"]
    problems = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for radius in (1.0, 0.9, 1.1):
            window.state.update(radius=radius)
            settle(window, wait=lambda: wait_results(window))
            assert window.state.fast_result.grad_norm_per_step.max() == 0.0
            problems += nan_scatter_problems(bptt.norm_plot) + nan_scatter_problems(unrolled.overview)
            problems += view_problems(window.panels)
    assert not problems, "\n".join(problems)
    assert not [str(w.message) for w in caught if "All-NaN" in str(w.message)]
    for item in (bptt.loss_markers, unrolled.overview_curve):
        x = item.getData()[0]
        assert x is None or len(x) == 0


@pytest.mark.parametrize("language", ["en", "zh_CN"], indirect=True)
def test_the_spectrum_numbers_show_every_row_among_all_plots(language, make_window, wait_results):
    """The configuration the window opens with (an LSTM: four blocks), all plots at the normal size,
    on both screens' window sizes: the spectrum's numbers table shows its four rows without a
    scroll bar (at 1584×952 it showed three, 9 px hidden in English and 25 px in Chinese, with the
    plots above it at least 170 px high)."""
    from rnnviz.app.plots.invariants import hidden_rows_problems
    from rnnviz.core.analysis import ExperimentConfig

    window = make_window(config=ExperimentConfig())
    window.show()
    spectrum = window.panel_by_name["spectrum"]
    failures = []
    for size in ((1600, 1000), (1584, 952), (1280, 720), (1264, 672)):
        window.resize(*size)
        settle(window, wait=lambda: wait_results(window))
        assert spectrum.isVisible() and len(spectrum.spectra) == 4
        failures += [f"{size}: {problem}" for problem in hidden_rows_problems(spectrum)]
    assert not failures, "\n".join(failures)


def test_aspect_problems_flag_plots_far_wider_or_taller_than_their_data(qapp):
    """An aspect-locked plot (the eigenvalues' unit circle) whose area is far wider, or far taller,
    than its data need is flagged; a square one is not (only "too wide" was checked before)."""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.plots.invariants import aspect_problems

    widget = pg.PlotWidget()
    plot = widget.getPlotItem()
    plot.setAspectLocked(True)
    angle = np.linspace(0.0, 2.0 * np.pi, 361)
    plot.plot(np.cos(angle), np.sin(angle))
    widget.show()
    found = {}
    for size in ((600, 150), (150, 600), (300, 300)):
        widget.resize(*size)
        plot.autoRange()
        QApplication.instance().processEvents()
        found[size] = aspect_problems(plot)
    widget.close()
    assert "wide empty margins" in " ".join(found[(600, 150)])
    assert "far taller than wide" in " ".join(found[(150, 600)])
    assert found[(300, 300)] == []


def test_a_network_beyond_the_curve_budget_says_so(make_window, wait_results, monkeypatch):
    """Eight layers whose step Jacobians fill the anchor curve's flop budget after 10 of 40 steps (8
    LSTM layers of 64 kept 18 of 100 steps, and the curves stopped at k = 18 without a word): the
    decay plot's title says k ≤ 10 and why, the map shows and names the steps it covers (not a
    corner of a 40-step view), and every view is true, in all plots and with the spectrum alone."""
    from rnnviz.core import analysis
    from rnnviz.app.plots.invariants import view_problems

    config = ExperimentConfig(cell="lstm", hidden_size=4, input_size=4, num_layers=8, seq_len=40)
    state = config.net.state_size
    monkeypatch.setattr(analysis, "CURVE_FLOPS", 10 * 2.0 * state ** 3)
    window = make_window(config=config)
    window.resize(1600, 1000)
    window.show()
    settle(window, wait=lambda: wait_results(window))
    fast = window.state.fast_result
    assert (fast.jacobian_start, fast.jacobians.shape[0]) == (0, 10) and int(fast.curve["k"].max()) == 10
    decay, flow_map, spectrum = (window.panel_by_name[name] for name in ("decay", "map", "spectrum"))
    # the whole title, or its short form where the plot is too narrow for it
    assert "k ≤ 10 (time budget)" in decay.plot.titleLabel.text
    assert "steps 0–9" in flow_map.plot.titleLabel.text and "time budget" in flow_map.plot.titleLabel.text
    (x0, x1), (y0, y1) = flow_map.plot.vb.viewRange()
    assert -1.0 <= x0 and x1 <= 10.0 and y1 <= 11.0
    problems = view_problems(window.panels)
    # 32 blocks among all plots: one row per gate, the largest numbers over the layers
    assert spectrum.table_layout[1] and spectrum.numbers.text().count("L1–L8") == 4
    window.focus_plot("spectrum")
    settle(window, wait=lambda: wait_results(window))
    problems += view_problems(window.panels, readouts=False)
    assert not spectrum.table_layout[1] and spectrum.numbers.text().count("weight_hh_l") == 32  # every block
    assert not problems, "\n".join(problems)


def test_the_spectrum_numbers_never_scroll_after_wider_numbers_and_a_smaller_window(make_window, wait_results):
    """The gallery's path: the window as it opens on a 1600×1000 screen, wider numbers for a while
    (ρ = 1.2: the table keeps the widest width it has shown), then 1280×720. The table fits the
    panel's width, yet a vertical scroll bar shown during the resize narrowed its view, a sideways
    bar then took 14 px of its height, and each kept the other."""
    from rnnviz.app.main_window import window_size_on_screen
    from rnnviz.app.plots.invariants import hidden_rows_problems, sideways_problems

    window = make_window(config=ExperimentConfig())
    window.resize(*window_size_on_screen(1600, 1000))
    window.show()
    spectrum = window.panel_by_name["spectrum"]
    for radius in (1.2, 1.0):
        window.state.update(radius=radius)
        settle(window, wait=lambda: wait_results(window))
    window.resize(1280, 720)
    settle(window, wait=lambda: wait_results(window))
    assert spectrum.isVisible()
    assert spectrum.numbers.width() <= spectrum.numbers_area.width()
    problems = hidden_rows_problems(spectrum) + sideways_problems(spectrum)
    assert not problems, "\n".join(problems)


def test_text_over_curve_problems_flag_a_label_on_the_line_between_points(qapp):
    """A line's label whose filled background lies on a curve is flagged, also where no point of the
    curve falls under it (only its line between two points); moved off the curve, it is not."""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.plots.invariants import text_over_curve_problems, visible_plots

    widget = pg.PlotWidget()
    plot = widget.getPlotItem()
    plot.plot(np.array([0.0, 10.0]), np.array([0.0, 0.0]))   # two points, a line between them
    plot.setRange(xRange=(0, 10), yRange=(-1, 1), padding=0)
    line = pg.InfiniteLine(pos=5.0, angle=90, label="← encoder   decoder →",
                           labelOpts={"position": 0.5, "anchors": [(0.5, 0.5), (0.5, 0.5)], "fill": pg.mkBrush("w")})
    plot.addItem(line, ignoreBounds=True)
    widget.resize(400, 200)
    widget.show()
    QApplication.instance().processEvents()
    on_line = text_over_curve_problems(widget, visible_plots(widget))
    line.label.setPosition(0.9)
    QApplication.instance().processEvents()
    off_line = text_over_curve_problems(widget, visible_plots(widget))
    widget.close()
    assert "'← encoder   decoder →' lies on" in " ".join(on_line)
    assert off_line == []


def test_legend_samples_show_the_dashes_of_thick_dashed_lines(qapp):
    """At the lecture line width pyqtgraph's 20 px sample of a dashed line is solid (Qt's dashes are
    four pen widths long): the check flags it; the explorer's sample (LineSample) shows dashes and
    dots at every width, and a solid line stays one stroke."""
    import pyqtgraph as pg

    from rnnviz.app.plots.base import LineSample, ShortSample, styled_pen
    from rnnviz.app.plots.invariants import _painted_runs, legend_sample_problems

    legend = pg.LegendItem()
    for style in ("dash", "dot"):
        legend.addItem(pg.PlotDataItem(pen=styled_pen("#000000", 5.0, style)), f"pyqtgraph {style}")
    assert len(legend_sample_problems(legend)) == 1   # pyqtgraph's dots (round caps, 12 px apart) show
    assert "'pyqtgraph dash'" in legend_sample_problems(legend)[0]
    for sample_type in (LineSample, ShortSample):
        ours = pg.LegendItem(sampleType=sample_type)
        for style in ("dash", "dot"):
            ours.addItem(pg.PlotDataItem(pen=styled_pen("#000000", 6.0, style)), style)
        ours.addItem(pg.PlotDataItem(pen=styled_pen("#000000", 6.0)), "solid")
        assert legend_sample_problems(ours) == []
        assert _painted_runs(ours.items[-1][0]) == 1


def test_tick_label_problems_flag_overlapping_labels_a_signed_zero_and_a_lone_label(qapp):
    """The tick-label check flags labels of one axis that run into each other, a "-0", and a value
    axis of varying data with one label; well-spaced ticks of the cached axis pass."""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.plots.axis import cached_axes
    from rnnviz.app.plots.base import space_value_ticks
    from rnnviz.app.plots.invariants import tick_label_problems

    widget = pg.PlotWidget(plotItem=pg.PlotItem(axisItems=cached_axes()))
    plot = widget.getPlotItem()
    plot.plot(np.arange(50.0), np.linspace(-0.1, 0.1, 50))
    plot.setYRange(-0.1, 0.1, padding=0)
    widget.resize(400, 140)
    widget.show()
    QApplication.instance().processEvents()
    axis = plot.getAxis("left")

    def problems(ticks=None):
        axis.setTicks(ticks)
        QApplication.instance().processEvents()
        return " ".join(tick_label_problems(plot))

    assert "overlap" in problems([[(0.0, "0"), (0.002, "0.002")]])
    assert "a zero with a sign" in problems([[(-0.05, "-0.05"), (0.0, "-0"), (0.05, "0.05")]])
    assert "1 tick label(s)" in problems([[(0.0, "0")]])
    axis.setTicks(None)
    space_value_ticks(plot)
    assert problems() == ""
    widget.close()


def test_an_empty_plot_must_say_why(qapp):
    """A plot whose curve holds only NaNs (log10 of gradients that are exactly 0) is flagged until a
    note in its plot area says why it is empty (rnnviz.app.plots.base.EmptyNote)."""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.plots.base import EmptyNote
    from rnnviz.app.plots.invariants import empty_plot_problems

    widget = pg.PlotWidget()
    plot = widget.getPlotItem()
    curve = plot.plot(np.arange(10.0), np.full(10, np.nan))
    widget.resize(400, 200)
    widget.show()
    QApplication.instance().processEvents()
    assert "shows no data and does not say why" in " ".join(empty_plot_problems(widget, [plot]))
    note = EmptyNote(plot)
    note.set_text("All gradients are exactly 0")
    QApplication.instance().processEvents()
    # said, but its y axis still labels values that no curve holds (pyqtgraph's 0 … 1 of no data)
    assert [problem for problem in empty_plot_problems(widget, [plot]) if "no curve holds one" in problem]
    note.set_text("")
    note = EmptyNote(plot, bare_axes=("left",))
    note.set_text("All gradients are exactly 0")
    QApplication.instance().processEvents()
    assert empty_plot_problems(widget, [plot]) == []
    assert plot.getAxis("bottom").style["showValues"]   # the steps t the curve is laid out along
    assert plot.vb.sceneBoundingRect().contains(note.item.sceneBoundingRect().center())
    note.set_text("")
    curve.setData(np.arange(10.0), np.ones(10))
    assert empty_plot_problems(widget, [plot]) == [] and not note.item.isVisible()
    widget.close()


def test_an_aspect_locked_steady_view_keeps_its_target_not_the_widened_range(qapp):
    """The eigenvalues' view (aspect locked, steady on both axes) is kept against the range it
    asked for, not the range widened to the view's shape: resized back and forth and refitted, it
    no longer grows (eigenvalues within ±1 stood under ±2.2), and it shrinks when the data do."""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.plots.invariants import aspect_problems
    from rnnviz.app.plots.steady import SteadyViewBox

    widget = pg.PlotWidget(plotItem=pg.PlotItem(viewBox=SteadyViewBox(steady_x=True)))
    plot = widget.getPlotItem()
    plot.setAspectLocked(True)
    angle = np.linspace(0.0, 2.0 * np.pi, 361)
    circle = plot.plot(np.cos(angle), np.sin(angle))
    widget.show()
    for size in ((300, 300), (330, 220), (220, 330), (330, 220), (220, 330), (300, 300)):
        widget.resize(*size)
        QApplication.instance().processEvents()
        plot.vb.enableAutoRange()
        plot.vb.updateAutoRange()
        QApplication.instance().processEvents()
    (x0, x1), (y0, y1) = plot.vb.viewRange()
    assert max(x1 - x0, y1 - y0) < 2.0 / 0.75 and aspect_problems(plot) == []   # a fresh fit: ±1.1
    circle.setData(3.0 * np.cos(angle), 3.0 * np.sin(angle))
    plot.vb.updateAutoRange()
    circle.setData(np.cos(angle), np.sin(angle))
    plot.vb.updateAutoRange()
    QApplication.instance().processEvents()
    (x0, x1), (y0, y1) = plot.vb.viewRange()
    assert min(x1 - x0, y1 - y0) < 2.0 / 0.6 and aspect_problems(plot) == []
    widget.close()


def test_stacked_heatmaps_of_unequal_height_are_flagged(qapp):
    """Two heatmaps stacked in one column of a plot widget, the upper one sharing its row's height
    with a title (as the gates' first row did): the lower heatmap is flagged; a third beside them
    in another column is compared with none, and rows alike high pass."""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.plots.invariants import stacked_heatmap_problems

    widget = pg.GraphicsLayoutWidget()
    plots = []
    for row, title in ((0, "Gates"), (1, None)):
        plot = widget.addPlot(row=row, col=0, title=title)
        plot.addItem(pg.ImageItem(np.random.default_rng(row).random((8, 20))))
        plots.append(plot)
    beside = widget.addPlot(row=0, col=1, rowspan=2)
    beside.addItem(pg.ImageItem(np.ones((4, 4))))
    widget.resize(600, 400)
    widget.show()
    QApplication.instance().processEvents()
    problems = stacked_heatmap_problems(plots + [beside])
    assert len(problems) == 1 and "plot 'Gates'" in problems[0]
    plots[0].setTitle(None)
    QApplication.instance().processEvents()
    assert stacked_heatmap_problems(plots + [beside]) == []
    widget.close()


def test_bars_are_covered_and_their_base_is_labelled(qapp):
    """Bars take part in the coverage check (their rectangles), and a value axis that does not
    label the bars' base (0) is flagged: the Compare tab's gate means showed 0.2…0.8 only."""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.plots.axis import cached_axes
    from rnnviz.app.plots.invariants import bar_base_problems, coverage_problems, data_rect

    widget = pg.PlotWidget(axisItems=cached_axes())
    plot = widget.getPlotItem()
    plot.showGrid(x=True, y=True, alpha=0.25)   # as the app's plots: pyqtgraph then drops end labels
    bars = pg.BarGraphItem(x=np.arange(4.0), height=np.array([0.5, 0.72, -0.004, 0.5]), width=0.4)
    plot.addItem(bars)
    rect = data_rect(bars)
    assert [rect.left(), rect.right(), rect.top(), rect.bottom()] == pytest.approx([-0.2, 3.2, -0.004, 0.72])
    widget.resize(300, 160)
    widget.show()
    plot.setXRange(-0.6, 3.6, padding=0)
    plot.setYRange(-0.004, 1.0, padding=0.02)
    QApplication.instance().processEvents()
    assert coverage_problems(plot) == []
    assert "base (0) has no label" in " ".join(bar_base_problems(plot))
    plot.getAxis("left").labels_inside = True
    plot.getAxis("left").picture = None
    QApplication.instance().processEvents()
    assert bar_base_problems(plot) == []
    plot.setYRange(0.3, 1.0, padding=0)
    QApplication.instance().processEvents()
    assert "hides part of its data" in " ".join(coverage_problems(plot))
    widget.close()


def test_the_compare_gate_means_label_their_base_at_both_sizes(make_window, wait_results):
    """The Compare tab's gate means with two pins: their value axis labels 0 (and the plot passes
    every view check), at 1280×720 and 1600×1000, presentation mode off and on."""
    from rnnviz.app.gallery import SIZES, pin_two
    from rnnviz.app.plots.invariants import bar_base_problems, panel_problems

    window = make_window(config=TRANSITIONS.start_config)
    window.show()
    settle(window, wait=lambda: wait_results(window))
    pin_two(window)
    window.tabs.setCurrentWidget(window.compare)
    gates = window.compare.plots.gates
    assert len(window.compare.plots.gate_bars) == 2
    failures = []
    for width, height in SIZES:
        for on in (False, True):
            window.resize(width, height)
            window.set_presentation_mode(on, full_screen=False)
            settle(window, wait=lambda: wait_results(window))
            failures += [f"{width}x{height} presentation {on}: {problem}"
                         for problem in bar_base_problems(gates) + panel_problems(window.compare.plots, readouts=False)]
    window.set_presentation_mode(False, full_screen=False)
    assert not failures, "\n".join(failures)


def test_a_heatmap_of_one_colour_says_what_it_shows(qapp):
    """A heatmap whose every cell has one colour (every hₜ exactly 0) is flagged until a text in its
    plot area says what value that is; a Heatmap with a note says it itself, and no more once its
    cells differ."""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from rnnviz.app.plots.base import EmptyNote, Heatmap
    from rnnviz.app.plots.invariants import empty_plot_problems

    widget = pg.PlotWidget()
    plot = widget.getPlotItem()
    heatmap = Heatmap(plot, "CET-D1", "hₜ", symmetric=True, min_half_range=1e-3)
    heatmap.set_data(np.zeros((6, 12)))
    widget.resize(400, 200)
    widget.show()
    QApplication.instance().processEvents()
    assert "one colour" in " ".join(empty_plot_problems(widget, [plot]))
    heatmap.note = EmptyNote(plot)
    heatmap.set_data(np.zeros((6, 12)))
    QApplication.instance().processEvents()
    assert heatmap.note.text() == "Every cell is 0" and empty_plot_problems(widget, [plot]) == []
    heatmap.set_data(np.random.default_rng(0).normal(size=(6, 12)))
    QApplication.instance().processEvents()
    assert heatmap.note.text() == "" and empty_plot_problems(widget, [plot]) == []
    heatmap.set_data(np.full((6, 12), 0.5) + np.random.default_rng(1).normal(scale=1e-9, size=(6, 12)))
    assert heatmap.note.text() == "Every cell is 0.5"   # one colour, not one value: to 3 digits
    # a note as it was is left alone (not laid out again at each of the explorer's changes)
    laid_out = []
    heatmap.note.set_text = laid_out.append
    heatmap.set_data(np.full((6, 12), 0.5) + np.random.default_rng(1).normal(scale=1e-9, size=(6, 12)))
    heatmap.set_data(np.zeros((6, 12)))
    assert laid_out == ["Every cell is 0"]
    widget.close()


def test_all_weights_zero_the_state_and_gate_heatmaps_say_their_value(make_window, wait_results, small_config):
    """All weights zero: every hₜ and cₜ is exactly 0, the sigmoid gates 0.5 (the forget gate σ(b_f) =
    σ(1) = 0.731), the candidate 0; each of those heatmaps says so (a pale square beside the grey of "no value" said nothing)."""
    window = make_window(config=small_config.replace(init_scale=0.0))
    window.resize(1600, 1000)
    window.show()
    settle(window, wait=lambda: wait_results(window))
    hidden, gates = window.panel_by_name["hidden"], window.panel_by_name["gates"]
    assert hidden.h_map.note.text() == "Every cell is 0" and hidden.c_map.note.text() == "Every cell is 0"
    assert {gate: heatmap.note.text() for gate, heatmap in gates.heatmaps.items()} == {
        "i": "Every cell is 0.5", "f": "Every cell is 0.731", "g": "Every cell is 0", "o": "Every cell is 0.5"}
    assert view_problems(window.panels) == []
    # legible over coloured cells: on a pale background no wider than the text (dark grey on the
    # viridis teal of 0.5 was hard to read, with grid lines through it)
    from PySide6.QtCore import Qt

    for heatmap in [hidden.h_map, *gates.heatmaps.values()]:
        note = heatmap.note.item
        assert note.fill.style() != Qt.BrushStyle.NoBrush
        assert note.sceneBoundingRect().width() < 0.5 * heatmap.plot.vb.sceneBoundingRect().width()
    window.state.update(init_scale=None)
    settle(window, wait=lambda: wait_results(window))
    assert hidden.h_map.note.text() == "" and all(heatmap.note.text() == "" for heatmap in gates.heatmaps.values())
    assert view_problems(window.panels) == []


def test_all_weights_zero_no_colour_bar_shows_a_scale_of_nothing(make_window, wait_results, small_config):
    """All weights zero: no arrow of the unrolled diagram and no cell of the itemized ‖∂Lτ/∂hₜ‖ has a
    value (every gradient is exactly 0: no place on a log scale). Their colour bars showed 0 … 1 all
    the same; they are not shown while the panels' notes say why ("All gradients are exactly 0"), as
    the heatmaps of one colour say their value, and they come back with values. The view check
    flags a bar shown beside nothing it colours."""
    window = make_window(config=small_config.replace(init_scale=0.0))
    window.resize(1600, 1000)
    window.show()
    settle(window, wait=lambda: wait_results(window))
    bptt, unrolled = window.panel_by_name["bptt"], window.panel_by_name["unrolled"]
    scales = {"unrolled": unrolled.scale, "bptt": bptt.itemized}
    assert unrolled.isVisible() and bptt.isVisible()
    assert {name: heatmap.colorbar.isVisible() for name, heatmap in scales.items()} == {"unrolled": False, "bptt": False}
    assert not unrolled.diagram.coloured()
    assert unrolled.overview_note.text() == "All gradients are exactly 0"
    assert view_problems(window.panels) == []
    unrolled.scale.colorbar.show()   # the check can fail: a scale beside arrows without values
    assert [problem for problem in view_problems([unrolled]) if "nothing is coloured" in problem]
    unrolled.scale.colorbar.hide()
    window.state.update(init_scale=None)
    settle(window, wait=lambda: wait_results(window))
    assert all(heatmap.colorbar.isVisible() for heatmap in scales.values()) and unrolled.diagram.coloured()
    assert tuple(unrolled.scale.colorbar.levels()) == unrolled.values.levels()
    assert unrolled.overview_note.text() == ""
    assert view_problems(window.panels) == []


def test_a_tab_shown_after_its_plot_was_filled_is_laid_out_at_its_size(make_window, wait_results):
    """A sweep run while the Explorer is shown, then the Experiments tab shown (1280×720): the tab
    switch turns the pages' updates off while it lays the page out, so the plot widget's resize was
    held and never laid out (its plot at 640×480 in a 614×592 widget, the colour bar cut at the
    right edge). The first paint lays it out; the check flags a layout of another size."""
    from rnnviz.app.gallery import run_gallery_sweep
    from rnnviz.app.plots.invariants import layout_size_problems, tab_problems

    window = make_window(config=TRANSITIONS.start_config)
    window.resize(1280, 720)
    window.show()
    settle(window, wait=lambda: wait_results(window))
    run_gallery_sweep(window)
    window.tabs.setCurrentWidget(window.experiments)
    settle(window, wait=lambda: wait_results(window))
    graphics = window.experiments.plot.graphics
    assert graphics.width() < 640 or graphics.height() > 480   # not the size a new view has
    assert layout_size_problems(graphics) == []
    assert tab_problems(window) == []
