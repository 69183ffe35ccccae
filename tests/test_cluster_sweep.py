"""Sweeps on a Dask distributed cluster: a scheduler and two worker processes on 127.0.0.1 run the
same sweep as a local run and write the same CSV bytes; cancel, unreachable schedulers, a missing
Dask install and the lazy import."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import pytest

import rnnviz.cli as cli
import rnnviz.core.cluster as cluster_module
from rnnviz.core.analysis import ExperimentConfig
from rnnviz.core.config import ConfigError
from rnnviz.core.cancel import Cancelled
from rnnviz.core.sweep import SweepAxis, SweepSpec

SMALL = ["--cell", "rnn,gru", "--radius", "0.6:1.2:3", "--hidden", "8", "--seq-len", "30", "--seeds", "2"]


@pytest.fixture
def main(monkeypatch):
    if "sweep" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "sweep"))
    return cli.main


@pytest.fixture(scope="module")
def dask_cluster():
    """A scheduler and two single-threaded worker processes, reachable on 127.0.0.1 only."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster:
        yield cluster


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_idle(cluster, seconds: float = 15.0) -> None:
    """Until the scheduler holds no task any more (all finished, cancelled or released)."""
    deadline = time.monotonic() + seconds
    while cluster.scheduler.tasks and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not cluster.scheduler.tasks, list(cluster.scheduler.tasks)[:5]


def test_cluster_sweep_writes_the_same_csv_bytes_as_a_local_run(main, dask_cluster, tmp_path, capsys):
    local, remote = tmp_path / "local" / "s.csv", tmp_path / "remote" / "s.csv"
    local.parent.mkdir()
    remote.parent.mkdir()
    arguments = [*SMALL, "--metric", "reach,log10_norm,lyapunov,saturation", "--lyapunov-count", "2"]
    assert main(["sweep", *arguments, "--workers", "1", "--quiet", "--out", str(local)]) == 0
    capsys.readouterr()
    address = dask_cluster.scheduler_address
    assert address.startswith("tcp://127.0.0.1:")
    assert main(["sweep", *arguments, "--scheduler", address, "--out", str(remote)]) == 0
    err = capsys.readouterr().err
    assert "12/12 runs" in err and f"of the Dask cluster at {address}" in err
    assert remote.read_bytes() == local.read_bytes()
    assert b"lyapunov_2" in remote.read_bytes().splitlines()[0]
    assert (remote.parent / "s_summary.csv").read_bytes() == (local.parent / "s_summary.csv").read_bytes()
    run = json.loads((remote.parent / "s_run.json").read_text())
    assert run["scheduler"] == address and run["workers"] == 2  # the cluster's worker threads
    assert json.loads((local.parent / "s_run.json").read_text())["scheduler"] is None
    _wait_until_idle(dask_cluster)


def test_progress_events_and_cancel_mid_way(dask_cluster):
    spec = SweepSpec(base=ExperimentConfig(hidden_size=16, seq_len=200, cell="lstm"),
                     axes=(SweepAxis("radius", (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4)),),
                     seeds=4).validate()
    seen = []

    def should_stop() -> bool:
        return len(seen) >= 3

    with pytest.raises(Cancelled):
        for event in cluster_module.iter_cluster_sweep(spec, dask_cluster.scheduler_address,
                                                        should_stop=should_stop):
            assert event.result is None and event.total == 40
            seen.append(event.done)
    assert seen[:3] == [1, 2, 3] and len(seen) < 40
    _wait_until_idle(dask_cluster)  # queued runs were cancelled, running ones ended


def test_a_run_stops_when_its_sweep_is_cancelled(dask_cluster):
    """The per-point function checks the sweep's stop event between stages, as a local worker does."""
    from distributed import Client, Event

    config = ExperimentConfig(hidden_size=8, seq_len=30)
    with Client(dask_cluster.scheduler_address, set_as_default=False) as client:
        go, stop = "rnnviz-test-go", "rnnviz-test-stop"
        finished = client.submit(cluster_module._cluster_run, config, ("reach",), 1e-6, 1, go, pure=False)
        assert set(finished.result(timeout=30)) == {"reach"}  # not stopped: its event was never set
        Event(stop, client=client).set()
        stopped = client.submit(cluster_module._cluster_run, config, ("reach",), 1e-6, 1, stop, pure=False)
        with pytest.raises(Cancelled):
            stopped.result(timeout=30)
        Event(stop, client=client).clear()


def test_unreachable_scheduler_is_one_line_before_any_work(main, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 1.0)
    out = tmp_path / "s.csv"
    address = f"tcp://127.0.0.1:{_free_port()}"
    assert main(["sweep", *SMALL, "--scheduler", address, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"cannot reach the Dask scheduler at {address}" in err
    assert "runs (" not in err  # no progress: nothing ran
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("address, message", [
    ("nonsense://127.0.0.1:1", "not a Dask scheduler address"),
    ("127.0.0.1:port", "not a Dask scheduler address"),
    ("  ", "no Dask scheduler address given"),
])
def test_malformed_addresses(address, message):
    with pytest.raises(ConfigError, match=message):
        cluster_module.connect(address)


def test_workers_and_scheduler_together_is_refused(main, tmp_path, capsys):
    assert main(["sweep", *SMALL, "--workers", "2", "--scheduler", "tcp://127.0.0.1:1",
                 "--out", str(tmp_path / "s.csv")]) == 2
    assert "--workers does not apply with --scheduler" in capsys.readouterr().err


def test_missing_dask_names_the_extra(main, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    assert main(["sweep", *SMALL, "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path / "s.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'rnnviz[cluster]'" in err
    assert list(tmp_path.iterdir()) == []


def test_dask_is_not_imported_by_rnnviz_or_a_local_sweep():
    code = ("import sys, rnnviz, rnnviz.cli, rnnviz.core.sweep, rnnviz.commands.sweep, rnnviz.core.cluster\n"
            "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_a_cluster_that_goes_away_mid_sweep_is_one_line():
    """Its own scheduler and workers: this test stops them after three runs."""
    from distributed import LocalCluster

    spec = SweepSpec(base=ExperimentConfig(hidden_size=16, seq_len=200, cell="lstm"),
                     axes=(SweepAxis("radius", (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4)),),
                     seeds=4).validate()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address="127.0.0.1:0")
    address = cluster.scheduler_address
    done = []
    try:
        with pytest.raises(ConfigError, match=f"the Dask cluster at {address} dropped run"):
            for event in cluster_module.iter_cluster_sweep(spec, address):
                done.append(event.done)
                if event.done == 3:
                    cluster.close()
    finally:
        cluster.close()
    assert done[:3] == [1, 2, 3] and len(done) < 40
