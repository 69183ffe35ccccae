"""The explorer's fast paths give the numbers of the reference paths they replace."""
import itertools

import numpy as np
import pytest

from rnnviz.core import analysis
from rnnviz.core.analysis import ExperimentConfig, run_fast
from rnnviz.core.bptt import backward, loss_steps_for, readout_loss
from rnnviz.core.cells import make_cell
from rnnviz.core.config import CELLS
from rnnviz.core.jacobian import (itemized_from_jacobians, itemized_from_jacobians_reference,
                                  step_jacobians)
from rnnviz.core.params import block_spectra, init_params
from rnnviz.core.sequence import forward


def _setup(cell, layers, T=9, activation="tanh", seed=3):
    cfg = ExperimentConfig(cell=cell, activation=activation, hidden_size=5, input_size=3,
                           num_layers=layers, seq_len=T, seed=seed)
    net, params, x, targets = analysis.build(cfg)
    return cfg, net, params, x, targets


@pytest.mark.parametrize("cell,layers,truncate", [
    (c, L, k) for c, L, k in itertools.product(CELLS, (1, 2), (None, 3))])
def test_itemized_from_jacobians_equals_cell_backward(cell, layers, truncate):
    cfg, net, params, x, targets = _setup(cell, layers)
    T = cfg.seq_len
    for steps in (loss_steps_for("all", T), np.array([2, 5, T]), np.array([T])):
        trace = forward(params, net, x)
        _, d_out, _ = readout_loss(params, trace.output, targets, steps)
        ref = backward(params, net, trace, d_out, truncate=truncate, itemize=steps).itemized
        Sl = net.layer_state_size
        top = slice((layers - 1) * Sl, layers * Sl)
        got = itemized_from_jacobians(step_jacobians(params, net, trace), d_out[:, 0, :net.hidden_size],
                                      steps, truncate, rows=top)
        assert np.count_nonzero(ref) > 0
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("changes", [{}, {"bidirectional": True}, {"batch": 2}, {"num_layers": 2}])
def test_run_fast_itemized_matches_reference_path(changes):
    """run_fast takes the Jacobian route for one unidirectional sequence and the cell backward
    otherwise; both give the reference matrix."""
    cfg = ExperimentConfig(cell="gru", hidden_size=6, input_size=3, seq_len=15, truncate=4).replace(**changes)
    fast = run_fast(cfg)
    net, params, x, targets = analysis.build(cfg)
    trace = forward(params, net, x)
    steps = loss_steps_for("all", cfg.seq_len)
    _, d_out, _ = readout_loss(params, trace.output, targets, steps)
    ref = backward(params, net, trace, d_out, truncate=4, itemize=steps).itemized
    assert np.count_nonzero(ref) > 0
    np.testing.assert_allclose(fast.itemized, ref, rtol=1e-12)


@pytest.mark.parametrize("changes", [{}, {"truncate": 7}, {"cell": "lstm-cifg", "loss_placement": "last"},
                                     {"cell": "gru"}, {"num_layers": 2, "hidden_size": 16}])
def test_itemized_from_jacobians_equals_its_plain_form(changes):
    """The explorer's default size (LSTM H = 64, T = 100): the half-diagonal products and batched
    bookkeeping of itemized_from_jacobians give the plain loop's numbers (dense products)."""
    cfg = ExperimentConfig().replace(**changes)
    net, params, x, targets = analysis.build(cfg)
    trace = forward(params, net, x)
    steps = analysis.config_loss_steps(cfg)
    _, d_out, _ = readout_loss(params, trace.output, targets, steps)
    Sl = net.layer_state_size
    top = slice((net.num_layers - 1) * Sl, net.num_layers * Sl)
    kappa = analysis._top_output_slope(net, trace) if net.is_lstm else None
    args = (step_jacobians(params, net, trace), d_out[:, 0, :net.hidden_size], steps, cfg.truncate)
    got = itemized_from_jacobians(*args, rows=top, kappa=kappa)
    want = itemized_from_jacobians_reference(*args, rows=top, kappa=kappa)
    for a, b in zip(*((got, want) if net.is_lstm else ((got,), (want,))), strict=True):
        assert np.count_nonzero(b) > 0
        np.testing.assert_array_equal(a == 0, b == 0)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)


@pytest.mark.parametrize("cell,truncate,placement", [
    (c, k, p) for c, k, p in itertools.product(CELLS, (None, 0, 4), ("all", "last"))])
def test_one_layer_gradient_norms_come_from_the_itemized_rows(cell, truncate, placement, monkeypatch):
    """One layer, one sequence: run_fast sums the itemized rows for BPTT's per-step gradient norms
    (∂L/∂h_t and, for LSTMs, ∂L/∂c_t, truncated or not) instead of running the cell backward;
    they are the cell backward's numbers."""
    cfg = ExperimentConfig(cell=cell, hidden_size=6, input_size=3, seq_len=14, truncate=truncate,
                           loss_placement=placement, seed=2)
    ran = []
    real = analysis.backward
    monkeypatch.setattr(analysis, "backward", lambda *a, **k: ran.append(1) or real(*a, **k))
    fast = run_fast(cfg, processes=False)
    assert not ran
    net, params, x, targets = analysis.build(cfg)
    trace = forward(params, net, x)
    _, d_out, _ = readout_loss(params, trace.output, targets, analysis.config_loss_steps(cfg))
    ref = backward(params, net, trace, d_out, truncate=truncate)
    assert np.count_nonzero(ref.grad_norm_per_step) > 0
    for name in ("grad_norm_per_step", "layer_grad_norms", "layer_cell_grad_norms"):
        want = getattr(ref, name)
        if want is None:
            assert getattr(fast, name) is None
            continue
        np.testing.assert_array_equal(getattr(fast, name) == 0, want == 0)
        np.testing.assert_allclose(getattr(fast, name), want, rtol=1e-12, atol=0)


def test_stacked_nets_still_run_the_cell_backward(monkeypatch):
    ran = []
    real = analysis.backward
    monkeypatch.setattr(analysis, "backward", lambda *a, **k: ran.append(1) or real(*a, **k))
    run_fast(ExperimentConfig(hidden_size=4, input_size=3, seq_len=8, num_layers=2), processes=False)
    assert ran


def test_step_jacobian_over_time_equals_per_step():
    """The cells' step_jacobian on (T, ...) caches equals T single-step calls."""
    for cell in CELLS:
        cfg, net, params, x, _ = _setup(cell, 1, activation="leaky-relu")
        trace = forward(params, net, x)
        lt = trace.layers[0][0]
        c = make_cell(net.cell)
        all_steps = c.step_jacobian(lt.weights, trace.activation, {k: v[:, 1 % x.shape[1]]
                                                                   for k, v in lt.cache.items()},
                                    Ellipsis, lt.weights.w_ih)
        for t in range(cfg.seq_len):
            one = c.step_jacobian(lt.weights, trace.activation, {k: v[t] for k, v in lt.cache.items()},
                                  1 % x.shape[1], lt.weights.w_ih)
            np.testing.assert_allclose(all_steps[0][t], one[0], rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(all_steps[1][t], one[1], rtol=1e-13, atol=1e-15)
        # Written into a given array, and without the input Jacobian when w_in is None.
        out = np.full_like(all_steps[0], np.nan)
        into, jx = c.step_jacobian(lt.weights, trace.activation, {k: v[:, 1 % x.shape[1]]
                                                                  for k, v in lt.cache.items()},
                                   Ellipsis, None, out=out)
        assert into is out and jx is None
        np.testing.assert_array_equal(out, all_steps[0])


@pytest.mark.parametrize("cfg", [
    ExperimentConfig(),
    ExperimentConfig(cell="gru-cho", radius=1.4, num_layers=2, bidirectional=True),
    ExperimentConfig(cell="rnn", init="identity", activation="relu", radius=0.5),
    ExperimentConfig(cell="rnn", init="pytorch", radius=None),
    ExperimentConfig(cell="lstm-peephole", dtype="float32", radius=0.8),
])
def test_cached_initial_params_are_exactly_init_params(cfg):
    analysis._INIT_CACHE.clear()
    for _ in range(2):  # a miss, then a hit
        params, spectra = analysis._initial_params(cfg)
        ref = init_params(cfg.net, cfg.init, scale=cfg.init_scale, seed=cfg.seed, radius=cfg.radius,
                          forget_bias=cfg.forget_bias, output_size=cfg.input_size,
                          dtype=np.dtype(cfg.dtype))
        assert params.keys() == ref.keys()
        for k in ref:
            assert params[k].dtype == ref[k].dtype
            np.testing.assert_array_equal(params[k], ref[k])
        for got, want in zip(spectra, block_spectra(ref, cfg.net), strict=True):
            assert got.name == want.name
            assert got.spectral_radius == pytest.approx(want.spectral_radius, rel=1e-12, abs=1e-300)
            assert got.sigma_max == pytest.approx(want.sigma_max, rel=1e-12, abs=1e-300)
            np.testing.assert_allclose(np.sort(got.singular_values), np.sort(want.singular_values),
                                       rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(np.sort_complex(got.eigenvalues),
                                       np.sort_complex(want.eigenvalues), rtol=1e-10, atol=1e-13)


def test_cached_params_are_copies():
    cfg = ExperimentConfig(hidden_size=4, input_size=2, seq_len=5)
    a, _ = analysis._initial_params(cfg)
    a["weight_hh_l0"][:] = 123.0
    b, _ = analysis._initial_params(cfg)
    assert not np.any(b["weight_hh_l0"] == 123.0)


def test_run_fast_runs_with_single_threaded_blas(monkeypatch):
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]

    seen = []
    real_forward = analysis.forward

    def spy(*args, **kwargs):
        seen.append(blas_threads())
        return real_forward(*args, **kwargs)

    monkeypatch.setattr(analysis, "forward", spy)
    before = blas_threads()
    run_fast(ExperimentConfig(hidden_size=4, input_size=2, seq_len=5))
    assert seen and all(n == 1 for n in seen[0])
    assert blas_threads() == before          # restored afterwards


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_anchor_curve_of_a_stacked_net_measures_each_layers_own_block(cell):
    """curve["layer_spectral"][l] = log10 ‖P[l, l]‖₂ of P = ∂s(t₀+k)/∂s(t₀) = J_{t₀+k} ⋯ J_{t₀+1},
    the product written out here; LSTMs also each layer's c→c block; Lanczos agrees with SVD."""
    cfg = ExperimentConfig(cell=cell, hidden_size=4, input_size=3, num_layers=3, seq_len=10, anchor=2,
                           seed=5)
    exact = run_fast(cfg, tol=None)
    fast = run_fast(cfg)
    net, params, x, _ = analysis.build(cfg)
    J = step_jacobians(params, net, forward(params, net, x))
    Sl, H = net.layer_state_size, net.hidden_size
    P = np.eye(net.state_size)
    k = exact.curve["k"]
    assert exact.curve["layer_spectral"].shape == (3, k.size)
    for i, step in enumerate(k):
        P = J[cfg.anchor + step - 1] @ P
        for layer in range(3):
            own = P[layer * Sl:(layer + 1) * Sl, layer * Sl:(layer + 1) * Sl]
            np.testing.assert_allclose(exact.curve["layer_spectral"][layer, i], np.log10(np.linalg.norm(own, 2)),
                                       rtol=1e-10)
            np.testing.assert_allclose(exact.curve["layer_frobenius"][layer, i], np.log10(np.linalg.norm(own)),
                                       rtol=1e-10)
            if cell == "lstm":
                cc = own[H:, H:]
                np.testing.assert_allclose(exact.curve["layer_cell_spectral"][layer, i],
                                           np.log10(np.linalg.norm(cc, 2)), rtol=1e-10)
    # the layers' blocks differ from each other and from the whole state's norm
    assert not np.allclose(exact.curve["layer_spectral"][0], exact.curve["layer_spectral"][2])
    assert not np.allclose(exact.curve["layer_spectral"][2], exact.curve["log10_spectral"])
    np.testing.assert_allclose(fast.curve["layer_spectral"], exact.curve["layer_spectral"], rtol=1e-5, atol=1e-5)
    if cell == "lstm":
        np.testing.assert_array_equal(exact.curve["layer_cell_spectral"][0], exact.curve["cell_spectral"])
    assert "layer_spectral" not in run_fast(cfg.replace(num_layers=1)).curve
