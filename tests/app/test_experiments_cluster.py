"""The Experiments tab's scheduler setting: the sweep runs on a Dask cluster (127.0.0.1) off the UI
thread and gives the local result; the address is remembered; an unreachable one fails in one line."""
from __future__ import annotations

import socket

import pytest

import rnnviz.core.cluster as cluster_module
from rnnviz.app.jobs import JobRunner
from rnnviz.app.panels.experiments import SWEEP_LANE, ExperimentsPanel
from rnnviz.app.settings import Settings
from rnnviz.app.state import AppState
from rnnviz.core.analysis import ExperimentConfig
from rnnviz.core.sweep import run_sweep

BASE = ExperimentConfig(hidden_size=6, input_size=3, seq_len=20, seed=5)


@pytest.fixture(scope="module")
def dask_cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:
        yield cluster


@pytest.fixture
def panel(qtbot):
    runner = JobRunner()
    made = ExperimentsPanel(AppState(BASE), runner)
    made.resize(1200, 500)
    qtbot.addWidget(made)
    made.first_param.setCurrentText("cell")
    made.first_values.setText("rnn,lstm")
    made.second_enabled.setChecked(True)
    made.second_param.setCurrentText("radius")
    made.second_values.setText("0.8,1.0,1.2")
    made.seeds.setValue(2)
    yield made
    assert runner.shutdown(20000)


def test_sweep_on_the_cluster_gives_the_local_result_and_the_address_is_remembered(qtbot, panel, dask_cluster):
    address = dask_cluster.scheduler_address
    assert panel.scheduler.placeholderText() == "this machine" and panel.scheduler.toolTip()
    assert panel.workers.isEnabled()
    panel.scheduler.setText(address)
    assert not panel.workers.isEnabled()  # the cluster's workers run it
    with qtbot.waitSignal(panel.sweep_finished, timeout=60000) as blocker:
        assert panel.run() is not None
        assert "Dask cluster" in panel.status.text()
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=10000)
    result = blocker.args[0]
    assert result.workers == 2 and f"of the Dask cluster at {address}" in panel.status.text()
    local = run_sweep(panel.build_spec(), workers=1)
    assert result.rows_csv() == local.rows_csv() and result.summary_csv() == local.summary_csv()
    assert Settings().sweep_scheduler() == address
    again = ExperimentsPanel(AppState(BASE), JobRunner())
    qtbot.addWidget(again)
    assert again.scheduler.text() == address and not again.workers.isEnabled()
    again.scheduler.setText("")
    again.scheduler.editingFinished.emit()
    assert Settings().sweep_scheduler() == "" and again.workers.isEnabled()


def test_unreachable_scheduler_fails_in_one_line(qtbot, panel, monkeypatch):
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 1.0)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    panel.scheduler.setText(f"tcp://127.0.0.1:{port}")
    assert panel.run() is not None
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=30000)
    text = panel.status.text()
    assert text.startswith("Sweep failed: cannot reach the Dask scheduler at tcp://127.0.0.1:") and "\n" not in text
    assert panel.result is None and not panel.runner.is_running(SWEEP_LANE)


def test_cancel_on_the_cluster_stops_the_sweep_and_its_runs(qtbot, panel, dask_cluster):
    import time

    # runs long enough (tenths of a second each) that the sweep is surely cancelled mid-way
    assert panel.state.update(hidden_size=32, seq_len=200)
    assert panel.base_config().hidden_size == 32
    panel.second_values.setText("0.5:1.5:11")
    panel.seeds.setValue(4)  # 2 cells x 11 radii x 4 seeds = 88 runs
    panel.scheduler.setText(dask_cluster.scheduler_address)
    assert panel.run() is not None
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=30000)
    panel.cancel()
    assert panel.status.text() == "Cancelled." and panel.run_button.isEnabled()
    assert panel.runner.shutdown(20000)  # the job saw the stop flag and ended
    assert panel.result is None
    deadline = time.monotonic() + 15
    while dask_cluster.scheduler.tasks and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not dask_cluster.scheduler.tasks  # queued runs cancelled, running ones ended
