"""‖∂L/∂c_t‖ of the LSTMs' cell state: against central finite differences (c_t perturbed in an
explicit forward written out below), torch autograd, the fused loops, truncation and the itemized
matrices.

∂L/∂c_t is c_t's total gradient: c_t reaches the loss through h_t = o_t φ(c_t) (and, with peepholes,
through o_t) and through c_{t+1}. Perturbing c_t means changing it after c_t = f c_{t−1} + i g has
been formed and before h_t is.
"""
import itertools

import numpy as np
import pytest

from rnnviz.core import analysis
from rnnviz.core.analysis import ExperimentConfig, run_fast
from rnnviz.core.bptt import backward, itemize_layers, itemize_top_layer, loss_steps_for, readout_loss
from rnnviz.core.config import LSTM_CELLS, NetConfig
from rnnviz.core.jacobian import itemized_from_jacobians, step_jacobians
from rnnviz.core.params import init_params
from rnnviz.core.sequence import forward

T, B, IN, H, OUT = 5, 2, 2, 3, 4


def _case(cell, layers, bidirectional, activation="tanh", seed=2):
    net = NetConfig(cell=cell, activation=activation, input_size=IN, hidden_size=H,
                    num_layers=layers, bidirectional=bidirectional)
    p = init_params(net, "gaussian", scale=0.8, seed=seed, output_size=OUT)
    rng = np.random.default_rng(seed)
    for k in p:  # nonzero biases and peepholes, so that every path is exercised
        if k.startswith(("bias", "weight_c")):
            p[k] = rng.normal(0, 0.5, p[k].shape)
    x = rng.normal(size=(T, B, IN))
    y = rng.integers(0, OUT, (T, B))
    h0 = {n: rng.normal(0, 0.5, (layers * net.num_directions, B, H)) for n in net.state_names}
    return net, p, x, y, h0


def _sig(a):
    return 1 / (1 + np.exp(-a))


PHI = {"tanh": np.tanh, "sigmoid": _sig}


def _explicit_forward(net, p, x, h0, delta=None, phi=np.tanh, sig=_sig, cat=np.concatenate):
    """The LSTM equations written out (cells.py docstring), with ``delta[(layer, d, t)]`` added to
    c_t before h_t is formed. Returns the top layer's output (T, B, H·D). ``phi, sig, cat`` let the
    torch test run the same code on tensors."""
    delta = delta or {}
    D = net.num_directions
    layer_in = list(x)
    cells = {}
    for layer in range(net.num_layers):
        outs = []
        for d in range(D):
            s = f"_l{layer}" + ("_reverse" if d else "")
            W, U = p["weight_ih" + s], p["weight_hh" + s]
            bias = p["bias_ih" + s] + p["bias_hh" + s]
            row = layer * D + d
            h, c = h0["h"][row], h0["c"][row]
            hs = [None] * T
            for t in (range(T - 1, -1, -1) if d else range(T)):
                a = layer_in[t] @ W.T + h @ U.T + bias
                if net.cell == "lstm-cifg":
                    ai, ag, ao = a[..., :H], a[..., H:2 * H], a[..., 2 * H:]
                    i = sig(ai)
                    f = 1 - i
                else:
                    ai, af, ag, ao = a[..., :H], a[..., H:2 * H], a[..., 2 * H:3 * H], a[..., 3 * H:]
                    if net.cell == "lstm-peephole":
                        ai = ai + p["weight_ci" + s] * c
                        af = af + p["weight_cf" + s] * c
                    i, f = sig(ai), sig(af)
                c = f * c + i * phi(ag)
                if (layer, d, t) in delta:
                    c = c + delta[(layer, d, t)]
                cells[(layer, d, t)] = c
                if net.cell == "lstm-peephole":
                    ao = ao + p["weight_co" + s] * c
                h = sig(ao) * phi(c)
                hs[t] = h
            outs.append(hs)
        layer_in = [cat([outs[d][t] for d in range(D)], -1) for t in range(T)]
    return layer_in, cells


def _fd_cell_norms(net, p, x, y, h0, steps, eps=1e-6, activation="tanh"):
    """(L·D, T) ‖∂L/∂c_t‖ by central differences, every entry of every c_t."""
    D = net.num_directions
    out = np.zeros((net.num_layers * D, T))
    phi = PHI[activation]

    def loss(delta):
        layer_in, _ = _explicit_forward(net, p, x, h0, delta, phi=phi)
        return readout_loss(p, np.stack(layer_in), y, steps)[0]

    for layer, d, t in itertools.product(range(net.num_layers), range(D), range(T)):
        grad = np.zeros((B, H))
        for b, j in itertools.product(range(B), range(H)):
            bump = np.zeros((B, H))
            bump[b, j] = eps
            grad[b, j] = (loss({(layer, d, t): bump}) - loss({(layer, d, t): -bump})) / (2 * eps)
        out[layer * D + d, t] = np.sqrt((grad ** 2).sum())
    return out


def test_the_explicit_forward_is_the_engines():
    """The finite differences below perturb a forward that must be the engine's own."""
    for cell in LSTM_CELLS:
        net, p, x, y, h0 = _case(cell, 2, True)
        layer_in, _ = _explicit_forward(net, p, x, h0)
        np.testing.assert_allclose(np.stack(layer_in), forward(p, net, x, h0=h0).output, rtol=1e-12,
                                   atol=1e-14)


@pytest.mark.parametrize("cell", LSTM_CELLS)
@pytest.mark.parametrize("layers,bidirectional", [(2, False), (1, True)])
def test_cell_state_gradient_matches_finite_differences(cell, layers, bidirectional):
    net, p, x, y, h0 = _case(cell, layers, bidirectional)
    steps = loss_steps_for("all", T)
    trace = forward(p, net, x, h0=h0, fused_loops=False)
    _, d_output, _ = readout_loss(p, trace.output, y, steps)
    grads = backward(p, net, trace, d_output)
    expected = _fd_cell_norms(net, p, x, y, h0, steps)
    assert grads.layer_cell_grad_norms.shape == (layers * net.num_directions, T)
    assert np.all(expected > 1e-4)
    np.testing.assert_allclose(grads.layer_cell_grad_norms, expected, rtol=1e-7)
    # the last step's dc_T is the gradient of the cell output only (nothing after it)
    assert not np.allclose(grads.layer_cell_grad_norms, grads.layer_grad_norms)


def test_cell_state_gradient_of_a_sigmoid_lstm_matches_finite_differences():
    net, p, x, y, h0 = _case("lstm-peephole", 1, False, activation="sigmoid")
    steps = np.array([2, T])
    _, d_output, _ = readout_loss(p, forward(p, net, x, h0=h0).output, y, steps)
    grads = backward(p, net, forward(p, net, x, h0=h0), d_output)
    np.testing.assert_allclose(grads.layer_cell_grad_norms,
                               _fd_cell_norms(net, p, x, y, h0, steps, activation="sigmoid"), rtol=1e-7)


def test_cell_state_gradient_is_none_without_a_cell_state():
    net, p, x, y, h0 = _case("lstm", 1, False)
    gru = NetConfig(cell="gru", input_size=IN, hidden_size=H)
    pg = init_params(gru, "gaussian", seed=1, output_size=OUT)
    trace = forward(pg, gru, x)
    _, d_output, _ = readout_loss(pg, trace.output, y, loss_steps_for("all", T))
    grads = backward(pg, gru, trace, d_output, itemize=True)
    assert grads.layer_cell_grad_norms is None and grads.itemized_cell is None


@pytest.mark.parametrize("layers,bidirectional", [(1, False), (2, True)])
def test_fused_and_step_loops_give_the_same_cell_state_gradient(layers, bidirectional):
    net, p, x, y, h0 = _case("lstm", layers, bidirectional, seed=7)
    _, d_output, _ = readout_loss(p, forward(p, net, x, h0=h0).output, y, loss_steps_for("all", T))
    fused = backward(p, net, forward(p, net, x, h0=h0), d_output)
    plain = backward(p, net, forward(p, net, x, h0=h0, fused_loops=False), d_output)
    assert fused.layer_cell_grad_norms.shape == (layers * net.num_directions, T)
    np.testing.assert_allclose(fused.layer_cell_grad_norms, plain.layer_cell_grad_norms, rtol=1e-13)


@pytest.mark.parametrize("cell", LSTM_CELLS)
@pytest.mark.parametrize("layers,bidirectional", [(2, False), (1, True)])
def test_truncated_cell_state_gradient_is_the_full_one_inside_the_window(cell, layers, bidirectional):
    """With one loss step τ, the truncated gradient on c_t is the full one for τ − k ≤ t ≤ τ
    (the reverse direction: τ ≤ t ≤ τ + k) and zero outside."""
    net, p, x, y, h0 = _case(cell, layers, bidirectional, seed=4)
    tau, k = 4, 1
    trace = forward(p, net, x, h0=h0)
    _, d_output, _ = readout_loss(p, trace.output, y, np.array([tau]))
    full = backward(p, net, trace, d_output).layer_cell_grad_norms
    cut = backward(p, net, trace, d_output, truncate=k).layer_cell_grad_norms
    steps = np.arange(1, T + 1)
    for row in range(cut.shape[0]):
        reverse = bidirectional and row % 2 == 1
        inside = (steps >= tau) & (steps <= tau + k) if reverse else (steps <= tau) & (steps >= tau - k)
        np.testing.assert_allclose(cut[row, inside], full[row, inside], rtol=1e-13)
        assert np.all(cut[row, ~inside] == 0) and np.all(cut[row, inside] > 0)
        if not reverse:   # full BPTT reaches further back: the truncation did cut something
            assert np.all(full[row, steps < tau - k] > 0)


@pytest.mark.parametrize("cell", LSTM_CELLS)
@pytest.mark.parametrize("bidirectional,truncate", [(False, None), (False, 2), (True, None)])
def test_itemized_cell_rows_are_single_loss_backward_passes(cell, bidirectional, truncate):
    """Row τ of ``itemized_cell`` is ‖∂L_τ/∂c_t‖ of the top layer: a backward pass of L_τ alone."""
    net, p, x, y, h0 = _case(cell, 2, bidirectional, seed=6)
    steps = loss_steps_for("all", T)
    trace = forward(p, net, x, h0=h0)
    _, d_output, _ = readout_loss(p, trace.output, y, steps)
    grads = backward(p, net, trace, d_output, truncate=truncate, itemize=True)
    D = net.num_directions
    for tau in steps:
        alone = np.zeros_like(d_output)
        alone[tau - 1] = d_output[tau - 1]
        top = backward(p, net, trace, alone, truncate=truncate).layer_cell_grad_norms[-D:]
        np.testing.assert_allclose(grads.itemized_cell[tau - 1], np.sqrt((top ** 2).sum(axis=0)),
                                   rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("cell,layers,truncate", list(itertools.product(LSTM_CELLS, (1, 2), (None, 3))))
def test_itemized_cell_from_jacobians_equals_cell_backward(cell, layers, truncate):
    cfg = ExperimentConfig(cell=cell, hidden_size=5, input_size=3, num_layers=layers, seq_len=9, seed=3)
    net, params, x, targets = analysis.build(cfg)
    steps = np.array([2, 5, 9])
    trace = forward(params, net, x)
    _, d_out, _ = readout_loss(params, trace.output, targets, steps)
    ref_h, ref_c = itemize_top_layer(net, trace, d_out, steps, truncate, with_cell=True)
    Sl = net.layer_state_size
    top = slice((layers - 1) * Sl, layers * Sl)
    kappa = analysis._top_output_slope(net, trace)
    got_h, got_c = itemized_from_jacobians(step_jacobians(params, net, trace), d_out[:, 0, :net.hidden_size],
                                           steps, truncate, rows=top, kappa=kappa)
    assert np.count_nonzero(ref_c) > 0
    np.testing.assert_allclose(got_h, ref_h, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(got_c, ref_c, rtol=1e-12, atol=1e-300)


def _fast_and_reference(cfg):
    """run_fast of ``cfg`` and, for the reference paths, its network, weights, trace, loss steps
    (every step) and gradient on the outputs."""
    fast = run_fast(cfg)
    net, params, x, targets = analysis.build(cfg)
    trace = forward(params, net, x)
    steps = loss_steps_for("all", cfg.seq_len)
    _, d_out, _ = readout_loss(params, trace.output, targets, steps)
    return fast, net, params, trace, steps, d_out


@pytest.mark.parametrize("changes", [{}, {"bidirectional": True}, {"num_layers": 2, "truncate": 4}])
def test_run_fast_carries_the_cell_state_gradients(changes):
    """The explorer's FastResult holds ‖∂L/∂c_t‖ per layer and direction and the itemized matrix
    of the top layer's c, on both of run_fast's routes (Jacobians for one direction, else BPTT)."""
    cfg = ExperimentConfig(cell="lstm-peephole", hidden_size=6, input_size=3, seq_len=12).replace(**changes)
    fast, net, params, trace, steps, d_out = _fast_and_reference(cfg)
    ref = backward(params, net, trace, d_out, truncate=cfg.truncate, itemize=steps)
    assert fast.layer_cell_grad_norms.shape == (net.num_layers * net.num_directions, cfg.seq_len)
    np.testing.assert_allclose(fast.layer_cell_grad_norms, ref.layer_cell_grad_norms, rtol=1e-12)
    np.testing.assert_allclose(fast.itemized_cell, ref.itemized_cell, rtol=1e-12, atol=1e-300)
    assert np.count_nonzero(fast.itemized_cell) > 0
    assert run_fast(cfg.replace(cell="rnn")).layer_cell_grad_norms is None


@pytest.mark.parametrize("cell", LSTM_CELLS)
def test_cell_state_gradient_matches_torch_autograd(torch, cell):
    """The same explicit forward on torch tensors, c_t kept with retain_grad: autograd's c_t.grad
    is the total gradient on the node c_t."""
    net, p, x, y, h0 = _case(cell, 2, False, seed=9)
    steps = loss_steps_for("all", T)
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    th0 = {k: torch.tensor(v) for k, v in h0.items()}
    layer_in, cells = _explicit_forward(net, tp, list(torch.tensor(x)), th0, phi=torch.tanh,
                                        sig=torch.sigmoid, cat=torch.cat)
    for c in cells.values():
        c.retain_grad()
    out = torch.stack(layer_in)
    logits = out[steps - 1] @ tp["readout.weight"].T + tp["readout.bias"]
    target = torch.tensor(y[steps - 1])
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, OUT), target.reshape(-1),
                                             reduction="sum") / B
    loss.backward()
    expected = np.zeros((2, T))
    for (layer, _d, t), c in cells.items():
        expected[layer, t] = float(c.grad.norm())
    _, d_output, _ = readout_loss(p, forward(p, net, x, h0=h0).output, y, steps)
    for fused_loops in (True, False):
        trace = forward(p, net, x, h0=h0, fused_loops=fused_loops)
        grads = backward(p, net, trace, d_output)
        np.testing.assert_allclose(grads.layer_cell_grad_norms, expected, rtol=1e-12)


@pytest.mark.parametrize("cell,bidirectional,truncate", [
    ("lstm", False, None), ("lstm-peephole", True, None), ("lstm-cifg", True, 1), ("rnn", False, 2),
    ("gru", True, None)])
def test_itemized_every_layer_rows_are_single_loss_backward_passes(cell, bidirectional, truncate):
    """itemize_layers: row τ of every layer and direction is what BPTT of L_τ alone gives there
    (h and, for LSTMs, c), truncated alike; the top layer's rows are itemize_top_layer's. A tiny
    chunk size sends the loss terms through in several chunks."""
    net, p, x, y, h0 = _case(cell, 3, bidirectional, seed=8) if cell.startswith("lstm") else \
        _gru_or_rnn_case(cell, bidirectional)
    steps = loss_steps_for("all", T)
    trace = forward(p, net, x, h0=h0)
    _, d_output, _ = readout_loss(p, trace.output, y, steps)
    chosen = np.array([1, 3, 5])
    norms_h, norms_c = itemize_layers(net, trace, d_output, chosen, truncate, chunk_bytes=1)
    D = net.num_directions
    assert norms_h.shape == (3 * D, 3, T) and (norms_c is None) == (not net.is_lstm)
    for r, tau in enumerate(chosen):
        alone = np.zeros_like(d_output)
        alone[tau - 1] = d_output[tau - 1]
        ref = backward(p, net, trace, alone, truncate=truncate)
        np.testing.assert_allclose(norms_h[:, r], ref.layer_grad_norms, rtol=1e-12, atol=1e-300)
        if norms_c is not None:
            np.testing.assert_allclose(norms_c[:, r], ref.layer_cell_grad_norms, rtol=1e-12, atol=1e-300)
        assert np.count_nonzero(norms_h[:D, r]) > 0    # the bottom layer receives L_τ's gradient
    top = itemize_top_layer(net, trace, d_output, chosen, truncate)
    np.testing.assert_allclose(np.sqrt((norms_h[-D:] ** 2).sum(axis=0)), top[chosen - 1], rtol=1e-12,
                               atol=1e-300)


def _gru_or_rnn_case(cell, bidirectional, seed=8):
    net = NetConfig(cell=cell, input_size=IN, hidden_size=H, num_layers=3, bidirectional=bidirectional)
    p = init_params(net, "gaussian", scale=0.8, seed=seed, output_size=OUT)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(T, B, IN))
    y = rng.integers(0, OUT, (T, B))
    h0 = {"h": rng.normal(0, 0.5, (3 * net.num_directions, B, H))}
    return net, p, x, y, h0


@pytest.mark.parametrize("changes", [{"num_layers": 2}, {"num_layers": 3, "bidirectional": True, "truncate": 3},
                                     {"num_layers": 2, "cell": "gru", "batch": 2}])
def test_run_fast_itemizes_every_layer_of_a_stacked_net(changes):
    cfg = ExperimentConfig(cell="lstm", hidden_size=5, input_size=3, seq_len=10).replace(**changes)
    fast, net, params, trace, steps, d_out = _fast_and_reference(cfg)
    np.testing.assert_array_equal(fast.layer_itemized_steps, steps)   # small: every loss step
    ref_h, ref_c = itemize_layers(net, trace, d_out, steps, cfg.truncate)
    np.testing.assert_allclose(fast.layer_itemized, ref_h, rtol=1e-12, atol=1e-300)
    if net.is_lstm:
        np.testing.assert_allclose(fast.layer_itemized_cell, ref_c, rtol=1e-12, atol=1e-300)
    else:
        assert fast.layer_itemized_cell is None
    D = net.num_directions
    top = np.sqrt((fast.layer_itemized[-D:] ** 2).sum(axis=0))
    np.testing.assert_allclose(top, fast.itemized[steps - 1], rtol=1e-10, atol=1e-300)
    assert run_fast(cfg.replace(num_layers=1, bidirectional=False)).layer_itemized is None


def test_run_fast_itemizes_fewer_loss_steps_of_every_layer_when_the_budget_says_so(monkeypatch):
    cfg = ExperimentConfig(cell="lstm", hidden_size=5, input_size=3, seq_len=30, num_layers=3)
    per_row = 2.0 * 4 * 5 * 5 * 30      # G·H·T·D·B flops of one loss step's rows in one layer
    monkeypatch.setattr(analysis, "ITEMIZE_FLOPS", per_row * 3 * 7)   # 7 loss steps for 3 layers
    fast = run_fast(cfg)
    assert fast.layer_itemized_steps.size == 7 and fast.layer_itemized.shape == (3, 7, 30)
    assert fast.layer_itemized_steps[-1] == 30
    assert set(fast.layer_itemized_steps) <= set(np.flatnonzero(np.diagonal(fast.itemized)) + 1)


def test_run_fast_skips_the_lower_layers_of_big_networks(monkeypatch):
    """Beyond the budget (flops for one loss step, or layer-steps of the sweeps) the lower layers
    are not itemized: None, which the unrolled view says on the plot."""
    cfg = ExperimentConfig(cell="lstm", hidden_size=5, input_size=3, seq_len=30, num_layers=3)
    monkeypatch.setattr(analysis, "LAYER_ITEMIZE_STEPS", 89)
    assert run_fast(cfg).layer_itemized is None and run_fast(cfg).itemized.any()
    monkeypatch.setattr(analysis, "LAYER_ITEMIZE_STEPS", 90)
    assert run_fast(cfg).layer_itemized.shape == (3, 30, 30)
    monkeypatch.setattr(analysis, "ITEMIZE_FLOPS", 1)
    assert run_fast(cfg).layer_itemized is None
