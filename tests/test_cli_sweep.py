"""``rnnviz sweep``: files written, determinism across worker counts, plots, one-line errors."""
from __future__ import annotations

import csv
import json

import pytest

import rnnviz.cli as cli
from rnnviz.commands import sweep as sweep_command
from rnnviz.core.analysis import ExperimentConfig
from rnnviz.core.sweep import SweepSpec


@pytest.fixture
def main(monkeypatch):
    """rnnviz.cli.main with the sweep command registered (whether or not cli.py lists it yet)."""
    if "sweep" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "sweep"))
    return cli.main


SMALL = ["--cell", "rnn,gru", "--radius", "0.6:1.2:3", "--hidden", "8", "--seq-len", "30", "--seeds", "2"]


def test_writes_rows_summary_and_run_json(main, tmp_path, capsys):
    out = tmp_path / "reach.csv"
    assert main(["sweep", *SMALL, "--workers", "1", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "12/12 runs" in err and "wrote" in err
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert len(rows) == 12  # 2 cells x 3 radii x 2 seeds
    assert [r["cell"] for r in rows[::2]] == ["rnn"] * 3 + ["gru"] * 3
    assert [r["radius"] for r in rows[:6:2]] == ["0.6", "0.9", "1.2"]
    assert {r["hidden_size"] for r in rows} == {"8"} and {r["seq_len"] for r in rows} == {"30"}
    assert [r["seed"] for r in rows[:2]] == ["0", "1"]
    assert set(rows[0]) >= {"reach", "log10_norm", "lyapunov", "saturation", "point", "seed_index"}
    assert all(0 <= int(r["reach"]) <= 30 for r in rows)
    summary = list(csv.DictReader((tmp_path / "reach_summary.csv").read_text().splitlines()))
    assert len(summary) == 6 and summary[0]["seeds"] == "2" and "lyapunov_std" in summary[0]
    run = json.loads((tmp_path / "reach_run.json").read_text())
    spec = SweepSpec.from_dict(run["spec"])
    assert [a.name for a in spec.axes] == ["cell", "radius"]
    assert spec.base.hidden_size == 8 and spec.seeds == 2
    assert run["files"] == {"rows": "reach.csv", "summary": "reach_summary.csv", "plot": None}
    assert "numpy" in run["versions"] and run["workers"] == 1
    # the points where a seed's reach is T - t0 = 30 are named: their reach is a lower bound
    at_limit = sorted({int(r["point"]) for r in rows if r["reach"] == "30"})
    assert run["reach_lower_bound_points"] == at_limit
    said = f"at {len(at_limit)} of 6 points a reach is T - t0"
    assert (said in err) == bool(at_limit)


def test_same_command_same_csv_with_one_or_two_workers(main, tmp_path):
    paths = []
    for name, workers in (("a", "1"), ("b", "1"), ("c", "2")):
        path = tmp_path / name / "s.csv"
        path.parent.mkdir()
        assert main(["sweep", *SMALL, "--metric", "reach,lyapunov", "--lyapunov-count", "2", "--quiet",
                     "--workers", workers, "--out", str(path)]) == 0
        paths.append(path)
    first = paths[0].read_bytes()
    assert b"lyapunov_2" in first.splitlines()[0]
    assert all(p.read_bytes() == first for p in paths[1:])


def test_one_line_per_sweep_flag_single_values_are_fixed(tmp_path):
    parser = cli.build_parser() if "sweep" in cli.COMMAND_MODULES else None
    if parser is None:
        parser = cli._OneLineParser(prog="rnnviz")
        sweep_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["sweep", "--radius", "0.9", "--hidden", "4,8", "--cell", "gru",
                              "--activation", "tanh,relu", "--anchor", "3", "--out", str(tmp_path / "x.csv")])
    spec = sweep_command.spec_from_args(args)
    # categorical parameter first (one line per activation), numeric second
    assert [(a.name, a.values) for a in spec.axes] == [("activation", ("tanh", "relu")), ("hidden_size", (4, 8))]
    assert spec.base == ExperimentConfig(cell="gru", radius=0.9, anchor=3)


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_plot_files(main, tmp_path, suffix, qapp):
    plot = tmp_path / f"reach.{suffix}"
    assert main(["sweep", *SMALL, "--workers", "1", "--quiet", "--out", str(tmp_path / "r.csv"),
                 "--plot", str(plot), "--plot-metric", "lyapunov"]) == 0
    data = plot.read_bytes()
    if suffix == "png":
        assert data.startswith(b"\x89PNG") and len(data) > 5000
    else:
        assert b"<svg" in data and b"Lyapunov" in data
    assert json.loads((tmp_path / "r_run.json").read_text())["files"]["plot"] == plot.name


@pytest.mark.parametrize("arguments, message", [
    (["--radius", "1:2"], "start:stop:num"),
    (["--cell", "rnn,mamba", "--radius", "0.5,1"], "unknown value 'mamba'"),
    (["--radius", "1.0"], "nothing to sweep"),
    (["--radius", "0.5,1", "--hidden", "4,8", "--seq-len", "10,20"], "at most two"),
    (["--radius", "0.5,1", "--metric", "reach,speed"], "unknown metric"),
    (["--radius", "0.5,1", "--threshold", "0"], "threshold"),
    (["--radius", "0.5,1", "--workers", "0"], "workers"),
    (["--radius", "0.5,1", "--plot", "x.jpg"], ".png or .svg"),
    (["--radius", "0.5,1", "--metric", "reach", "--plot-metric", "lyapunov"], "plot-metric"),
    (["--seq-len", "5,50", "--anchor", "10"], "at --seq-len=5: --anchor must be in [0, 4], got 10"),
    (["--radius", "0.5,1", "--hidden", "0"], "--hidden must be in [1, 100000], got 0"),
    (["--radius", "0.5,1", "--lyapunov-count", "0"], "--lyapunov-count must be an integer >= 1"),
])
def test_bad_input_is_one_line_and_writes_nothing(main, tmp_path, capsys, arguments, message):
    out = tmp_path / "s.csv"
    arguments = [a.replace("x.jpg", str(tmp_path / "x.jpg")) for a in arguments]
    small = [] if "--hidden" in arguments else ["--hidden", "4"]
    assert main(["sweep", *arguments, *small, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnviz sweep: error:") and message in err
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_missing_output_directory(main, tmp_path, capsys):
    assert main(["sweep", "--radius", "0.5,1", "--out", str(tmp_path / "nope" / "s.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_spec_from_run_json_repeats_the_sweep(main, tmp_path, capsys):
    first = tmp_path / "first"
    second = tmp_path / "second"
    first.mkdir()
    second.mkdir()
    assert main(["sweep", *SMALL, "--anchor", "4", "--workers", "1", "--quiet", "--out", str(first / "s.csv")]) == 0
    assert main(["sweep", "--spec", str(first / "s_run.json"), "--workers", "2", "--quiet",
                 "--out", str(second / "s.csv")]) == 0
    assert (second / "s.csv").read_bytes() == (first / "s.csv").read_bytes()
    assert main(["sweep", "--spec", str(first / "s_run.json"), "--seeds", "5", "--out", str(second / "t.csv")]) == 2
    assert "drop --seeds" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{not json")
    assert main(["sweep", "--spec", str(tmp_path / "bad.json"), "--out", str(second / "t.csv")]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert not (second / "t.csv").exists()
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    assert main(["sweep", "--spec", str(tmp_path / "deep.json"), "--out", str(second / "t.csv")]) == 2
    assert "deep.json is nested too deeply" in capsys.readouterr().err
    assert not (second / "t.csv").exists()
