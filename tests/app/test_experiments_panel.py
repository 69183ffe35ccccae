"""Experiments and Compare tabs: act on the widgets, assert the plotted data and the emitted configurations."""
from __future__ import annotations

import json

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt

from rnnviz.app.jobs import JobRunner
from rnnviz.app.panels.compare import MAX_PINS, ComparePanel
from rnnviz.app.panels.experiments import SWEEP_LANE, ExperimentsPanel, SweepPlot
from rnnviz.app.state import AppState
from rnnviz.core.analysis import ExperimentConfig, run_fast
from rnnviz.core.sweep import SweepAxis, SweepResult, SweepSpec, run_sweep

BASE = ExperimentConfig(hidden_size=6, input_size=3, seq_len=20, seed=5)


@pytest.fixture
def make_panel(qtbot):
    """Factory: ``make_panel(ExperimentsPanel | ComparePanel)`` with its own state and job runner."""
    made = []

    def factory(panel_class, config=BASE):
        state = AppState(config)
        runner = JobRunner()
        panel = panel_class(state, runner)
        panel.resize(1200, 500)
        qtbot.addWidget(panel)
        made.append(runner)
        return panel

    yield factory
    for runner in made:
        assert runner.shutdown(20000)


def set_sweep(panel: ExperimentsPanel, first, first_values, second=None, second_values="", seeds=2):
    panel.first_param.setCurrentText(first)
    panel.first_values.setText(first_values)
    panel.second_enabled.setChecked(second is not None)
    if second is not None:
        panel.second_param.setCurrentText(second)
        panel.second_values.setText(second_values)
    panel.seeds.setValue(seeds)
    panel.workers.setValue(1)


def run_and_wait(qtbot, panel: ExperimentsPanel):
    with qtbot.waitSignal(panel.sweep_finished, timeout=60000) as blocker:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=10000)
    return blocker.args[0]


def test_lines_with_bands_per_cell_and_click_opens_the_configuration(qtbot, make_panel):
    panel = make_panel(ExperimentsPanel)
    set_sweep(panel, "cell", "rnn,lstm,gru", "radius", "0.6:1.2:4")
    result = run_and_wait(qtbot, panel)
    assert panel.progress.value() == 1000 and not panel.cancel_button.isEnabled()
    spec = result.spec
    assert spec.base == BASE and [a.name for a in spec.axes] == ["cell", "radius"]
    assert set(panel.plot.lines) == {"rnn", "lstm", "gru"}
    x, y = panel.plot.lines["lstm"].getData()
    np.testing.assert_allclose(x, [0.6, 0.8, 1.0, 1.2])
    np.testing.assert_allclose(y, result.mean["reach"][1])
    # another metric redraws from the same result, no recomputation
    panel.metric_box.setCurrentIndex(panel.metric_box.findData("lyapunov"))
    np.testing.assert_allclose(panel.plot.lines["gru"].getData()[1], result.mean["lyapunov"][2])

    item = panel.plot.lines["gru"]
    spot = item.scatter.points()[2]
    with qtbot.waitSignal(panel.open_config, timeout=2000) as opened:
        item.sigPointsClicked.emit(item, [spot], None)
    assert opened.args[0] == BASE.replace(cell="gru", radius=1.0)


def test_heatmap_for_two_numeric_parameters_and_click(qtbot, make_panel):
    panel = make_panel(ExperimentsPanel)
    set_sweep(panel, "radius", "0.5,1.0,1.5", "hidden_size", "4,8", seeds=1)
    result = run_and_wait(qtbot, panel)
    heatmap = panel.plot.heatmap
    assert heatmap is not None and panel.plot.lines == {}
    np.testing.assert_allclose(heatmap.values, result.mean["reach"])
    assert heatmap.values.shape == (3, 2)
    # click the cell of radius 1.5, hidden 4 (row 2, column 0)
    panel.show()
    qtbot.waitExposed(panel)
    plot = panel.plot.plot
    scene_point = plot.vb.mapViewToScene(QPointF(0.0, 2.0))
    widget_point = panel.plot.graphics.mapFromScene(scene_point)
    with qtbot.waitSignal(panel.open_config, timeout=3000) as opened:
        qtbot.mouseClick(panel.plot.graphics.viewport(), Qt.MouseButton.LeftButton, pos=widget_point)
    assert opened.args[0] == BASE.replace(radius=1.5, hidden_size=4)


def test_invalid_values_do_not_start(qtbot, make_panel):
    panel = make_panel(ExperimentsPanel)
    set_sweep(panel, "radius", "1:2")
    assert panel.run() is None
    assert "Not started" in panel.status.text() and "start:stop:num" in panel.status.text()
    assert not panel.runner.is_running(SWEEP_LANE) and panel.run_button.isEnabled()


def test_cancel_stops_and_keeps_no_result(qtbot, make_panel):
    panel = make_panel(ExperimentsPanel, BASE.replace(hidden_size=24, seq_len=300))
    set_sweep(panel, "cell", "lstm,gru", "radius", "0.5:1.5:40", seeds=5)
    panel.run()
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=30000)
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert panel.status.text() == "Cancelled."
    assert panel.run_button.isEnabled() and not panel.runner.is_running(SWEEP_LANE)
    assert panel.runner.shutdown(20000)  # the job saw the stop flag and ended
    assert panel.result is None and panel.progress.value() < 1000


def test_export_and_session_round_trip(qtbot, make_panel, tmp_path):
    panel = make_panel(ExperimentsPanel)
    set_sweep(panel, "seq_len", "10,20,30", seeds=2)
    result = run_and_wait(qtbot, panel)
    written = panel.export(tmp_path / "sweep.csv")
    assert [p.name for p in written] == ["sweep.csv", "sweep_summary.csv"]
    assert (tmp_path / "sweep.csv").read_text() == result.rows_csv()
    panel.export(tmp_path / "sweep.png")
    panel.export(tmp_path / "sweep.svg")
    assert (tmp_path / "sweep.png").read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in (tmp_path / "sweep.svg").read_bytes()
    with pytest.raises(ValueError):
        panel.export(tmp_path / "sweep.jpg")

    definition = json.loads(json.dumps(panel.sweep_definition()))
    other = make_panel(ExperimentsPanel)
    assert other.set_sweep_definition(definition)
    assert other.first_param.currentText() == "seq_len" and other.first_values.text() == "10,20,30"
    assert not other.second_enabled.isChecked() and other.seeds.value() == 2
    assert other.build_spec() == result.spec
    assert not other.set_sweep_definition({"first": {"name": "colour", "values": "1"}, "second": {}})
    assert other.first_param.currentText() == "seq_len"


# --------------------------------------------------------------------------- Compare


def test_the_compare_plots_say_what_they_show_until_a_pin_is_computed(qtbot, make_panel):
    """Without pins the three plots were empty without a word (the hint sat under the list)."""
    panel = make_panel(ComparePanel)
    note = panel.plots.decay_note
    assert "Pin" in note.text()
    panel.pin_current()
    assert "Computing" in note.text()          # until its result comes
    qtbot.waitUntil(panel.wait_ready, timeout=20000)
    assert note.text() == "" and panel.plots.decay_curves
    panel.remove_pin(0)
    assert "Pin" in note.text() and not panel.plots.decay_curves
    assert panel.status.text() == panel._hint()   # not "1 of 1 pin(s) computed." of the pin just gone


def test_pins_overlay_curves_and_stop_at_four(qtbot, make_panel):
    panel = make_panel(ComparePanel)
    first = panel.pin_current()
    panel.state.update(cell="gru", radius=0.8)
    second = panel.pin_current("my GRU")
    qtbot.waitUntil(panel.wait_ready, timeout=20000)
    assert [p.name for p in panel.pins] == [first.name, "my GRU"]
    assert first.colour != second.colour
    curves = panel.plots.decay_curves
    assert set(curves) == {first.name, "my GRU"}
    expected = run_fast(BASE.replace(cell="gru", radius=0.8))
    k, y = curves["my GRU"].getData()
    np.testing.assert_allclose(k, expected.curve["k"])
    np.testing.assert_allclose(y, expected.curve["log10_spectral"])
    assert set(panel.plots.gate_names) == {"i", "f", "g", "o", "r", "z", "n"}
    assert len(panel.plots.eigen_points["my GRU"].getData()[0]) == BASE.hidden_size

    panel.pin_current()
    panel.pin_current()
    assert len(panel.pins) == MAX_PINS and not panel.pin_button.isEnabled()
    assert panel.pin_current() is None and "At most" in panel.status.text()
    assert len({p.name for p in panel.pins}) == MAX_PINS  # duplicates got numbered names

    panel.remove_pin(0)
    assert len(panel.pins) == 3 and first.name not in panel.plots.decay_curves
    with qtbot.waitSignal(panel.open_config) as opened:
        panel.pin_list.setCurrentRow(0)
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert opened.args[0] == BASE.replace(cell="gru", radius=0.8)


def test_pins_rename_and_json_round_trip(qtbot, make_panel):
    panel = make_panel(ComparePanel)
    panel.pin_current()
    panel.state.update(cell="rnn")
    panel.pin_current()
    qtbot.waitUntil(panel.wait_ready, timeout=20000)
    panel.pin_list.item(1).setText("Elman")  # what an in-place edit does
    assert panel.pins[1].name == "Elman" and "Elman" in panel.plots.decay_curves
    data = json.loads(json.dumps(panel.pins_to_json()))
    other = make_panel(ComparePanel)
    assert other.set_pins_from_json(data)
    assert [(p.name, p.colour, p.config) for p in other.pins] == \
        [(p.name, p.colour, p.config) for p in panel.pins]
    qtbot.waitUntil(other.wait_ready, timeout=20000)
    assert set(other.plots.decay_curves) == {p.name for p in panel.pins}
    bad = [*data[:1], {"name": "x", "colour": "not-a-colour", "config": data[0]["config"]}]
    assert not other.set_pins_from_json(bad)
    assert len(other.pins) == 2 and "colour" in other.status.text()


def test_process_pool_from_the_job_thread_gives_the_serial_result(qtbot, make_panel):
    from rnnviz.core.sweep import run_sweep

    panel = make_panel(ExperimentsPanel)
    set_sweep(panel, "radius", "0.5:1.5:5", seeds=2)
    panel.workers.setValue(2)
    result = run_and_wait(qtbot, panel)
    assert result.workers == 2
    assert result.rows_csv() == run_sweep(result.spec, workers=1).rows_csv()


def test_hover_describes_the_nearest_point(qtbot, make_panel):
    panel = make_panel(ExperimentsPanel)
    set_sweep(panel, "cell", "rnn,lstm", "radius", "0.5,1.4", seeds=1)
    result = run_and_wait(qtbot, panel)
    rnn_at_05, lstm_at_05 = result.mean["reach"][:, 0]
    assert lstm_at_05 > rnn_at_05 + 1  # the two lines are apart at rho = 0.5
    text = panel.plot._hover_text(0.55, lstm_at_05 - 0.4)
    # (the LSTM's reach is T - t0 = 20 there: a lower bound)
    assert lstm_at_05 == BASE.seq_len and text.startswith("cell=lstm, radius=0.5: Gradient reach ≥ ")
    assert f"{lstm_at_05:.4g}" in text
    assert panel.plot._hover_text(0.55, rnn_at_05 + 0.4).startswith("cell=rnn, radius=0.5")


def _legend_names(plot) -> list[str]:
    return [label.text for _sample, label in plot.legend.items]


def test_pin_labels_name_what_differs(qtbot, make_panel):
    panel = make_panel(ComparePanel, BASE.replace(cell="lstm", forget_bias=1.0))
    panel.pin_current()
    assert panel.pins[0].name == "lstm tanh ρ=1 H=6"          # alone: what it is
    panel.state.update(forget_bias=0.0)
    panel.pin_current()
    assert [p.name for p in panel.pins] == ["forget bias 1", "forget bias 0"]
    qtbot.waitUntil(panel.wait_ready, timeout=20000)
    assert sorted(_legend_names(panel.plots.decay)) == ["forget bias 0", "forget bias 1"]
    assert "forget" in panel.pin_list.item(0).text() and "H=6" in panel.pin_list.item(0).toolTip()
    panel.state.update(cell="gru", forget_bias=1.0, hidden_size=8)
    panel.pin_current()
    assert [p.name for p in panel.pins] == ["lstm H=6 forget bias 1", "lstm H=6 forget bias 0", "gru H=8 forget bias 1"]
    panel.rename_pin(2, "my GRU")                              # a user's name stays
    panel.remove_pin(1)
    assert [p.name for p in panel.pins] == ["lstm H=6", "my GRU"]
    data = json.loads(json.dumps(panel.pins_to_json()))
    other = make_panel(ComparePanel)
    assert other.set_pins_from_json(data)
    assert [p.name for p in other.pins] == ["lstm H=6", "my GRU"] and [p.auto for p in other.pins] == [True, False]


def test_identical_pins_get_numbered_names(make_panel):
    panel = make_panel(ComparePanel)
    panel.pin_current()
    panel.pin_current()
    names = [p.name for p in panel.pins]
    assert len(set(names)) == 2 and names[1].endswith("(2)")


def _linear_reach_result(axes, seeds=1):
    # Linear orthogonal Elman RNN (norm exactly rho^k): rho >= 1 reaches every point's T - t0,
    # rho = 0.5 falls below 1e-6 after 19 steps.
    base = ExperimentConfig(cell="rnn", activation="linear", init="orthogonal", hidden_size=4,
                            input_size=2, seq_len=40, anchor=5, seed=1)
    return run_sweep(SweepSpec(base=base, axes=axes, seeds=seeds, metrics=("reach",)), workers=1)


def test_a_reach_at_its_limit_is_drawn_and_read_out_as_a_lower_bound(qtbot):
    plot = SweepPlot()
    qtbot.addWidget(plot)
    plot.resize(900, 500)
    result = _linear_reach_result((SweepAxis("cell", ("rnn",)), SweepAxis("radius", (0.5, 1.0, 1.2))))
    plot.show_result(result)
    # the limit T - t0 = 35 as a dashed line, a mark on the two means that reached it, both named
    np.testing.assert_array_equal(plot.reach_limit.getData()[1], [35, 35, 35])
    marks = [(spot.pos().x(), spot.pos().y()) for spot in plot.lower_bounds.points()]
    assert marks == [(1.0, 35.0), (1.2, 35.0)]
    # one of two seeds at the limit: the mark sits on the mean, below the limit
    spec = SweepSpec(base=result.spec.base, axes=(SweepAxis("radius", (0.5, 1.0)),), seeds=2, metrics=("reach",))
    plot.show_result(SweepResult(spec, {"reach": np.array([[19.0, 19.0], [35.0, 30.0]])}))
    assert [(spot.pos().x(), spot.pos().y()) for spot in plot.lower_bounds.points()] == [(1.0, 32.5)]
    assert "≥ 32.5 ± 2.5: 1 of 2 seeds still above" in plot._describe_point(1)
    plot.show_result(result)
    assert _legend_names(plot.plot) == ["rnn", "longest measurable reach, T − t₀",
                                        "a lower bound: reach ≥ T − t₀"]
    assert plot._describe_point(1).startswith("cell=rnn, radius=1: Gradient reach ≥ 35: still above")
    assert plot._describe_point(0).startswith("cell=rnn, radius=0.5: Gradient reach = 19 ± 0")
    # a sweep where no reach is at its limit: no limit drawn, no legend for it
    plot.show_result(_linear_reach_result((SweepAxis("radius", (0.5, 0.6)),)))
    assert plot.reach_limit is None and plot.lower_bounds is None and plot.plot.legend is None
    # a heatmap writes ">=" in the cells that are lower bounds
    plot.show_result(_linear_reach_result((SweepAxis("radius", (0.5, 1.0)), SweepAxis("seq_len", (30, 40)))))
    texts = sorted(item.textItem.toPlainText() for item in plot.plot.items if isinstance(item, pg.TextItem))
    assert texts == ["19", "19", "≥25", "≥35"]


def test_the_sweep_plot_before_a_sweep_labels_no_values(qtbot):
    from rnnviz.app.plots.invariants import empty_plot_problems, shows_values

    plot = SweepPlot()
    qtbot.addWidget(plot)
    plot.resize(900, 500)
    plot.show()
    qtbot.waitExposed(plot)
    # (before: "0.1 … 0.9" on both axes under "Run a sweep to see its result")
    assert empty_plot_problems(plot.graphics, [plot.plot]) == []
    assert not any(shows_values(plot.plot.getAxis(side)) for side in ("left", "bottom"))
    plot.show_result(_linear_reach_result((SweepAxis("radius", (0.5, 1.0)),)))
    assert all(shows_values(plot.plot.getAxis(side)) for side in ("left", "bottom"))
