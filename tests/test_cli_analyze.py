"""`rnnviz analyze` through the real command-line entry point."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnnviz import cli
from rnnviz.core.config import CELLS, LSTM_CELLS, NetConfig
from rnnviz.core.params import init_params, save_npz

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--hidden", "5", "--input-size", "3", "--seq-len", "12", "--seed", "3"]


def analyze_json(capsys, *arguments: str) -> dict:
    assert cli.main(["analyze", *arguments, "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def assert_one_error_line(capsys, arguments: list[str], fragment: str) -> None:
    """The command fails with exit status 2 and exactly one stderr line containing ``fragment``."""
    try:
        status = cli.main(["analyze", *arguments])
    except SystemExit as exit_info:  # argparse usage errors
        status = exit_info.code
    assert status == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("rnnviz analyze: error: "), lines[0]
    assert fragment in lines[0], lines[0]


def assert_curve(curve: dict, columns: tuple[str, ...], length: int) -> None:
    assert curve["k"] == list(range(1, length + 1))
    for column in columns:
        assert len(curve[column]) == length
        assert all(value is None or math.isfinite(value) for value in curve[column])


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("layers, bidirectional", [(1, False), (2, True)])
def test_json_for_every_cell_has_the_documented_keys(capsys, cell, layers, bidirectional):
    arguments = [*SMALL, "--cell", cell, "--layers", str(layers), "--batch", "2", "--anchor", "4"]
    if bidirectional:
        arguments.append("--bidirectional")
    result = analyze_json(capsys, *arguments)
    T, t0, hidden, batch = 12, 4, 5, 2
    gates = len(NetConfig(cell=cell).gate_names)

    assert result["config"]["cell"] == cell
    assert result["config"]["num_layers"] == layers
    assert result["config"]["bidirectional"] is bidirectional
    blocks = layers * (2 if bidirectional else 1) * gates
    assert len(result["spectral_radius"]) == len(result["sigma_max"]) == len(result["blocks"]) == blocks
    # sigma_max >= spectral radius for every matrix
    assert all(s >= r - 1e-12 for r, s in zip(result["spectral_radius"], result["sigma_max"]))

    expected_states = {"h", "c"} if cell in LSTM_CELLS else {"h"}
    assert set(result["final_state"]) == expected_states
    for rows in result["final_state"].values():
        assert np.asarray(rows).shape == (batch, hidden)

    jacobian_columns = ("log10_spectral_norm", "log10_frobenius_norm")
    assert result["state_jacobian"]["anchor"] == t0
    assert_curve(result["state_jacobian"], jacobian_columns, T - t0)
    if cell in LSTM_CELLS:
        for key in ("hidden_jacobian", "cell_jacobian"):
            assert result[key]["anchor"] == t0
            assert_curve(result[key], jacobian_columns, T - t0)
        assert_curve(result["highway"], ("log10_norm",), T - t0)
    else:
        assert "hidden_jacobian" not in result and "cell_jacobian" not in result
    assert len(result["grad_norm_per_step"]) == T
    assert all(value > 0 for value in result["grad_norm_per_step"])
    assert_curve(result["bound"], ("log10",), T - t0)


def test_linear_orthogonal_rnn_decays_exactly_as_rho_to_the_k(capsys):
    # h_t = W h_{t-1} + ..., W = 0.9 Q with Q orthogonal: ||W^k||_2 = 0.9^k, ||W^k||_F = sqrt(H) 0.9^k.
    hidden, T = 6, 40
    result = analyze_json(
        capsys, "--cell", "rnn", "--activation", "linear", "--init", "orthogonal", "--radius", "0.9",
        "--hidden", str(hidden), "--seq-len", str(T),
    )
    k = np.arange(1, T + 1)
    np.testing.assert_allclose(result["spectral_radius"], [0.9], rtol=1e-12)
    np.testing.assert_allclose(result["sigma_max"], [0.9], rtol=1e-12)
    curve = result["state_jacobian"]
    assert curve["k"] == k.tolist()
    np.testing.assert_allclose(curve["log10_spectral_norm"], k * np.log10(0.9), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(
        curve["log10_frobenius_norm"], k * np.log10(0.9) + 0.5 * np.log10(hidden), rtol=1e-8, atol=1e-10
    )
    # gamma = 1 for the linear activation, so the Pascanu bound is tight here.
    np.testing.assert_allclose(result["bound"]["log10"], k * np.log10(0.9), rtol=1e-10)
    assert "highway" not in result


def test_norms_far_beyond_float_range_stay_exact(capsys):
    # 1e-3 ** 200 = 1e-600 underflows float64; the log10 norms must still be exact.
    T = 200
    result = analyze_json(
        capsys, "--cell", "rnn", "--activation", "linear", "--init", "orthogonal", "--radius", "1e-3",
        "--hidden", "4", "--seq-len", str(T),
    )
    spectral = np.asarray(result["state_jacobian"]["log10_spectral_norm"])
    np.testing.assert_allclose(spectral, -3.0 * np.arange(1, T + 1), rtol=1e-9)
    assert spectral[-1] == pytest.approx(-600.0)


def test_float32_agrees_with_float64(capsys):
    arguments = [*SMALL, "--cell", "lstm"]
    wide = analyze_json(capsys, *arguments)
    narrow = analyze_json(capsys, *arguments, "--dtype", "float32")
    assert narrow["config"]["dtype"] == "float32"
    np.testing.assert_allclose(
        narrow["state_jacobian"]["log10_spectral_norm"], wide["state_jacobian"]["log10_spectral_norm"], atol=1e-4
    )
    np.testing.assert_allclose(narrow["final_state"]["c"], wide["final_state"]["c"], atol=1e-5)


def test_truncation_cuts_the_gradient_of_early_steps(capsys):
    # Loss at every step; with K = 1 each loss term reaches only its own step and the one before.
    full = analyze_json(capsys, *SMALL, "--cell", "rnn")
    truncated = analyze_json(capsys, *SMALL, "--cell", "rnn", "--truncate", "1")
    assert truncated["config"]["truncate"] == 1
    assert full["grad_norm_per_step"][-1] == pytest.approx(truncated["grad_norm_per_step"][-1])
    assert not np.allclose(full["grad_norm_per_step"][:-1], truncated["grad_norm_per_step"][:-1])


def test_weights_file_reproduces_the_initialised_network(capsys, tmp_path):
    net = NetConfig(cell="gru", activation="tanh", input_size=3, hidden_size=5, num_layers=2)
    params = init_params(net, "orthogonal", seed=3)
    path = tmp_path / "gru.npz"
    save_npz(path, params, net)
    flags = ["--cell", "gru", "--layers", "2", *SMALL, "--init", "orthogonal"]
    from_flags = analyze_json(capsys, *flags)
    # The file's stored config supplies the architecture; explicit flags that agree are fine.
    from_file = analyze_json(capsys, "--weights", str(path), "--seq-len", "12", "--seed", "3")
    from_file_with_flags = analyze_json(capsys, "--weights", str(path), *flags)
    for result in (from_file, from_file_with_flags):
        assert result["config"]["weights"] == str(path)
        assert result["config"]["cell"] == "gru"
        np.testing.assert_allclose(result["final_state"]["h"], from_flags["final_state"]["h"], rtol=1e-12)
        np.testing.assert_allclose(
            result["state_jacobian"]["log10_spectral_norm"],
            from_flags["state_jacobian"]["log10_spectral_norm"],
            rtol=1e-9,
        )


def test_radius_rescales_loaded_weights(capsys, tmp_path):
    net = NetConfig(cell="rnn", input_size=3, hidden_size=5)
    path = tmp_path / "rnn.npz"
    save_npz(path, init_params(net, "gaussian", seed=1), net)
    result = analyze_json(capsys, "--weights", str(path), "--radius", "0.5", "--seq-len", "4")
    assert result["spectral_radius"] == [pytest.approx(0.5, rel=1e-12)]


def test_inputs_file_sets_sequence_length_and_batch(capsys, tmp_path):
    rng = np.random.default_rng(0)
    single = tmp_path / "single.npy"
    np.save(single, rng.standard_normal((7, 3)))
    result = analyze_json(capsys, "--cell", "lstm", "--hidden", "4", "--input-size", "3", "--inputs", str(single))
    assert (result["config"]["seq_len"], result["config"]["batch"]) == (7, 1)
    assert len(result["grad_norm_per_step"]) == 7
    assert np.asarray(result["final_state"]["h"]).shape == (1, 4)

    batched = tmp_path / "batched.npy"
    x = rng.standard_normal((6, 3, 3))
    np.save(batched, x)
    result = analyze_json(capsys, "--cell", "gru", "--hidden", "4", "--input-size", "3", "--inputs", str(batched))
    assert np.asarray(result["final_state"]["h"]).shape == (3, 4)
    # Different sequences in the batch give different final states.
    assert not np.allclose(result["final_state"]["h"][0], result["final_state"]["h"][1])


def test_inputs_file_is_what_drives_the_network(capsys, tmp_path):
    zeros = tmp_path / "zeros.npy"
    np.save(zeros, np.zeros((5, 3)))
    # No input, zero biases and h_0 = 0: a linear RNN stays at exactly zero.
    result = analyze_json(
        capsys, "--cell", "rnn", "--activation", "linear", "--init", "orthogonal", "--hidden", "4",
        "--input-size", "3", "--inputs", str(zeros),
    )
    assert result["final_state"]["h"] == [[0.0, 0.0, 0.0, 0.0]]


def _saved_weights(tmp_path: Path, with_config: bool = True) -> Path:
    net = NetConfig(cell="lstm", input_size=3, hidden_size=5)
    params = init_params(net, "pytorch", seed=0)
    path = tmp_path / "lstm.npz"
    if with_config:
        save_npz(path, params, net)
    else:
        np.savez(path, **params)
    return path


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (["--radius", "-1"], "--radius must be a finite number >= 0, got -1.0"),
        (["--radius", "nan"], "--radius must be a finite number >= 0, got nan"),
        (["--radius", "inf"], "--radius must be a finite number >= 0, got inf"),
        (["--seq-len", "0"], "--seq-len must be >= 1, got 0"),
        (["--hidden", "0"], "--hidden must be >= 1, got 0"),
        (["--input-size", "-2"], "--input-size must be >= 1, got -2"),
        (["--layers", "0"], "--layers must be >= 1, got 0"),
        (["--batch", "0"], "--batch must be >= 1, got 0"),
        (["--truncate", "0"], "--truncate must be >= 1, got 0"),
        (["--seed", "-1"], "--seed must be >= 0, got -1"),
        (["--seq-len", "10", "--anchor", "10"], "--anchor must lie in [0, T-1] = [0, 9], got 10"),
        (["--anchor", "-1"], "--anchor must lie in"),
        (["--cell", "transformer"], "argument --cell: invalid choice: 'transformer'"),
        (["--activation", "softplus"], "argument --activation: invalid choice"),
        (["--dtype", "float16"], "argument --dtype: invalid choice"),
        (["--hidden", "many"], "argument --hidden: invalid int value: 'many'"),
        (["--weights", "does-not-exist.npz"], "weights file not found: does-not-exist.npz"),
        (["--inputs", "does-not-exist.npy"], "inputs file not found: does-not-exist.npy"),
    ],
)
def test_bad_values_give_one_clear_line(capsys, arguments, fragment):
    assert_one_error_line(capsys, arguments, fragment)


def test_weights_that_do_not_match_the_flags_are_rejected(capsys, tmp_path):
    path = _saved_weights(tmp_path)
    assert_one_error_line(
        capsys, ["--weights", str(path), "--hidden", "6"],
        "--hidden 6 does not match the weights file, which has --hidden 5",
    )
    assert_one_error_line(
        capsys, ["--weights", str(path), "--cell", "gru"],
        "--cell gru does not match the weights file, which has --cell lstm",
    )


def test_plain_state_dict_gives_its_architecture(capsys, tmp_path):
    path = _saved_weights(tmp_path, with_config=False)
    # No stored config: the names and shapes give the network; flags must agree with them.
    assert_one_error_line(
        capsys, ["--weights", str(path), "--input-size", "4"],
        "--input-size 4 does not match the weights file, which has --input-size 3",
    )
    result = analyze_json(capsys, "--weights", str(path), "--seq-len", "3")
    assert (result["config"]["cell"], result["config"]["hidden_size"], result["config"]["input_size"]) == \
        ("lstm", 5, 3)


def test_corrupt_weights_file_is_rejected(capsys, tmp_path):
    path = tmp_path / "broken.npz"
    path.write_bytes(b"this is not a zip file")
    assert_one_error_line(capsys, ["--weights", str(path)], "is not a valid .npz (not a zip archive)")
    single = tmp_path / "single.npz"
    np.save(tmp_path / "single.npy", np.zeros(3))
    (tmp_path / "single.npy").rename(single)
    assert_one_error_line(capsys, ["--weights", str(single)], "holds a single array")


@pytest.mark.parametrize(
    ("shape", "fragment"),
    [
        ((10, 4), "expected shape (T, 3) or (T, batch, 3) with T, batch >= 1, got (10, 4)"),
        ((10,), "got (10,)"),
        ((2, 2, 2, 3), "got (2, 2, 2, 3)"),
        ((0, 3), "got (0, 3)"),
    ],
)
def test_inputs_of_the_wrong_shape_are_rejected(capsys, tmp_path, shape, fragment):
    path = tmp_path / "x.npy"
    np.save(path, np.ones(shape))
    assert_one_error_line(capsys, ["--input-size", "3", "--inputs", str(path)], fragment)


def test_inputs_that_contradict_flags_or_are_not_finite_are_rejected(capsys, tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.ones((8, 2, 3)))
    assert_one_error_line(capsys, ["--input-size", "3", "--inputs", str(path), "--seq-len", "9"],
                          "--seq-len 9 does not match the inputs file, which has T = 8")
    assert_one_error_line(capsys, ["--input-size", "3", "--inputs", str(path), "--batch", "1"],
                          "--batch 1 does not match the inputs file, which has batch = 2")
    bad = np.ones((8, 3))
    bad[2, 1] = np.nan
    np.save(path, bad)
    assert_one_error_line(capsys, ["--input-size", "3", "--inputs", str(path)], "contains NaN or infinite values")
    np.save(path, np.array([["a", "b", "c"]]))
    assert_one_error_line(capsys, ["--input-size", "3", "--inputs", str(path)], "expected numbers")


def test_object_arrays_are_never_unpickled(capsys, tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.array([[1.0, 2.0, object()]], dtype=object), allow_pickle=True)
    assert_one_error_line(capsys, ["--input-size", "3", "--inputs", str(path)], "holds Python objects")


def test_bad_value_in_a_real_process_prints_no_traceback(tmp_path):
    environment = dict(os.environ)
    environment.pop("RNNVIZ_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-m", "rnnviz", "analyze", "--radius", "nan", "--out", str(tmp_path / "out")],
        cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["rnnviz analyze: error: --radius must be a finite number >= 0, got nan"]
    assert not (tmp_path / "out").exists()  # nothing written on bad input


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_out_writes_csv_files_and_run_json(capsys, tmp_path):
    out = tmp_path / "results" / "lstm"
    result = analyze_json(capsys, *SMALL, "--cell", "lstm", "--batch", "2", "--anchor", "2", "--out", str(out))
    expected = {
        "spectra.csv", "final_state.csv", "state_jacobian.csv", "hidden_jacobian.csv", "cell_jacobian.csv",
        "highway.csv", "grad_norm_per_step.csv", "bound.csv", "run.json",
    }
    assert {path.name for path in out.iterdir()} == expected

    run_info = json.loads((out / "run.json").read_text())
    assert run_info["config"] == result["config"]
    assert set(run_info["versions"]) >= {"python", "numpy", "rnnviz"}
    assert sorted(run_info["files"]) == sorted(expected - {"run.json"})

    rows = _read_csv(out / "state_jacobian.csv")
    assert [int(row["k"]) for row in rows] == list(range(1, 11))
    np.testing.assert_allclose(
        [float(row["log10_spectral_norm"]) for row in rows], result["state_jacobian"]["log10_spectral_norm"]
    )
    np.testing.assert_allclose(
        [float(row["log10_frobenius_norm"]) for row in rows], result["state_jacobian"]["log10_frobenius_norm"]
    )
    gradients = _read_csv(out / "grad_norm_per_step.csv")
    assert [int(row["t"]) for row in gradients] == list(range(1, 13))
    np.testing.assert_allclose([float(row["grad_norm"]) for row in gradients], result["grad_norm_per_step"])
    spectra = _read_csv(out / "spectra.csv")
    assert [row["block"] for row in spectra] == result["blocks"]
    final = _read_csv(out / "final_state.csv")
    assert len(final) == 2 * 2 * 5  # states h, c × batch × hidden
    bound = _read_csv(out / "bound.csv")
    assert list(bound[0]) == ["k", "log10", "rho_log10"]
    assert not any(name.endswith(".tmp") or name.startswith(".") for name in os.listdir(out))


def test_out_replaces_previous_results(capsys, tmp_path):
    out = tmp_path / "out"
    analyze_json(capsys, *SMALL, "--cell", "rnn", "--out", str(out))
    first = (out / "state_jacobian.csv").read_text()
    analyze_json(capsys, *SMALL, "--cell", "rnn", "--radius", "0.5", "--out", str(out))
    assert (out / "state_jacobian.csv").read_text() != first
    assert json.loads((out / "run.json").read_text())["config"]["radius"] == 0.5


def test_out_onto_a_file_is_rejected(capsys, tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep")
    assert_one_error_line(capsys, [*SMALL, "--out", str(target)], "exists and is not a directory")
    assert target.read_text() == "keep"


def test_zero_norms_are_null_in_json_and_empty_in_csv(capsys, tmp_path):
    # A zero recurrent matrix makes every product exactly zero: log10 norm = -inf.
    result = analyze_json(
        capsys, "--cell", "rnn", "--activation", "linear", "--init", "orthogonal", "--radius", "0",
        "--hidden", "3", "--seq-len", "4", "--out", str(tmp_path),
    )
    assert result["state_jacobian"]["log10_spectral_norm"] == [None] * 4
    assert result["bound"]["log10"] == [None] * 4
    rows = _read_csv(tmp_path / "state_jacobian.csv")
    assert [row["log10_spectral_norm"] for row in rows] == [""] * 4


def test_summary_without_json(capsys):
    assert cli.main(["analyze", *SMALL, "--cell", "gru"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("network: gru (tanh), hidden 5, input 3, 1 layer(s); T = 12, batch 1, float64")
    assert "weight_hh_l0[z]: spectral radius" in out
    assert "log10 highway norm at k=12" in out


def test_aux_flags_reach_the_analysis(capsys):
    plain = analyze_json(capsys, *SMALL)
    result = analyze_json(capsys, *SMALL, "--aux-size", "3", "--aux-pattern", "gaussian", "--aux-scale", "2")
    config = result["config"]
    assert (config["aux_size"], config["aux_pattern"], config["aux_scale"]) == (3, "gaussian", 2.0)
    # the same network and inputs plus W_aux a_t: the gradients differ, the spectra do not
    assert result["spectral_radius"] == plain["spectral_radius"]
    assert not np.allclose(result["grad_norm_per_step"], plain["grad_norm_per_step"])
    from dataclasses import fields

    from rnnviz.core.analysis import ExperimentConfig, run_fast

    fast = run_fast(ExperimentConfig(**{f.name: config[f.name] for f in fields(ExperimentConfig)}), tol=None)
    np.testing.assert_allclose(result["grad_norm_per_step"], fast.grad_norm_per_step, rtol=1e-12)


def test_encoder_decoder_flags(capsys):
    result = analyze_json(capsys, *SMALL, "--loss", "encoder-decoder", "--encoder-steps", "5",
                          "--decoder-steps", "4")
    config = result["config"]
    assert (config["loss_placement"], config["encoder_steps"], config["decoder_steps"]) == \
        ("encoder-decoder", 5, 4)
    grads = np.array(result["grad_norm_per_step"])
    assert np.all(grads[:8] > 0)               # reached only through the decoder's losses 9…12
    assert cli.main(["analyze", *SMALL, "--loss", "encoder-decoder"]) == 0
    assert "loss on steps 7-12" in capsys.readouterr().out


@pytest.mark.parametrize("arguments, fragment", [
    (["--aux-size", "-1"], "--aux-size must be in [0,"),
    (["--aux-pattern", "previous"], "invalid choice"),
    (["--aux-scale", "nan"], "--aux-scale must be a finite number"),
    (["--loss", "encoder-decoder", "--encoder-steps", "10", "--decoder-steps", "4"], "N + M <= T = 12"),
    (["--loss", "step", "--loss-step", "13"], "--loss-step must be in [1, 12]"),
])
def test_bad_topology_flags_give_one_error_line(capsys, arguments, fragment):
    assert_one_error_line(capsys, [*SMALL, *arguments], fragment)
