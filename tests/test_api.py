"""rnnviz.analyze: the Python API returns what ``rnnviz analyze --json`` prints, typed."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import rnnviz
from rnnviz.core.config import ConfigError
from rnnviz.core.params import init_params, save_npz
from rnnviz.core.config import NetConfig
from tests.test_cli_analyze import SMALL, analyze_json



def test_import_rnnviz_stays_light():
    code = ("import sys, rnnviz; heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('numpy', 'PySide6', 'torch', 'pyqtgraph')]; print(heavy); "
            "assert callable(rnnviz.analyze) and callable(rnnviz.show); "
            "print([m for m in sys.modules if m.split('.')[0] in ('PySide6', 'torch')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    before, after = out.stdout.splitlines()
    assert before == "[]" and after == "[]"


def test_result_is_the_cli_json(capsys, tmp_path):
    """Same network and flags: to_json_dict() equals the command line's JSON, key for key."""
    cli = analyze_json(capsys, *SMALL, "--cell", "lstm")
    result = rnnviz.analyze(cell="lstm", hidden_size=5, input_size=3, seq_len=12, seed=3)
    assert json.loads(json.dumps(result.to_json_dict(), allow_nan=False)) == cli
    # attributes are the JSON keys, numbers as arrays
    np.testing.assert_array_equal(result.final_state["h"], np.array(cli["final_state"]["h"]))
    assert isinstance(result.state_jacobian.log10_spectral_norm, np.ndarray)
    np.testing.assert_array_equal(result.state_jacobian.log10_spectral_norm,
                                  cli["state_jacobian"]["log10_spectral_norm"])
    np.testing.assert_array_equal(result.highway.log10_norm, cli["highway"]["log10_norm"])
    np.testing.assert_array_equal(result.grad_norm_per_step, cli["grad_norm_per_step"])
    assert result.cell_jacobian.anchor == 0 and result.map is None
    assert result.config["precision"] == "exact"
    with pytest.raises(AttributeError):
        result.loss = 0.0


def test_path_dict_and_map_agree_with_the_cli(capsys, tmp_path):
    net = NetConfig(cell="gru", hidden_size=4, input_size=2)
    params = init_params(net, "gaussian", scale=0.8, seed=2)
    path = tmp_path / "gru.npz"
    save_npz(path, params, net)
    x = np.random.default_rng(0).normal(size=(9, 2))
    np.save(tmp_path / "x.npy", x)
    cli = analyze_json(capsys, "--weights", str(path), "--inputs", str(tmp_path / "x.npy"), "--anchor", "2",
                       "--map", str(tmp_path / "map.npy"))
    from_path = rnnviz.analyze(path, x, anchor=2, map=True)
    from_dict = rnnviz.analyze(dict(params), x, anchor=2, cell="gru")
    for result in (from_path, from_dict):
        ours = result.to_json_dict()
        for key in ("final_state", "state_jacobian", "highway", "grad_norm_per_step", "bound", "loss"):
            assert ours[key] == cli[key], key
    np.testing.assert_array_equal(from_path.map.table(), np.load(tmp_path / "map.npy"))
    assert "map" in from_path.to_json_dict() and from_dict.map is None


def test_saturation_example_through_the_api():
    params = {"weight_ih_l0": np.array([[25.0]]), "weight_hh_l0": np.array([[0.5]]),
              "bias_ih_l0": np.zeros(1), "bias_hh_l0": np.zeros(1)}
    result = rnnviz.analyze(params, np.array([[1.0], [0.0]]), anchor=0)
    value = result.state_jacobian.log10_spectral_norm[0]
    assert value == pytest.approx(np.log10(0.5 / np.cosh(25.0) ** 2), abs=1e-12)
    assert round(value, 3) == -21.414


@pytest.mark.parametrize("call, fragment", [
    (lambda: rnnviz.analyze(42), "expected a path, a dict of arrays or a torch module"),
    (lambda: rnnviz.analyze(cell="lstm", colour="red"), "unknown analyze option(s) colour"),
    (lambda: rnnviz.analyze(cell="rnn", hidden_size=2, input_size=3, seq_len=4, anchor=4), "anchor"),
    (lambda: rnnviz.analyze(cell="rnn", input_size=3, tol=0.0), "tol must be a number"),
    (lambda: rnnviz.analyze({"weight_ih_l0": np.ones((2, 1)), "weight_hh_l0": np.ones((2, 2)),
                             "bias_ih_l0": np.zeros(2), "bias_hh_l0": np.zeros(2)},
                            np.ones((3, 2))), "inputs: expected shape (T, 1)"),
    (lambda: rnnviz.analyze({"weight_ih_l0": np.ones((2, 1)), "weight_hh_l0": np.ones((2, 2)),
                             "bias_ih_l0": np.zeros(2), "bias_hh_l0": np.zeros(2)},
                            hidden_size=3), "hidden_size=3 does not match the network"),
])
def test_bad_arguments_are_config_errors(call, fragment):
    with pytest.raises(ConfigError, match=None) as info:
        call()
    assert fragment in str(info.value)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_torch_module_matches_torch(kind, torch):
    torch.manual_seed(0)
    module = getattr(torch.nn, kind)(input_size=3, hidden_size=4, num_layers=2, batch_first=True).double()
    x = torch.randn(1, 7, 3, dtype=torch.float64, requires_grad=False)
    result = rnnviz.analyze(module, x)
    out = module(x)
    h_n = out[1][0] if kind == "LSTM" else out[1]
    np.testing.assert_allclose(result.final_state["h"], h_n[-1].detach().numpy(), rtol=1e-12, atol=1e-14)
    if kind == "LSTM":
        np.testing.assert_allclose(result.final_state["c"], out[1][1][-1].detach().numpy(), rtol=1e-12)
    # k = 1 .. T: ‖∂s_k/∂s_0‖ of the whole state from torch autograd (float64)
    S = module.hidden_size * module.num_layers * (2 if kind == "LSTM" else 1)

    def final_state(s0, steps):
        parts = s0.reshape(-1, module.num_layers, 1, module.hidden_size).transpose(0, 1)
        state = (parts[:, 0].contiguous(), parts[:, 1].contiguous()) if kind == "LSTM" else parts[:, 0].contiguous()
        _, last = module(x[:, :steps], state)
        return torch.cat([last[0].reshape(-1), last[1].reshape(-1)]) if kind == "LSTM" else last.reshape(-1)

    # rnnviz orders the state layer by layer ([h; c] per layer); torch's autograd Jacobian is
    # reordered to match before the norm (a permutation of rows and columns keeps the norm)
    for k in (1, 4, 7):
        J = torch.autograd.functional.jacobian(lambda s0: final_state(s0, k), torch.zeros(S, dtype=torch.float64))
        norm = np.linalg.svd(J.numpy(), compute_uv=False)[0]
        assert result.state_jacobian.log10_spectral_norm[k - 1] == pytest.approx(np.log10(norm), abs=1e-10)


def test_a_map_runs_the_fast_stage_once(monkeypatch, capsys, tmp_path):
    """analyze(map=True) and ``rnnviz analyze --map`` share one forward pass and one set of step
    Jacobians between the anchor curve and the map."""
    from rnnviz.core import analysis

    calls = []
    real = analysis.run_fast

    def counted(*args, **kwargs):
        calls.append(kwargs.get("tol"))
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "run_fast", counted)
    result = rnnviz.analyze(cell="gru", hidden_size=4, input_size=2, seq_len=6, map=True)
    assert len(calls) == 1 and result.map is not None
    assert result.map.table().shape == (6 * 7 // 2, 4)
    calls.clear()
    cli = analyze_json(capsys, *SMALL, "--cell", "gru", "--map", str(tmp_path / "map.npy"))
    assert len(calls) == 1 and "map" not in cli
    np.testing.assert_array_equal(np.load(tmp_path / "map.npy"),
                                  rnnviz.analyze(cell="gru", hidden_size=5, input_size=3, seq_len=12,
                                                 seed=3, map=True).map.table())


def test_aux_and_encoder_decoder_through_the_api(capsys):
    """rnnviz.analyze takes the new fields as configuration keys, as the command line its flags."""
    cli = analyze_json(capsys, *SMALL, "--cell", "lstm", "--aux-size", "3", "--loss", "encoder-decoder",
                       "--decoder-steps", "3")
    result = rnnviz.analyze(cell="lstm", hidden_size=5, input_size=3, seq_len=12, seed=3, aux_size=3,
                            loss_placement="encoder-decoder", decoder_steps=3)
    assert json.loads(json.dumps(result.to_json_dict(), allow_nan=False)) == cli
    # a loaded network gets seeded W_aux (the file has none)
    net = NetConfig(cell="rnn", hidden_size=4, input_size=2)
    loaded = rnnviz.analyze(dict(init_params(net, "gaussian", seed=1)), np.ones((6, 2)), aux_size=2)
    plain = rnnviz.analyze(dict(init_params(net, "gaussian", seed=1)), np.ones((6, 2)))
    assert loaded.config["aux_size"] == 2
    assert not np.allclose(loaded.grad_norm_per_step, plain.grad_norm_per_step)
    with pytest.raises(ConfigError, match="auxiliary input pattern"):
        rnnviz.analyze(aux_pattern="previous")
