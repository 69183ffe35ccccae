"""`rnnviz analyze` estimates memory and time before any work and refuses what does not fit."""

from __future__ import annotations

import tracemalloc

import pytest

from rnnviz import cli


@pytest.mark.parametrize("arguments, part", [
    (["--hidden", "100000"], "weights"),
    (["--hidden", "20000"], "weights"),
    (["--seq-len", "30000"], "itemized matrix"),
    (["--seq-len", "100000"], "itemized matrix"),
    (["--hidden", "5000", "--cell", "rnn"], "spectra"),
    (["--layers", "8", "--bidirectional", "--hidden", "1024", "--seq-len", "2000"], "step Jacobians"),
])
def test_what_does_not_fit_is_refused_with_the_estimate_before_any_work(capsys, arguments, part):
    tracemalloc.start()
    try:
        status = cli.main(["analyze", *arguments])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("rnnviz analyze: error: this analysis needs ~") and "(budget 2 GB)" in line
    assert part in line and "of computing" in line and "--memory-budget" in line
    assert peak < 20 << 20  # nothing of the analysis was allocated


def test_a_larger_budget_lets_it_run_and_a_bad_one_is_named(capsys):
    arguments = ["analyze", "--seq-len", "3000", "--hidden", "8", "--input-size", "3"]
    assert cli.main([*arguments, "--memory-budget", "64MB"]) == 2
    assert "(budget 64 MB)" in capsys.readouterr().err
    assert cli.main([*arguments, "--memory-budget", "1"]) == 0
    assert "T = 3000" in capsys.readouterr().out
    assert cli.main([*arguments, "--memory-budget", "lots"]) == 2
    assert "--memory-budget must be a positive number" in capsys.readouterr().err
