"""The explorer's memory budget: what does not fit is refused before anything changes, a map that
does not fit is shortened or left out, and says so."""

from __future__ import annotations

import json

import numpy as np

from rnnviz.app.compute import SkippedMap
from rnnviz.app.plots.invariants import empty_scale_problems
from rnnviz.core.budget import estimate


def test_a_configuration_over_the_budget_is_refused_and_changes_nothing(make_window, wait_results):
    window = make_window()
    wait_results(window)
    before, shown = window.state.config, window.state.fast_result
    jobs = []
    window.runner.job_event.connect(lambda lane, job, payload: jobs.append(job))
    window.controls.layers_spin.setValue(8)
    window.controls.bidirectional_check.setChecked(True)
    window.controls.hidden_spin.setValue(1024)
    window.controls.hidden_spin.editingFinished.emit()
    # 8 bidirectional layers of 1024: one step Jacobian alone is 2 GB. The message gives the
    # estimate; the control and the state keep what they had.
    assert window.last_error.startswith("Not applied: needs ~") and "(budget 2 GB)" in window.last_error
    assert "step Jacobians" in window.last_error
    config = window.state.config
    assert config.num_layers == 8 and config.bidirectional and config.hidden_size == before.hidden_size
    assert window.controls.hidden_spin.value() == before.hidden_size
    wait_results(window)
    assert window.state.fast_result.config == config and shown is not window.state.fast_result


def test_a_session_beyond_the_controls_is_refused_with_a_message(make_window, wait_results, tmp_path):
    window = make_window()
    wait_results(window)
    before = window.state.config
    for field, value, words in (("hidden_size", 100_000, "hidden size 100000"), ("seq_len", 20_000, "length T 20000")):
        path = tmp_path / f"{field}.json"
        session = window.session()
        session["config"][field] = value
        path.write_text(json.dumps(session), encoding="utf-8")
        assert window.open_session(path) is False
        assert words in window.last_error and "beyond the explorer's range" in window.last_error
        assert window.state.config == before and window.session_path is None


def test_a_map_over_the_budget_is_shortened_and_says_so(make_window, wait_results, small_config):
    config = small_config.replace(seq_len=60)
    window = make_window()
    wait_results(window)
    full, short = estimate(config), estimate(config, map_max_k=10)
    window.compute.budget_bytes = (short.total_bytes() + estimate(config, map_max_k=11).total_bytes()) // 2
    notices = []
    window.compute.notice.connect(notices.append)
    assert window.state.set_config(config)
    wait_results(window)
    assert notices and "map limited to k ≤ 10" in notices[-1]
    assert window.statusBar().currentMessage() == notices[-1]
    result = window.state.map_result
    assert result.complete and result.max_k == 10 < full.map_max_k
    values = np.asarray(result.log10_spectral)
    assert np.isfinite(values[:40, :10]).all() and np.isnan(values[:, 10:]).all()
    # the map's view holds the distances it has (k ≤ 10 of 60 were a strip along the bottom) and
    # its title says why the rest is missing
    panel = window.panel_by_name["map"]
    (x_low, x_high), (y_low, y_high) = panel.plot.vb.viewRange()
    assert x_low <= -0.5 and x_high >= 59.5
    assert 10.5 <= y_high < 12 and y_low <= 0.5
    assert "k ≤ 10: memory budget" in panel.plot.titleLabel.text
    # back within the budget: the whole triangle again, no note
    window.compute.budget_bytes = full.total_bytes() * 2
    assert window.state.set_config(config.replace(seed=config.seed + 1))
    wait_results(window)
    (_x, (_y_low, y_high)) = panel.plot.vb.viewRange()
    assert y_high >= 60.5 and "budget" not in panel.plot.titleLabel.text


def test_a_map_that_cannot_fit_at_all_is_left_out(make_window, wait_results, small_config):
    config = small_config.replace(seq_len=60)
    window = make_window()
    wait_results(window)
    window.compute.budget_bytes = estimate(config, map_max_k=1).total_bytes() - 1
    assert window.state.set_config(config)
    wait_results(window)
    assert isinstance(window.state.map_result, SkippedMap)
    panel = window.panel_by_name["map"]
    assert "not computed" in panel.plot.titleLabel.text and panel.heatmap.values is None
    assert panel.csv_tables() == {}
    assert window.state.fast_result.config == config  # the cheap plots are there
    # no scale beside the map left out: the colour bar kept the levels of the map before
    assert not panel.heatmap.colorbar.isVisible()
    panel.heatmap.colorbar.setVisible(True)    # (the view invariants see a scale of nothing)
    assert empty_scale_problems([panel.heatmap.colorbar]), "a visible scale beside no map passed"
    panel.heatmap.colorbar.setVisible(False)
    window.compute.budget_bytes = estimate(config).total_bytes() * 2
    assert window.state.set_config(config.replace(seed=config.seed + 1))
    wait_results(window)
    assert panel.heatmap.values is not None and panel.heatmap.colorbar.isVisible()


def test_the_budget_is_a_setting_kept_across_windows(make_window, wait_results):
    window = make_window()
    wait_results(window)
    window.set_memory_budget_gb(0.5)
    assert window.compute.budget_bytes == 512 * 1024**2
    assert window.settings.memory_budget_gb() == 0.5
    assert make_window().compute.budget_bytes == 512 * 1024**2
    window.set_memory_budget_gb(1e9)  # beyond the range: the largest allowed
    assert window.settings.memory_budget_gb() == 1024.0
