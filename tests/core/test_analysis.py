"""The explorer's computation: configuration checks, results for every cell, analytic cases."""
import math

import numpy as np
import pytest

from rnnviz.core import analysis
from rnnviz.core.analysis import ExperimentConfig, ForwardResult, build, iter_fast, iter_map, run_fast
from rnnviz.core.config import CELLS, ConfigError
from rnnviz.core.products import Cancelled

SMALL = dict(hidden_size=6, input_size=3, seq_len=12)


@pytest.mark.parametrize("cell", CELLS)
def test_run_fast_shapes_for_every_cell(cell):
    cfg = ExperimentConfig(cell=cell, **SMALL)
    r = run_fast(cfg)
    T, H = 12, 6
    assert r.curve["k"].tolist() == list(range(1, T + 1))
    assert r.grad_norm_per_step.shape == (T,)
    assert r.itemized.shape == (T, T)
    assert r.hidden.shape == (T + 1, H)
    assert r.jacobians.shape == (T, r.net.state_size, r.net.state_size)
    assert np.isfinite(r.loss)
    if r.net.is_lstm:
        assert {"hidden_spectral", "cell_spectral", "highway"} <= set(r.curve)
        assert r.cell.shape == (T + 1, H)
    if r.net.is_gru:
        assert "highway" in r.curve
    maps = list(iter_map(r))
    assert maps[-1].complete and maps[-1].log10_spectral.shape == (T, T)
    # the map row of the anchor is the curve
    np.testing.assert_allclose(maps[-1].log10_frobenius[0], r.curve["log10_frobenius"], rtol=1e-9)


@pytest.mark.parametrize("rho", [0.5, 0.95, 1.5])
def test_linear_orthogonal_curve_and_bound_are_rho_to_the_k(rho):
    cfg = ExperimentConfig(cell="rnn", activation="linear", init="orthogonal", radius=rho, seq_len=40,
                           hidden_size=10, anchor=5)
    r = run_fast(cfg)
    k = np.arange(1, 36)
    np.testing.assert_allclose(r.curve["log10_spectral"], k * math.log10(rho), atol=1e-9)
    np.testing.assert_allclose(r.bound["rho_log10"], k * math.log10(rho), atol=1e-9)
    np.testing.assert_allclose(r.bound["log10"], k * math.log10(rho), atol=1e-9)  # gamma = 1, sigma = rho


def test_tanh_curve_stays_under_the_pascanu_bound():
    cfg = ExperimentConfig(cell="rnn", activation="tanh", init="gaussian", radius=0.9, seq_len=60,
                           hidden_size=16)
    r = run_fast(cfg)
    assert np.all(r.curve["log10_spectral"] <= r.bound["log10"] + 1e-9)


def test_extreme_norms_do_not_underflow():
    cfg = ExperimentConfig(cell="rnn", activation="linear", init="orthogonal", radius=1e-3, seq_len=200,
                           hidden_size=4)
    r = run_fast(cfg)
    assert r.curve["log10_spectral"][-1] == pytest.approx(-600, abs=1e-6)   # 1e-600, not 0


def test_inputs_signals_and_targets():
    for signal in ("gaussian", "zeros", "constant", "sine", "onehot"):
        net, p, x, y = build(ExperimentConfig(input_signal=signal, **SMALL))
        assert x.shape == (12, 1, 3) and y.shape == (12, 1)
    net, p, x, y = build(ExperimentConfig(input_signal="text", input_text="abc", **SMALL))
    assert np.all(x.sum(axis=-1) == 1)
    np.testing.assert_array_equal(np.argmax(x[1:, 0], axis=-1), y[:-1, 0])   # next-token targets
    with pytest.raises(ConfigError, match="needs some text"):
        build(ExperimentConfig(input_signal="text", input_text="", **SMALL))


@pytest.mark.parametrize("bad", [dict(radius=-1.0), dict(radius=float("nan")), dict(seq_len=0),
                                 dict(hidden_size=0), dict(cell="transformer"), dict(anchor=12),
                                 dict(truncate=-2), dict(loss_step=13), dict(dtype="float16"),
                                 dict(init="xavier"), dict(input_signal="noise")])
def test_invalid_configs_raise_one_line(bad):
    with pytest.raises(ConfigError) as info:
        ExperimentConfig(**dict(SMALL, **bad)).validate()
    assert "\n" not in str(info.value)


def test_round_trip_and_unknown_keys():
    cfg = ExperimentConfig(cell="gru", truncate=5, radius=None)
    assert ExperimentConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ConfigError, match="unknown configuration key"):
        ExperimentConfig.from_dict(dict(cfg.to_dict(), colour="red"))


def test_cancel():
    with pytest.raises(Cancelled):
        run_fast(ExperimentConfig(**SMALL), should_stop=lambda: True)
    r = run_fast(ExperimentConfig(**SMALL))
    with pytest.raises(Cancelled):
        list(iter_map(r, should_stop=lambda: True))


def test_big_configurations_are_windowed(monkeypatch):
    cfg = ExperimentConfig(cell="lstm", hidden_size=4, input_size=2, seq_len=50, anchor=30)
    S = 8
    monkeypatch.setattr(analysis, "JACOBIAN_BYTES", 10 * S * S * 8)
    r = run_fast(cfg)
    assert r.jacobians.shape[0] == 10 and r.jacobian_start == 30
    assert r.curve["k"].size == 10
    monkeypatch.setattr(analysis, "JACOBIAN_BYTES", 1 << 30)
    full = run_fast(cfg)
    np.testing.assert_allclose(r.curve["log10_spectral"], full.curve["log10_spectral"][:10], rtol=1e-9)
    assert analysis.map_max_k(100, 128, budget=1e9) < 100


def test_big_configurations_keep_the_fast_stage_within_budget(monkeypatch):
    """Itemized rows and the curve's horizon shrink with the flop budgets; small cases are complete."""
    monkeypatch.setattr(analysis, "ITEMIZE_FLOPS", 1.0)
    monkeypatch.setattr(analysis, "CURVE_FLOPS", 2.0 * 8 ** 3 * 5)   # S = 8: five products
    r = run_fast(ExperimentConfig(cell="lstm", hidden_size=4, input_size=2, seq_len=30))
    assert r.curve["k"].size == 5
    assert np.count_nonzero(r.itemized.any(axis=1)) == 4             # at least four loss steps


def test_fast_result_carries_per_layer_and_output_gradient_norms():
    config = ExperimentConfig(cell="rnn", hidden_size=5, input_size=3, seq_len=9, num_layers=2,
                              bidirectional=True, loss_placement="step", loss_step=4)
    fast = run_fast(config)
    assert fast.layer_grad_norms.shape == (4, 9)
    top = fast.layer_grad_norms[2:]
    np.testing.assert_allclose(np.sqrt((top ** 2).sum(axis=0)), fast.grad_norm_per_step, rtol=1e-12)
    # the loss at step 4 alone puts a gradient on the output: ‖∂L₄/∂h₄‖, the itemized diagonal
    assert np.flatnonzero(fast.output_grad_norm).tolist() == [3]
    np.testing.assert_allclose(fast.output_grad_norm[3], fast.itemized[3, 3], rtol=1e-12)


@pytest.mark.parametrize("cell, layers", [("lstm", 1), ("gru", 2), ("rnn", 1)])
def test_iter_fast_gives_the_forward_part_first_then_run_fasts_result(cell, layers):
    config = ExperimentConfig(cell=cell, hidden_size=5, input_size=3, num_layers=layers, seq_len=9, seed=4)
    deliveries = list(iter_fast(config))
    assert [kind for kind, _ in deliveries] == ["forward", "fast"]
    (_, part), (_, fast) = deliveries
    assert isinstance(part, ForwardResult) and not isinstance(part, analysis.FastResult) and fast.forward is part
    # the forward part's arrays are the whole result's
    assert fast.gates is part.gates and fast.hidden is part.hidden and fast.spectra is part.spectra
    reference = run_fast(config)
    for name in ("hidden", "grad_norm_per_step", "itemized", "jacobians"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(reference, name), err_msg=name)
    if cell == "lstm":
        np.testing.assert_array_equal(part.cell, reference.cell)
    for gate in reference.gates:
        np.testing.assert_array_equal(part.gates[gate], reference.gates[gate])
        np.testing.assert_array_equal(part.gate_mean[gate], reference.gate_mean[gate])
    for key in reference.curve:
        np.testing.assert_array_equal(fast.curve[key], reference.curve[key], err_msg=key)
    assert part.loss == reference.loss and fast.gamma == part.gamma == reference.gamma
    assert [s.spectral_radius for s in part.spectra] == [s.spectral_radius for s in reference.spectra]
